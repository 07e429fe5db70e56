"""The council office's work on meetings: planning, the agenda, the invitation with the legal invitation
period, cancelling, attendance, results and votes, minutes and publishing.

Every state rule of a meeting is in ``TRANSITIONS`` and is checked by ``transition()`` alone:

    terminiert ──invite──▶ eingeladen ──record──▶ durchgeführt ──publish──▶ veröffentlicht
        │                      │
        └──────cancel──────────┘   (sets ``cancelled``; the state stays and nothing further is allowed)

Editing and the agenda are possible until the meeting is held, deleting only before the invitation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied, full_clean

from .. import tasks
from ..models import (
    AgendaItem,
    AgendaResult,
    Attendance,
    AttendanceStatus,
    Body,
    Consultation,
    ConsultationRole,
    File,
    FileRole,
    Location,
    Meeting,
    MeetingState,
    Membership,
    Organization,
    Paper,
    Person,
    Vote,
    VoteChoice,
)
from ..policies import can_manage_council
from .files import file_attach, file_delete

BERLIN = ZoneInfo("Europe/Berlin")
S, INV, H, P = MeetingState.SCHEDULED, MeetingState.INVITED, MeetingState.HELD, MeetingState.PUBLISHED

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
ITEM_FIELDS = ("number", "order", "name", "public", "deleted")
RESULT_FIELDS = ("result", "resolution_text", "votes_yes", "votes_no", "votes_abstain", "named_vote")
# Tombstoned agenda items leave the numbers and places of the agenda free (both are unique per meeting).
TOMBSTONE_ORDER = 1_000_000_000


# --- the one state rule ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]  # the states in which the action is allowed
    target: str | None  # the state it leads to (None: the state stays)
    refusal: Any  # why not, when the state does not fit
    on_meeting_day: bool = False  # not before the day of the meeting (Europe/Berlin)
    when_cancelled: bool = False  # also allowed for a cancelled meeting


TRANSITIONS: dict[str, Rule] = {
    "edit": Rule(
        frozenset({S, INV}), None, gettext_lazy("Eine durchgeführte Sitzung kann nicht mehr geändert werden.")
    ),
    "agenda": Rule(
        frozenset({S, INV}),
        None,
        gettext_lazy("Die Tagesordnung einer durchgeführten Sitzung kann nicht mehr geändert werden."),
    ),
    "invite": Rule(frozenset({S}), INV, gettext_lazy("Zu dieser Sitzung wurde bereits eingeladen.")),
    "cancel": Rule(frozenset({S, INV}), None, gettext_lazy("Eine durchgeführte Sitzung kann nicht abgesagt werden.")),
    "delete": Rule(
        frozenset({S}),
        None,
        gettext_lazy("Zu dieser Sitzung wurde eingeladen; sie kann nur noch abgesagt werden."),
        when_cancelled=True,
    ),
    "record": Rule(
        frozenset({INV, H}),
        H,
        gettext_lazy("Ergebnisse können erst nach der Einladung und nur bis zur Veröffentlichung erfasst werden."),
        on_meeting_day=True,
    ),
    "publish": Rule(
        frozenset({H}), P, gettext_lazy("Veröffentlicht werden kann nur eine durchgeführte Sitzung mit Ergebnissen.")
    ),
}


def refusal(meeting: Meeting, action: str, now: dt.datetime | None = None) -> str:
    """Why ``action`` is not allowed for the meeting now, or "" if it is."""
    rule = TRANSITIONS[action]
    if meeting.deleted:
        return _("Die Sitzung wurde gelöscht.")
    if meeting.cancelled and not rule.when_cancelled:
        return _("Die Sitzung ist abgesagt.")
    if meeting.state not in rule.sources:
        return str(rule.refusal)
    if rule.on_meeting_day and meeting_day(meeting) > timezone.localtime(now or timezone.now(), BERLIN).date():
        return _("Anwesenheit und Ergebnisse lassen sich erst am Tag der Sitzung erfassen.")
    return ""


def allowed(meeting: Meeting, action: str, now: dt.datetime | None = None) -> bool:
    return not refusal(meeting, action, now)


def transition(meeting: Meeting, action: str, now: dt.datetime | None = None) -> None:
    """Check ``action`` against the table and move the meeting to its target state (not saved)."""
    reason = refusal(meeting, action, now)
    if reason:
        raise DomainError(reason, field="state")
    target = TRANSITIONS[action].target
    if target is not None:
        meeting.state = target


# --- helpers -----------------------------------------------------------------------------------------------


def _require_office(actor: Any, body: Body) -> None:
    if not can_manage_council(actor, body):
        raise PermissionDenied(_("Nur der Sitzungsdienst der Kommune."))


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)


def _snapshot(meeting: Meeting) -> dict[str, Any]:
    data = audit.snapshot(meeting, MEETING_FIELDS)
    data["organizations"] = sorted(meeting.organizations.values_list("pk", flat=True))
    return data


def meeting_day(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.start, BERLIN).date()


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


# --- meetings ----------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, actor: Any, body: Body, **fields: Any) -> Meeting:
    """Schedule a meeting: name, start and end (aware), a location and the organizations of the town."""
    _require_office(actor, body)
    for required in ("name", "start", "organizations"):
        if required not in fields:
            raise DomainError(_("Angabe fehlt."), field=required)
    _check_meeting(body, fields)
    meeting = Meeting(body=body)
    _apply_meeting(meeting, fields)
    full_clean(meeting)
    meeting.save()
    meeting.organizations.set(fields["organizations"])
    audit.record(actor=actor, instance=meeting, action="create", after=_snapshot(meeting))
    return meeting


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, **fields: Any) -> Meeting:
    _require_office(actor, meeting.body)
    meeting = _locked(meeting)
    transition(meeting, "edit")
    _check_meeting(meeting.body, fields)
    before = _snapshot(meeting)
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
    audit.record(actor=actor, instance=meeting, action="update", before=before, after=_snapshot(meeting))
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting) -> int:
    """Cancel a scheduled or invited meeting; the invited get a mail. Returns the number of mails."""
    _require_office(actor, meeting.body)
    meeting = _locked(meeting)
    transition(meeting, "cancel")
    before = _snapshot(meeting)
    meeting.cancelled = True
    meeting.save(update_fields=["cancelled", "modified"])
    audit.record(actor=actor, instance=meeting, action="update", before=before, after=_snapshot(meeting))
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
    _require_office(actor, meeting.body)
    meeting = _locked(meeting)
    transition(meeting, "delete")
    before = _snapshot(meeting)
    for item in meeting.agenda_items.filter(deleted=False):
        _tombstone_item(item)
    meeting.deleted = True
    meeting.save(update_fields=["deleted", "modified"])
    audit.record(actor=actor, instance=meeting, action="delete", before=before)


# --- agenda ------------------------------------------------------------------------------------------------


def agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.agenda_items.filter(deleted=False).order_by("order")


def _renumber(meeting: Meeting, items: Sequence[AgendaItem]) -> None:
    """Give ``items`` the places 1…n and the numbers "1"…"n" in this order, in two phases so that the unique
    constraints on (meeting, order) and (meeting, number) hold after every single UPDATE."""
    top = (meeting.agenda_items.filter(deleted=False).aggregate(m=Max("order"))["m"] or 0) + 1
    for position, item in enumerate(items):
        AgendaItem.objects.filter(pk=item.pk).update(order=top + position, number=f"~{item.pk}")
    for position, item in enumerate(items, start=1):
        item.order, item.number = position, str(position)
        AgendaItem.objects.filter(pk=item.pk).update(order=position, number=str(position), modified=timezone.now())


def _tombstone_item(item: AgendaItem) -> None:
    Consultation.objects.filter(agenda_item=item).update(agenda_item=None, modified=timezone.now())
    item.deleted = True
    item.order = TOMBSTONE_ORDER + item.pk
    item.number = f"x{item.pk}"
    item.save(update_fields=["deleted", "order", "number", "modified"])


def _item_snapshot(item: AgendaItem) -> dict[str, Any]:
    return audit.snapshot(item, ITEM_FIELDS)


@transaction.atomic
def agenda_item_add(
    *, actor: Any, meeting: Meeting, name: str = "", public: bool = True, paper: Paper | None = None
) -> AgendaItem:
    """Add an item at the end: a free item (``name``) or one for a paper of the town. A paper is linked by
    its consultation: a planned one of the meeting's organizations without an item is used, else one made."""
    _require_office(actor, meeting.body)
    meeting = _locked(meeting)
    transition(meeting, "agenda")
    name = (name or "").strip()
    if paper is not None:
        if paper.body_id != meeting.body_id or paper.deleted:
            raise DomainError(_("Wählen Sie eine Vorlage der Kommune."), field="paper")
        if Consultation.objects.filter(paper=paper, deleted=False, agenda_item__meeting=meeting).exists():
            raise DomainError(_("Die Vorlage steht schon auf der Tagesordnung."), field="paper")
        if not paper.public and public:
            raise DomainError(
                _("Die Vorlage ist nichtöffentlich: beraten Sie sie im nichtöffentlichen Teil."), field="public"
            )
        name = name or paper.name
    if not name:
        raise DomainError(_("Geben Sie den Gegenstand des Tagesordnungspunkts an."), field="name")
    items = list(agenda(meeting))
    item = AgendaItem(meeting=meeting, name=name[:500], public=public, order=len(items) + 1, number="")
    _renumber(meeting, items)  # closes gaps, so that len + 1 is free
    item.order = len(items) + 1
    item.number = str(item.order)
    full_clean(item)
    item.save()
    if paper is not None:
        organizations = meeting.organizations.all()
        consultation = (
            Consultation.objects.select_for_update(of=("self",))
            .filter(paper=paper, deleted=False, agenda_item__isnull=True, organizations__in=organizations)
            .order_by("order", "pk")
            .first()
        )
        if consultation is None:
            consultation = Consultation.objects.create(
                paper=paper,
                agenda_item=item,
                role=ConsultationRole.PREPARE,
                order=paper.consultations.count(),
            )
            consultation.organizations.set(organizations)
            audit.record(actor=actor, instance=consultation, action="create", after={"agenda_item": item.pk})
        else:
            consultation.agenda_item = item
            consultation.save(update_fields=["agenda_item", "modified"])
            audit.record(
                actor=actor,
                instance=consultation,
                action="update",
                before={"agenda_item": None},
                after={"agenda_item": item.pk},
            )
    audit.record(actor=actor, instance=item, action="create", after=_item_snapshot(item))
    return item


@transaction.atomic
def agenda_item_update(
    *, actor: Any, item: AgendaItem, name: str | None = None, public: bool | None = None
) -> AgendaItem:
    meeting = item.meeting
    _require_office(actor, meeting.body)
    meeting = _locked(meeting)
    transition(meeting, "agenda")
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk, meeting=meeting, deleted=False)
    before = _item_snapshot(item)
    if name is not None:
        if not name.strip():
            raise DomainError(_("Geben Sie den Gegenstand des Tagesordnungspunkts an."), field="name")
        item.name = name.strip()
    if public is not None:
        if public and Paper.objects.filter(consultations__agenda_item=item, public=False, deleted=False).exists():
            raise DomainError(
                _("Eine Vorlage dieses Punktes ist nichtöffentlich: der Punkt bleibt nichtöffentlich."), field="public"
            )
        item.public = public
    full_clean(item)
    item.save()
    audit.record(actor=actor, instance=item, action="update", before=before, after=_item_snapshot(item))
    return item


@transaction.atomic
def agenda_item_remove(*, actor: Any, item: AgendaItem) -> None:
    """Take an item off the agenda (a tombstone stays); its paper is back to planned; the rest renumbered."""
    meeting = item.meeting
    _require_office(actor, meeting.body)
    meeting = _locked(meeting)
    transition(meeting, "agenda")
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk, meeting=meeting, deleted=False)
    before = _item_snapshot(item)
    _tombstone_item(item)
    audit.record(actor=actor, instance=item, action="delete", before=before)
    _renumber(meeting, list(agenda(meeting)))


@transaction.atomic
def agenda_reorder(*, actor: Any, meeting: Meeting, item_ids: Sequence[int]) -> list[AgendaItem]:
    """Put the agenda in the order of ``item_ids`` (all its items, each once) and number it 1…n."""
    _require_office(actor, meeting.body)
    meeting = _locked(meeting)
    transition(meeting, "agenda")
    items = {item.pk: item for item in agenda(meeting).select_for_update(of=("self",))}
    if sorted(item_ids) != sorted(items) or len(set(item_ids)) != len(item_ids):
        raise DomainError(
            _("Die neue Reihenfolge muss jeden Tagesordnungspunkt genau einmal enthalten."), field="order"
        )
    before = {str(pk): items[pk].number for pk in items}
    ordered = [items[pk] for pk in item_ids]
    _renumber(meeting, ordered)
    audit.record(
        actor=actor,
        instance=meeting,
        action="update",
        before={"agenda": before},
        after={"agenda": {str(i.pk): i.number for i in ordered}},
    )
    return ordered


def agenda_item_move(*, actor: Any, item: AgendaItem, step: int) -> list[AgendaItem]:
    """Move an item one place up (``step`` -1) or down (+1); at either end nothing moves."""
    if step not in (-1, 1):
        raise DomainError(_("Nach oben oder nach unten."), field="step")
    ids = list(agenda(item.meeting).values_list("pk", flat=True))
    if item.pk not in ids:
        raise DomainError(_("Der Tagesordnungspunkt ist nicht mehr auf der Tagesordnung."), field="item")
    here = ids.index(item.pk)
    there = here + step
    if 0 <= there < len(ids):
        ids[here], ids[there] = ids[there], ids[here]
    return agenda_reorder(actor=actor, meeting=item.meeting, item_ids=ids)


# --- invitation --------------------------------------------------------------------------------------------


def members_on_day(meeting: Meeting) -> QuerySet[Membership]:
    """The memberships in the meeting's organizations current on the day of the meeting."""
    day = meeting_day(meeting)
    return Membership.objects.filter(
        organization__in=meeting.organizations.all(),
        deleted=False,
        person__deleted=False,
        person__body=meeting.body,
    ).filter(Q(start_date__isnull=True) | Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


def invitees(meeting: Meeting) -> QuerySet[Person]:
    """Everyone to invite: the members of the meeting's organizations on the day of the meeting."""
    return Person.objects.filter(pk__in=members_on_day(meeting).values("person")).order_by("family_name", "given_name")


def addressed(persons: QuerySet[Person]) -> QuerySet[Person]:
    """Those of ``persons`` a mail reaches: with an e-mail address or a login."""
    return persons.filter(~Q(email="") | Q(user__isnull=False, user__is_active=True))


def mail_address(person: Person) -> str:
    if person.email:
        return person.email
    user = person.user
    return user.email if user is not None and user.is_active else ""


def voters(meeting: Meeting) -> QuerySet[Person]:
    """The present persons with a voting right in one of the meeting's organizations."""
    present = Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).values("person")
    voting = members_on_day(meeting).filter(voting_right=True).values("person")
    return Person.objects.filter(pk__in=present).filter(pk__in=voting).order_by("family_name", "given_name")


def invitation_deadline(meeting: Meeting, body: Body | None = None) -> dt.date:
    """The last day on which the invitation keeps the period: ``invitation_days`` full days lie between it and
    the day of the meeting."""
    days = (body or meeting.body).invitation_days
    return meeting_day(meeting) - dt.timedelta(days=days + 1)


def invitation_late(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    today = timezone.localtime(now or timezone.now(), BERLIN).date()
    return today > invitation_deadline(meeting)


@dataclass(frozen=True)
class InvitationPlan:
    persons: int  # members on the day of the meeting
    mailed: int  # of them with an address
    late: bool
    deadline: dt.date


def invitation_plan(meeting: Meeting, now: dt.datetime | None = None) -> InvitationPlan:
    persons = invitees(meeting)
    return InvitationPlan(
        persons=persons.count(),
        mailed=addressed(persons).count(),
        late=invitation_late(meeting, now),
        deadline=invitation_deadline(meeting),
    )


@transaction.atomic
def meeting_invite(*, actor: Any, meeting: Meeting, reason: str = "", now: dt.datetime | None = None) -> int:
    """Invite the members of the meeting's organizations: an Attendance row each, and a mail (with the .ics
    and the public papers) to everyone with an address. Late invitations need a ``reason``, which is
    recorded. Returns the number of mails."""
    _require_office(actor, meeting.body)
    now = now or timezone.now()
    meeting = _locked(meeting)
    before = _snapshot(meeting)
    transition(meeting, "invite")
    if meeting.start <= now:
        raise DomainError(_("Die Sitzung hat schon begonnen; zu ihr kann nicht mehr eingeladen werden."), field="start")
    persons = list(invitees(meeting))
    if not persons:
        raise DomainError(
            _("Die Gremien der Sitzung haben am Sitzungstag keine Mitglieder, die eingeladen werden können."),
            field="organizations",
        )
    if not agenda(meeting).exists():
        raise DomainError(_("Die Tagesordnung ist leer."), field="agenda")
    late = invitation_late(meeting, now)
    reason = (reason or "").strip()
    if late and not reason:
        raise DomainError(
            _("Die Ladungsfrist von %(days)s Tagen ist unterschritten: geben Sie den Grund der verkürzten Ladung an.")
            % {"days": meeting.body.invitation_days},
            field="reason",
        )
    if len(reason) > 500:
        raise DomainError(_("Höchstens 500 Zeichen."), field="reason")
    meeting.invited_at = now
    meeting.invitation_late = late
    meeting.invitation_late_reason = reason if late else ""
    meeting.save(update_fields=["state", "invited_at", "invitation_late", "invitation_late_reason", "modified"])
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, person=person) for person in persons], ignore_conflicts=True
    )
    after = {**_snapshot(meeting), "invited": [p.pk for p in persons]}
    audit.record(actor=actor, instance=meeting, action="update", before=before, after=after)
    mailed = [p.pk for p in addressed(Person.objects.filter(pk__in=[p.pk for p in persons]))]
    if mailed:
        transaction.on_commit(partial(tasks.send_invitation.delay, meeting.pk, mailed))
    return len(mailed)


# --- attendance, results, minutes, publishing ---------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *, actor: Any, meeting: Meeting, statuses: Mapping[int, str], now: dt.datetime | None = None
) -> int:
    """Record who was present, excused or absent (person id → status; "" = not recorded) among the invited.
    Returns the number present."""
    _require_office(actor, meeting.body)
    meeting = _locked(meeting)
    before_state = _snapshot(meeting)
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
    audit.record(actor=actor, instance=meeting, action="update", before=before_state, after=_snapshot(meeting))
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
    _require_office(actor, meeting.body)
    meeting = _locked(meeting)
    before_state = _snapshot(meeting)
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
    audit.record(actor=actor, instance=meeting, action="update", before=before_state, after=_snapshot(meeting))
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
    _require_office(actor, meeting.body)
    meeting = _locked(meeting)
    before = _snapshot(meeting)
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
    audit.record(actor=actor, instance=meeting, action="update", before=before, after=_snapshot(meeting))
    return meeting


def _replace_file(actor: Any, body: Body, upload: Any, role: str, **parent: Any) -> File:
    """Attach ``upload`` as the one file of ``role``; an earlier one becomes a tombstone."""
    for old in File.objects.filter(**parent, role=role, deleted=False):
        file_delete(actor=actor, file=old)
    return file_attach(actor=actor, body=body, upload=upload, role=role, **parent)


@transaction.atomic
def minutes_upload(*, actor: Any, meeting: Meeting, upload: Any, now: dt.datetime | None = None) -> File:
    """The results protocol of the meeting (replacing an earlier one); public once published."""
    _require_office(actor, meeting.body)
    meeting = _locked(meeting)
    before = _snapshot(meeting)
    transition(meeting, "record", now)
    file = _replace_file(actor, meeting.body, upload, FileRole.RESULTS_PROTOCOL, meeting=meeting)
    meeting.save(update_fields=["state", "modified"])
    audit.record(actor=actor, instance=meeting, action="update", before=before, after=_snapshot(meeting))
    return file
