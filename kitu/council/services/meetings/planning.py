"""Planning meetings: create, change, cancel (the invited get a mail) and delete (a tombstone stays)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, full_clean

from ... import tasks
from ...models import Body, Location, Meeting, Organization, Person
from ._common import locked, require_office, snapshot
from .agenda import tombstone_item
from .invitation import addressed
from .state import transition


def _aware(value: Any, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise DomainError(_("Bitte geben Sie Datum und Uhrzeit mit Zeitzone an."), field=field)
    return value


def _check_meeting(body: Body, fields: Mapping[str, Any]) -> None:
    location = fields.get("location")
    if location is not None and (not isinstance(location, Location) or location.body_id != body.pk or location.deleted):
        raise DomainError(_("Wählen Sie einen Ort der Kommune."), field="location")
    if "organizations" in fields:
        organizations = list(fields["organizations"])
        if not organizations:
            raise DomainError(_("Wählen Sie mindestens ein Gremium."), field="organizations")
        if any(not isinstance(o, Organization) or o.body_id != body.pk or o.deleted for o in organizations):
            raise DomainError(_("Wählen Sie Gremien der Kommune."), field="organizations")


def _apply_meeting(meeting: Meeting, fields: Mapping[str, Any]) -> None:
    for key, value in fields.items():
        if key not in ("name", "start", "end", "location", "organizations"):
            raise DomainError(_("Feld kann nicht geändert werden."), field=key)
        if key in ("start", "end") and value is not None:
            value = _aware(value, key)
        if key != "organizations":
            setattr(meeting, key, value)
    if meeting.end is not None and meeting.start is not None and meeting.end < meeting.start:
        raise DomainError(_("Das Ende liegt vor dem Beginn."), field="end")
    if not (meeting.name or "").strip():
        raise DomainError(_("Geben Sie der Sitzung eine Bezeichnung."), field="name")


@transaction.atomic
def meeting_create(*, actor: Any, body: Body, **fields: Any) -> Meeting:
    """Schedule a meeting: name, start and end (aware), a location and the organizations of the town."""
    require_office(actor, body)
    for required in ("name", "start", "organizations"):
        if required not in fields:
            raise DomainError(_("Angabe fehlt."), field=required)
    _check_meeting(body, fields)
    meeting = Meeting(body=body)
    _apply_meeting(meeting, fields)
    full_clean(meeting)
    meeting.save()
    meeting.organizations.set(fields["organizations"])
    audit.record(actor=actor, instance=meeting, action="create", after=snapshot(meeting))
    return meeting


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, **fields: Any) -> Meeting:
    require_office(actor, meeting.body)
    meeting = locked(meeting)
    transition(meeting, "edit")
    _check_meeting(meeting.body, fields)
    before = snapshot(meeting)
    changed = "organizations" in fields and sorted(o.pk for o in fields["organizations"]) != before["organizations"]
    if meeting.invited_at is not None and changed:
        raise DomainError(
            _("Nach der Einladung lassen sich die Gremien nicht mehr ändern; sagen Sie die Sitzung ab."),
            field="organizations",
        )
    _apply_meeting(meeting, fields)
    full_clean(meeting)
    meeting.save()
    if "organizations" in fields:
        meeting.organizations.set(fields["organizations"])
    audit.record(actor=actor, instance=meeting, action="update", before=before, after=snapshot(meeting))
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting) -> int:
    """Cancel a scheduled or invited meeting; the invited get a mail. Returns the number of mails."""
    require_office(actor, meeting.body)
    meeting = locked(meeting)
    transition(meeting, "cancel")
    before = snapshot(meeting)
    meeting.cancelled = True
    meeting.save(update_fields=["cancelled", "modified"])
    audit.record(actor=actor, instance=meeting, action="update", before=before, after=snapshot(meeting))
    person_ids = []
    if meeting.invited_at is not None:
        person_ids = [p.pk for p in addressed(Person.objects.filter(attendances__meeting=meeting))]
        if person_ids:
            transaction.on_commit(partial(tasks.send_cancellation.delay, meeting.pk, person_ids))
    return len(person_ids)


@transaction.atomic
def meeting_delete(*, actor: Any, meeting: Meeting) -> None:
    """Delete a meeting nobody was invited to (a tombstone stays for OParl clients); its agenda goes with it
    and the papers on it are back to planned."""
    require_office(actor, meeting.body)
    meeting = locked(meeting)
    transition(meeting, "delete")
    before = snapshot(meeting)
    for item in meeting.agenda_items.filter(deleted=False):
        tombstone_item(item)
    meeting.deleted = True
    meeting.save(update_fields=["deleted", "modified"])
    audit.record(actor=actor, instance=meeting, action="delete", before=before)
