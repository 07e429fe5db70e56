"""A member admin's approval rules: amount limits and who approves at which step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.accounts.selectors import role_pairs
from kitu.core.errors import DomainError
from kitu.core.forms import add_domain_error, run_action
from kitu.members.models import Member

from .. import approval_rules
from ..forms import (
    ApproverForm,
    PolicyForm,
)
from ..models import ApprovalPolicy, Approver
from ..policies import can_manage_rules


def _admin_member(request: HttpRequest) -> Member:
    orgs = sorted(org for org, role in role_pairs(request.user) if role == "member_admin")
    raw = request.POST.get("member") or request.GET.get("mitglied")
    members = list(Member.objects.with_name().filter(organisation_id__in=orgs))
    if not members:
        raise DjangoPermissionDenied
    if raw and raw.isdigit():
        found = [m for m in members if m.pk == int(raw)]
        if not found:
            raise Http404
        return found[0]
    return members[0]


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """A member admin's approval rules: amount limits and who approves at which step."""
    member = _admin_member(request)
    policy = ApprovalPolicy.objects.filter(member=member).first()
    policy_form = PolicyForm(
        request.POST if request.method == "POST" and "policy" in request.POST else None,
        initial={
            "auto_approve_up_to": policy.auto_approve_up_to if policy else 0,
            "second_step_from": policy.second_step_from if policy else None,
        },
    )
    approver_form = ApproverForm(
        request.POST if request.method == "POST" and "approver" in request.POST else None, member=member
    )
    status = 200
    if request.method == "POST":
        form: Any = policy_form if "policy" in request.POST else approver_form
        if form.is_valid():
            try:
                if form is policy_form:
                    approval_rules.policy_save(actor=request.user, member=member, **form.cleaned_data)
                else:
                    approval_rules.approver_set(actor=request.user, member=member, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Die Freigaberegeln sind gespeichert."))
                return redirect(reverse("orders:rules") + f"?mitglied={member.pk}")
        status = 400
    return render(
        request,
        "orders/rules.html",
        {
            "member": member,
            "policy_form": policy_form,
            "approver_form": approver_form,
            "approvers": Approver.objects.filter(member=member).select_related("user"),
        },
        status=status,
    )


@login_required
@require_POST
def approver_remove(request: HttpRequest, approver_id: int) -> HttpResponse:
    approver = Approver.objects.filter(pk=approver_id).select_related("member").first()
    if approver is None or not can_manage_rules(request.user, approver.member):
        raise Http404
    run_action(
        request,
        lambda: approval_rules.approver_remove(actor=request.user, approver=approver),
        _("Die Person ist nicht mehr freigabeberechtigt."),
    )
    return redirect(reverse("orders:rules") + f"?mitglied={approver.member_id}")
