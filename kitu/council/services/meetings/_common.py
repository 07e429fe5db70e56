"""Helpers shared by the meeting services: the meeting's audited fields, the office check, the meeting
lock and the meeting's audit snapshot."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import PermissionDenied

from ...models import Body, Meeting
from ...policies import can_manage_council

MEETING_FIELDS = (
    "name",
    "start",
    "end",
    "location",
    "state",
    "cancelled",
    "invited_at",
    "invitation_late",
    "invitation_late_reason",
    "published_at",
)


def require_office(actor: Any, body: Body) -> None:
    if not can_manage_council(actor, body):
        raise PermissionDenied(_("Nur der Sitzungsdienst der Kommune."))


def locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)


def snapshot(meeting: Meeting) -> dict[str, Any]:
    data = audit.snapshot(meeting, MEETING_FIELDS)
    data["organizations"] = sorted(meeting.organizations.values_list("pk", flat=True))
    return data
