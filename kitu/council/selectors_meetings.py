"""What the council office has to do about its meetings, for the task inbox: meetings to invite to before
the invitation period ends, and meetings held whose results are not published yet. Scoped to the towns
whose council office the user is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs

from .models import Body, Meeting, MeetingState
from .services.meetings import BERLIN, invitation_deadline

# An invitation task appears this many days before the last day of the invitation period.
INVITE_LEAD_DAYS = 7


def office_bodies(user: Any) -> list[Body]:
    if not getattr(user, "is_authenticated", False):
        return []
    organisations = [org for org, role in role_pairs(user) if role == Role.COUNCIL_OFFICE]
    if not organisations:
        return []
    return list(Body.objects.filter(member__organisation_id__in=organisations, deleted=False, is_enabled=True))


def _open(bodies: list[Body]) -> Any:
    return Meeting.objects.filter(body__in=bodies, deleted=False, cancelled=False).select_related("body")


def invite_tasks(user: Any, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Scheduled future meetings whose invitation period ends within ``INVITE_LEAD_DAYS`` days (or has ended):
    rows with the meeting, its town and the last day to invite in time (``deadline``)."""
    bodies = office_bodies(user)
    if not bodies:
        return []
    now = now or timezone.now()
    today = timezone.localtime(now, BERLIN).date()
    soon = Q(pk__in=[])
    for body in bodies:
        # deadline = meeting day - (days + 1) <= today + lead  <=>  meeting day <= today + lead + days + 1
        last_day = today + dt.timedelta(days=INVITE_LEAD_DAYS + body.invitation_days + 1)
        before = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=BERLIN)
        soon |= Q(body=body, start__lt=before)
    meetings = _open(bodies).filter(soon, state=MeetingState.SCHEDULED, start__gt=now).order_by("start")
    return [
        {
            "pk": m.pk,
            "name": m.name,
            "start": m.start,
            "created": m.created,
            "slug": m.body.slug,
            "town": m.body.name,
            "deadline": invitation_deadline(m),
        }
        for m in meetings
    ]


def publish_tasks(user: Any, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Meetings that have taken place (invited, or results recorded) and whose results are not published."""
    bodies = office_bodies(user)
    if not bodies:
        return []
    now = now or timezone.now()
    meetings = (
        _open(bodies).filter(state__in=(MeetingState.INVITED, MeetingState.HELD), start__lt=now).order_by("start")
    )
    return [{"pk": m.pk, "name": m.name, "start": m.start, "slug": m.body.slug, "town": m.body.name} for m in meetings]
