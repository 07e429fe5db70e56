"""A representative votes for its member (or as proxy), sees the receipt, looks a secret vote up by receipt;
registers for the assembly and grants a proxy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.accounts.models import User
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.forms import errors_text
from kitu.members.models import Member

from .. import selectors
from ..forms import ProxyForm, ReceiptForm, VoteForm
from ..models import Choice, Representative
from ..services import assemblies, voting
from .common import found


@login_required
@require_POST
def vote(request: HttpRequest, assembly_id: int, resolution_id: int) -> HttpResponse:
    user = request.user
    obj = found(lambda: selectors.assembly_for(user, assembly_id))
    poll = found(lambda: selectors.poll_for(user, obj, resolution_id))
    form = VoteForm(request.POST)
    back = redirect("governance:assembly", obj.pk)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return back
    slot = next((s for s in selectors.vote_slots(user, poll) if s.member.pk == form.cleaned_data["member"]), None)
    if slot is None:
        raise DjangoPermissionDenied
    try:
        cast = voting.vote_cast(
            actor=user,
            poll=poll,
            member=slot.member,
            choice=form.cleaned_data["choice"],
            receipt=form.cleaned_data["receipt"],
        )
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return back
    return render(
        request,
        "governance/receipt.html",
        {
            "assembly": obj,
            "poll": poll,
            "member": slot.member,
            "cast": cast,
            "choice_label": Choice(cast.choice).label,
        },
    )


@login_required
@require_POST
def receipt_lookup(request: HttpRequest, assembly_id: int, resolution_id: int) -> HttpResponse:
    """Whoever holds the receipt of a secret vote sees its choice (nobody else can)."""
    obj = found(lambda: selectors.assembly_for(request.user, assembly_id))
    poll = found(lambda: selectors.poll_for(request.user, obj, resolution_id))
    form = ReceiptForm(request.POST)
    choice = voting.secret_choice(poll, form.cleaned_data["receipt"].strip()) if form.is_valid() else ""
    return render(
        request,
        "governance/receipt_lookup.html",
        {"assembly": obj, "poll": poll, "choice_label": Choice(choice).label if choice else ""},
        status=200 if choice else 400,
    )


@login_required
@require_POST
def attend(request: HttpRequest, assembly_id: int, member_id: int) -> HttpResponse:
    obj = found(lambda: selectors.assembly_for(request.user, assembly_id))
    member = next((m for m in selectors.represented_members(request.user) if m.pk == member_id), None)
    if member is None:
        raise Http404
    try:
        assemblies.attendance_register(actor=request.user, assembly=obj, member=member)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(member)s ist angemeldet.") % {"member": member.name})
    return redirect("governance:assembly", obj.pk)


@login_required
@require_POST
def proxy(request: HttpRequest, assembly_id: int) -> HttpResponse:
    obj = found(lambda: selectors.assembly_for(request.user, assembly_id))
    holders = User.objects.filter(pk__in=Representative.objects.values("user_id"), is_active=True)
    form = ProxyForm(request.POST, holders=holders)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("governance:assembly", obj.pk)
    member = get_object_or_404(Member, pk=form.cleaned_data["member"])
    try:
        assemblies.proxy_grant(actor=request.user, assembly=obj, member=member, holder=form.cleaned_data["holder"])
    except PermissionDenied:
        raise Http404 from None  # another member's proxy: never tell
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Vollmacht ist eingetragen."))
    return redirect("governance:assembly", obj.pk)
