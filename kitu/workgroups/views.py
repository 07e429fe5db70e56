"""Pages of the working groups: the groups, a group, a meeting with registering and cancelling."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.accounts.models import User
from kitu.core.errors import DomainError, NotFound

from . import selectors, services
from .models import GroupMembership, Meeting, Registration, RegistrationStatus, WorkingGroup
from .policies import can_manage_groups


def _me(request: HttpRequest) -> User:
    """The logged-in user (every page here requires a login)."""
    return cast(User, request.user)


def _meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    try:
        return selectors.meeting_for(request.user, meeting_id)
    except NotFound as exc:
        raise Http404 from exc


def _group(request: HttpRequest, group_id: int) -> WorkingGroup:
    group = selectors.visible_groups(request.user).filter(pk=group_id).first()
    if group is None:
        raise Http404
    return group


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(selectors.visible_groups(request.user))
    mine = {m.group_id: m for m in GroupMembership.objects.filter(user=_me(request))}
    meetings = list(selectors.upcoming_meetings(request.user)[:30])
    registered = {
        r.meeting_id: r
        for r in Registration.objects.filter(user=_me(request), meeting__in=meetings).exclude(
            status=RegistrationStatus.CANCELLED
        )
    }
    return render(
        request,
        "workgroups/group_list.html",
        {
            "groups": [(g, mine.get(g.pk)) for g in groups],
            "meetings": [(m, registered.get(m.pk)) for m in meetings],
            "can_manage": can_manage_groups(request.user),
        },
    )


@login_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    membership = GroupMembership.objects.filter(group=group, user=_me(request)).first()
    insider = can_manage_groups(request.user) or (membership is not None and membership.status == "active")
    return render(
        request,
        "workgroups/group_detail.html",
        {
            "group": group,
            "membership": membership,
            "insider": insider,
            "members": group.memberships.select_related("user").filter(status="active") if insider else [],
            "meetings": selectors.visible_meetings(request.user).filter(group=group).order_by("-starts_at")[:20]
            if insider
            else [],
        },
    )


@login_required
@require_POST
def group_join(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    try:
        membership = services.group_join(actor=request.user, group=group)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Sie sind jetzt Mitglied des Arbeitskreises.")
            if membership.status == "active"
            else _("Ihr Beitritt ist beantragt; die Koordination gibt ihn frei."),
        )
    return redirect("workgroups:group", group_id=group.pk)


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    mine = (
        Registration.objects.filter(meeting=meeting, user=_me(request))
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    insider = can_manage_groups(request.user) or (
        meeting.group_id is not None
        and GroupMembership.objects.filter(
            group_id=meeting.group_id, user=_me(request), is_coordinator=True, status="active"
        ).exists()
    )
    return render(
        request,
        "workgroups/meeting_detail.html",
        {
            "meeting": meeting,
            "mine": mine,
            "position": selectors.waiting_position(mine),
            "waiting_count": Registration.objects.filter(meeting=meeting, status=RegistrationStatus.WAITING).count(),
            "participants": Registration.objects.filter(meeting=meeting)
            .exclude(status=RegistrationStatus.CANCELLED)
            .select_related("user", "organisation")
            if insider
            else [],
        },
    )


@login_required
@require_POST
def register(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    try:
        registration = services.register(actor=request.user, meeting=meeting, waitlist="warteliste" in request.POST)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Sie sind angemeldet.")
            if registration.status == RegistrationStatus.REGISTERED
            else _("Kein Platz frei: Sie stehen auf der Warteliste und rücken automatisch nach."),
        )
    return redirect("workgroups:meeting", meeting_id=meeting.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    try:
        services.cancel(actor=request.user, meeting=meeting)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sie sind abgemeldet."))
    return redirect("workgroups:meeting", meeting_id=meeting.pk)
