"""After the invitation: attendance, the items' results and votes, publishing the meeting and the minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, full_clean

from ...models import (
    AgendaItem,
    AgendaResult,
    Attendance,
    AttendanceStatus,
    Body,
    File,
    FileRole,
    Meeting,
    Vote,
    VoteChoice,
)
from ..files import file_attach, file_delete
from ._common import locked, require_office, snapshot
from .agenda import agenda
from .invitation import voters
from .state import transition

RESULT_FIELDS = ("result", "resolution_text", "votes_yes", "votes_no", "votes_abstain", "named_vote")


@transaction.atomic
def attendance_record(
    *, actor: Any, meeting: Meeting, statuses: Mapping[int, str], now: dt.datetime | None = None
) -> int:
    """Record who was present, excused or absent (person id → status; "" = not recorded) among the invited.
    Returns the number present."""
    require_office(actor, meeting.body)
    meeting = locked(meeting)
    before_state = snapshot(meeting)
    transition(meeting, "record", now)
    rows = {a.person_id: a for a in Attendance.objects.select_for_update(of=("self",)).filter(meeting=meeting)}
    for person_id, status in statuses.items():
        if person_id not in rows:
            raise DomainError(_("Diese Person wurde nicht eingeladen."), field="attendance")
        if status not in AttendanceStatus.values and status != "":
            raise DomainError(_("Anwesend, entschuldigt oder abwesend."), field="attendance")
    before = {str(pid): a.status for pid, a in rows.items()}
    for person_id, status in statuses.items():
        row = rows[person_id]
        if row.status != status:
            row.status = status
            row.save(update_fields=["status"])
    meeting.save(update_fields=["state", "modified"])
    audit.record(actor=actor, instance=meeting, action="update", before=before_state, after=snapshot(meeting))
    audit.record(
        actor=actor,
        instance=meeting,
        action="update",
        before={"attendance": before},
        after={"attendance": {str(pid): a.status for pid, a in rows.items()}},
    )
    return sum(1 for a in rows.values() if a.status == AttendanceStatus.PRESENT)


@transaction.atomic
def agenda_item_result(
    *,
    actor: Any,
    item: AgendaItem,
    result: str,
    resolution_text: str = "",
    votes_yes: int | None = None,
    votes_no: int | None = None,
    votes_abstain: int | None = None,
    named_votes: Mapping[int, str] | None = None,
    resolution_file: Any = None,
    now: dt.datetime | None = None,
) -> AgendaItem:
    """Record an item's result and resolution. Vote counts may not exceed the present voting members; with
    ``named_votes`` (person id → yes/no/abstain) every present voting member votes and the counts follow.
    ``resolution_file`` (an upload) becomes the item's resolution file."""
    meeting = item.meeting
    require_office(actor, meeting.body)
    meeting = locked(meeting)
    before_state = snapshot(meeting)
    transition(meeting, "record", now)
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk, meeting=meeting, deleted=False)
    if result not in AgendaResult.values:
        raise DomainError(_("Wählen Sie das Ergebnis."), field="result")
    before = audit.snapshot(item, RESULT_FIELDS)
    eligible = {p.pk: p for p in voters(meeting)}
    if named_votes is not None:
        if set(named_votes) - set(eligible):
            raise DomainError(_("Nur anwesende stimmberechtigte Mitglieder stimmen ab."), field="votes")
        missing = [eligible[pid].name for pid in eligible if pid not in named_votes]
        if missing:
            raise DomainError(
                _("Bei namentlicher Abstimmung fehlt die Stimme von: %(names)s") % {"names": ", ".join(missing)},
                field="votes",
            )
        if any(choice not in VoteChoice.values for choice in named_votes.values()):
            raise DomainError(_("Ja, Nein oder Enthaltung."), field="votes")
        choices = list(named_votes.values())
        votes_yes, votes_no, votes_abstain = (
            choices.count(c) for c in (VoteChoice.YES, VoteChoice.NO, VoteChoice.ABSTAIN)
        )
    counts = {"votes_yes": votes_yes, "votes_no": votes_no, "votes_abstain": votes_abstain}
    for field, value in counts.items():
        if value is not None and (not isinstance(value, int) or value < 0):
            raise DomainError(_("Eine Anzahl ab 0."), field=field)
    given = sum(v for v in counts.values() if v is not None)
    if given > len(eligible):
        raise DomainError(
            _("%(given)s Stimmen, aber nur %(n)s anwesende stimmberechtigte Mitglieder.")
            % {"given": given, "n": len(eligible)},
            field="votes_yes",
        )
    item.result = result
    item.resolution_text = (resolution_text or "").strip()
    item.votes_yes, item.votes_no, item.votes_abstain = votes_yes, votes_no, votes_abstain
    item.named_vote = named_votes is not None
    full_clean(item)
    item.save()
    old_votes = {str(v.person_id): v.choice for v in item.votes.all()}
    item.votes.all().delete()
    if named_votes is not None:
        Vote.objects.bulk_create(
            [Vote(agenda_item=item, person_id=pid, choice=choice) for pid, choice in sorted(named_votes.items())]
        )
    if resolution_file is not None:
        _replace_file(actor, meeting.body, resolution_file, FileRole.RESOLUTION, agenda_item=item)
    meeting.save(update_fields=["state", "modified"])
    audit.record(actor=actor, instance=meeting, action="update", before=before_state, after=snapshot(meeting))
    audit.record(
        actor=actor,
        instance=item,
        action="update",
        before={**before, "votes": old_votes},
        after={
            **audit.snapshot(item, RESULT_FIELDS),
            "votes": {str(pid): c for pid, c in sorted((named_votes or {}).items())},
        },
    )
    return item


def unrecorded_public_items(meeting: Meeting) -> list[AgendaItem]:
    return list(agenda(meeting).filter(public=True, result=""))


@transaction.atomic
def meeting_publish(*, actor: Any, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Publish results and minutes: refused while a public item has no result."""
    require_office(actor, meeting.body)
    meeting = locked(meeting)
    before = snapshot(meeting)
    transition(meeting, "publish", now)
    missing = unrecorded_public_items(meeting)
    if missing:
        raise DomainError(
            _("Es fehlt noch das Ergebnis von: %(items)s")
            % {"items": "; ".join(f"TOP {i.number} {i.name}" for i in missing)},
            field="result",
        )
    meeting.published_at = now or timezone.now()
    meeting.save(update_fields=["state", "published_at", "modified"])
    audit.record(actor=actor, instance=meeting, action="update", before=before, after=snapshot(meeting))
    return meeting


def _replace_file(actor: Any, body: Body, upload: Any, role: str, **parent: Any) -> File:
    """Attach ``upload`` as the one file of ``role``; an earlier one becomes a tombstone."""
    for old in File.objects.filter(**parent, role=role, deleted=False):
        file_delete(actor=actor, file=old)
    return file_attach(actor=actor, body=body, upload=upload, role=role, **parent)


@transaction.atomic
def minutes_upload(*, actor: Any, meeting: Meeting, upload: Any, now: dt.datetime | None = None) -> File:
    """The results protocol of the meeting (replacing an earlier one); public once published."""
    require_office(actor, meeting.body)
    meeting = locked(meeting)
    before = snapshot(meeting)
    transition(meeting, "record", now)
    file = _replace_file(actor, meeting.body, upload, FileRole.RESULTS_PROTOCOL, meeting=meeting)
    meeting.save(update_fields=["state", "modified"])
    audit.record(actor=actor, instance=meeting, action="update", before=before, after=snapshot(meeting))
    return file
