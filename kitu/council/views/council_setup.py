"""The cooperative's page to switch the council information system on for a member town
(/ratsinformationssystem/); only the cooperative's administrators reach it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.accounts.policies import is_coop_admin
from kitu.core.forms import save_form
from kitu.core.schemas import MAX_ID
from kitu.members.models import Member

from .. import selectors_register as selectors
from ..forms_register import BodyEnableForm, SetupSearchForm
from ..models import Body
from ..services import register as services

SETUP_LIST_LIMIT = 50  # towns without the system listed at once; the search finds the others


def _coop_admin(request: HttpRequest) -> None:
    if not is_coop_admin(request.user):
        raise DjangoPermissionDenied


@login_required
def council_setup(request: HttpRequest) -> HttpResponse:
    _coop_admin(request)
    search = SetupSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    members = selectors.setup_members(q)
    without = [m for m in members if not hasattr(m, "council_body")]
    return render(
        request,
        "council/register/setup.html",
        {
            "search": search,
            "with_system": [m for m in members if hasattr(m, "council_body")],
            "without_system": without[:SETUP_LIST_LIMIT],
            "more": max(0, len(without) - SETUP_LIST_LIMIT),
        },
    )


@login_required
def council_setup_enable(request: HttpRequest, member_id: int) -> HttpResponse:
    _coop_admin(request)
    member = _row_member(member_id)
    body = Body.objects.filter(member=member).first()
    form: BodyEnableForm | None = BodyEnableForm(
        request.POST if request.method == "POST" else None,
        initial={"name": member.name, "slug": member.city.lower() if member.city else ""},
    )
    if body is not None and body.is_enabled and not body.deleted:
        form = None  # nothing to switch on
    done = form is not None and save_form(
        request,
        form,
        lambda data: services.body_enable(actor=request.user, member=member, **data),
        _("Das Ratsinformationssystem ist freigeschaltet."),
        lambda _b: redirect("council:council_setup"),
    )
    if done:
        return done
    status = 400 if form is not None and form.is_bound else 200
    if request.method == "POST" and form is None:
        messages.error(request, _("Für %(name)s ist es schon freigeschaltet.") % {"name": member.name})
        status = 400
    context = {
        "member": member,
        "body": body,
        "form": form,
        "subscription_missing": services.subscription_missing(member),
    }
    return render(request, "council/register/setup_enable.html", context, status=status)


def _row_member(member_id: int) -> Member:
    member = (
        Member.objects.members_on(timezone.localdate()).select_related("organisation").filter(pk=member_id).first()
        if 0 < member_id <= MAX_ID
        else None
    )
    if member is None:
        raise Http404
    return member
