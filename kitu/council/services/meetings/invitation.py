"""The invitation: who is invited and who votes on the meeting's day, the legal invitation period (a late
invitation needs a reason) and the invitation itself with its mails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError

from ... import tasks
from ...models import Attendance, AttendanceStatus, Body, Meeting, Membership, Person
from ._common import locked, require_office, snapshot
from .agenda import agenda
from .state import BERLIN, meeting_day, transition


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
    require_office(actor, meeting.body)
    now = now or timezone.now()
    meeting = locked(meeting)
    before = snapshot(meeting)
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
    after = {**snapshot(meeting), "invited": [p.pk for p in persons]}
    audit.record(actor=actor, instance=meeting, action="update", before=before, after=after)
    mailed = [p.pk for p in addressed(Person.objects.filter(pk__in=[p.pk for p in persons]))]
    if mailed:
        transaction.on_commit(partial(tasks.send_invitation.delay, meeting.pk, mailed))
    return len(mailed)
