"""Helpers of the working-group pages: the object lookups that answer 404 or 403, and the form page."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kitu.accounts.models import User
from kitu.core.errors import NotFound

from .. import selectors
from ..models import (
    Meeting,
    MembershipStatus,
    WorkingGroup,
)
from ..policies import can_manage_groups, can_run_group


def me(request: HttpRequest) -> User:
    """The logged-in user (every page here requires a login)."""
    return cast(User, request.user)


def visible_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    try:
        return selectors.meeting_for(request.user, meeting_id)
    except NotFound as exc:
        raise Http404 from exc


def visible_group(request: HttpRequest, group_id: int) -> WorkingGroup:
    group = selectors.visible_groups(request.user).filter(pk=group_id).first()
    if group is None:
        raise Http404
    return group


def form_page(request: HttpRequest, form: Any, title: str, back: str, status: int | None = None) -> HttpResponse:
    status = status or (400 if request.method == "POST" else 200)
    return render(request, "workgroups/form.html", {"form": form, "title": title, "back": back}, status=status)


def runnable_groups(user: Any) -> Any:
    if can_manage_groups(user):
        return WorkingGroup.objects.all()
    return WorkingGroup.objects.filter(
        memberships__user=user, memberships__is_coordinator=True, memberships__status=MembershipStatus.ACTIVE
    )


def meeting_to_run(request: HttpRequest, meeting_id: int) -> Meeting:
    """A meeting for its coordinators and the office: 404 if invisible, 403 if visible but not theirs."""
    meeting = visible_meeting(request, meeting_id)
    if not can_run_group(request.user, meeting.group_id):
        raise DjangoPermissionDenied
    return meeting
