"""Writes on tickets: report, the one status transition (table below), assignment, merge, rating."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.assets.models import Asset
from kitu.billing.models import Service
from kitu.core import audit
from kitu.core.errors import DomainError, NotFound, PermissionDenied
from kitu.members.models import Member
from kitu.procedures.models import Procedure
from kitu.servicedesk import conf, selectors
from kitu.servicedesk.models import (
    PAUSED_STATUSES,
    Channel,
    Clock,
    Kind,
    Level,
    ServiceLevel,
    SlaEvent,
    SlaEventKind,
    Status,
    Team,
    Ticket,
    TicketSequence,
    Transition,
)
from kitu.servicedesk.policies import can_report, is_desk_staff

from . import clock, files

STAFF, MEMBER = "staff", "member"
# (from, to) → who may make the change; "system" changes (a member's reply to a waiting ticket) go through
# the same function with ``by_system``.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (Status.NEW, Status.IN_PROGRESS): frozenset({STAFF}),
    (Status.NEW, Status.WAITING): frozenset({STAFF}),
    (Status.NEW, Status.RESOLVED): frozenset({STAFF}),
    (Status.IN_PROGRESS, Status.WAITING): frozenset({STAFF}),
    (Status.IN_PROGRESS, Status.RESOLVED): frozenset({STAFF}),
    (Status.WAITING, Status.IN_PROGRESS): frozenset({STAFF, MEMBER}),
    (Status.WAITING, Status.RESOLVED): frozenset({STAFF}),
    (Status.RESOLVED, Status.IN_PROGRESS): frozenset({STAFF, MEMBER}),  # reopened
    (Status.RESOLVED, Status.CLOSED): frozenset({STAFF, MEMBER}),
    **{(s, Status.MERGED): frozenset({STAFF}) for s in (Status.NEW, Status.IN_PROGRESS, Status.WAITING)},
}
MAX_SUBJECT, MAX_TEXT = 200, 20_000


def _name(actor: Any) -> str:
    return str(getattr(actor, "full_name", "") or getattr(actor, "email", "") or "system")


def _next_number(year: int) -> str:
    TicketSequence.objects.get_or_create(year=year)
    sequence = TicketSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"T-{year}-{sequence.last:06d}"


def _levels(service: Service | None, priority: int) -> tuple[int, int]:
    for candidate in (service, None):
        level = ServiceLevel.objects.filter(service=candidate, priority=priority).first()
        if level is not None:
            return level.response_minutes, level.resolution_minutes
    return conf.default_levels()[priority]


def _team_for(service: Service | None) -> Team | None:
    if service is not None:
        team = Team.objects.filter(services=service).order_by("pk").first()
        if team is not None:
            return team
    return Team.objects.order_by("pk").first()


def _text(value: str, field: str, limit: int, message: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if not text:
        raise DomainError(message, field=field)
    if len(text) > limit:
        raise DomainError(_("Höchstens %(n)s Zeichen.") % {"n": limit}, field=field)
    return text


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise DomainError(_("Bitte wählen Sie einen der angebotenen Werte."), field=field)
    return value


@transaction.atomic
def ticket_create(
    *,
    actor: Any,
    member: Member,
    subject: str,
    description: str,
    kind: str,
    impact: str,
    urgency: str,
    service_id: int | None = None,
    procedure_id: int | None = None,
    asset_id: int | None = None,
    channel: str = Channel.PAGE,
    uploads: list[Any] | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """A member's user reports a ticket for their member. The service must be one the member subscribes to,
    the procedure and the asset the member's own; priority from impact × urgency; the SLA clock starts."""
    if not can_report(actor, member.organisation_id):
        raise NotFound("Not found")
    subject = _text(subject, "subject", MAX_SUBJECT, _("Bitte geben Sie einen Betreff an."))
    description = _text(description, "description", MAX_TEXT, _("Bitte beschreiben Sie das Anliegen."))
    kind = _choice(kind, Kind, "kind")
    impact, urgency = _choice(impact, Level, "impact"), _choice(urgency, Level, "urgency")
    service = None
    if service_id is not None:
        service = selectors.subscribed_services(member).filter(pk=service_id).first()
        if service is None:
            raise DomainError(_("Diese Leistung hat Ihre Organisation nicht abonniert."), field="service_id")
    procedure = None
    if procedure_id is not None:
        procedure = Procedure.objects.filter(pk=procedure_id, member=member).first()
        if procedure is None:
            raise DomainError(_("Dieses Fachverfahren ist bei Ihrer Organisation nicht erfasst."), field="procedure_id")
    asset = None
    if asset_id is not None:
        asset = Asset.objects.filter(pk=asset_id, member=member).first()
        if asset is None:
            raise DomainError(_("Dieses Gerät gehört nicht zu Ihrer Organisation."), field="asset_id")
    checked = files.check_all(uploads or [])  # before anything is written
    now = now or timezone.now()
    priority = conf.priority(impact, urgency)
    response, resolution = _levels(service, priority)
    ticket = Ticket(
        number=_next_number(timezone.localtime(now).year),
        member=member,
        requester=actor,
        subject=subject,
        description=description,
        kind=kind,
        service=service,
        procedure=procedure,
        asset=asset,
        impact=impact,
        urgency=urgency,
        priority=priority,
        team=_team_for(service),
        channel=channel,
        created_at=now,
        response_minutes=response,
        resolution_minutes=resolution,
    )
    clock.set_due(ticket)
    ticket.save()
    Transition.objects.create(ticket=ticket, to_status=Status.NEW, actor=actor, actor_name=_name(actor), at=now)
    files.store(ticket, None, checked, actor, internal=False)
    audit.record(actor=actor, instance=ticket, action="create", after={"number": ticket.number, "priority": priority})
    return ticket


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)


def transition(
    *,
    actor: Any,
    ticket: Ticket,
    to_status: str,
    note: str = "",
    now: dt.datetime | None = None,
    by_system: bool = False,
) -> Ticket:
    """The one status change: checks the table and the actor's side, keeps the SLA clock (paused while the
    member is asked or the solution is proposed), records the history row and breaches at resolution."""
    with transaction.atomic():
        ticket = _lock(ticket)
        side = STAFF if is_desk_staff(actor) else MEMBER
        allowed = TRANSITIONS.get((ticket.status, to_status))
        if allowed is None:
            raise DomainError(
                _("Von „%(a)s“ nach „%(b)s“ geht es nicht.")
                % {
                    "a": Status(ticket.status).label,
                    "b": Status(to_status).label if to_status in Status.values else to_status,
                },
                field="status",
            )
        if not by_system and side not in allowed:
            raise PermissionDenied(_("Diesen Schritt macht der Servicedesk."), field="status")
        now = now or timezone.now()
        before = ticket.status
        if to_status in PAUSED_STATUSES:
            clock.pause(ticket, now)
        elif ticket.paused_since is not None:
            clock.resume(ticket, now)
        if to_status in (Status.WAITING, Status.RESOLVED) and ticket.first_response_at is None and side == STAFF:
            ticket.first_response_at = now
            clock.record_response_breach(ticket, now)
        if to_status == Status.RESOLVED:
            ticket.resolved_at = now
            if ticket.resolution_due is None:  # paused just now: the due time of the running clock
                hours = conf.hours()
                due = clock.sla.due_at(hours, ticket.created_at, ticket.resolution_minutes, ticket.paused_seconds)
            else:
                due = ticket.resolution_due
            if due is not None and now > due:
                SlaEvent.objects.get_or_create(
                    ticket=ticket, clock=Clock.RESOLUTION, kind=SlaEventKind.BREACH, defaults={"due": due, "at": now}
                )
        if before == Status.RESOLVED and to_status == Status.IN_PROGRESS:
            ticket.resolved_at = None
        if to_status == Status.CLOSED:
            ticket.closed_at = now
        ticket.status = to_status
        ticket.save()
        Transition.objects.create(
            ticket=ticket,
            from_status=before,
            to_status=to_status,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=_name(actor),
            note=note[:300],
            at=now,
        )
        audit.record(
            actor=actor, instance=ticket, action="update", before={"status": before}, after={"status": to_status}
        )
        return ticket


@transaction.atomic
def ticket_assign(*, actor: Any, ticket: Ticket, team: Team | None, assignee: Any = None) -> Ticket:
    if not is_desk_staff(actor):
        raise PermissionDenied(_("Zuweisen darf der Servicedesk."))
    if assignee is not None and not is_desk_staff(assignee):
        raise DomainError(_("Zuweisen lässt sich nur an Mitarbeitende des Servicedesks."), field="assignee")
    ticket = _lock(ticket)
    before = {"team": ticket.team_id, "assignee": ticket.assignee_id}
    ticket.team, ticket.assignee = team, assignee
    ticket.save(update_fields=["team", "assignee", "updated_at"])
    audit.record(
        actor=actor,
        instance=ticket,
        action="update",
        before=before,
        after={"team": ticket.team_id, "assignee": ticket.assignee_id},
    )
    return ticket


def ticket_merge(*, actor: Any, ticket: Ticket, into: Ticket, now: dt.datetime | None = None) -> Ticket:
    """A duplicate is merged into the ticket that stays: same member, both open; the duplicate ends as merged."""
    if not is_desk_staff(actor):
        raise PermissionDenied(_("Zusammenführen darf der Servicedesk."))
    if ticket.pk == into.pk or ticket.member_id != into.member_id:
        raise DomainError(_("Zusammenführen lassen sich nur zwei Tickets desselben Mitglieds."), field="into")
    if into.status not in (Status.NEW, Status.IN_PROGRESS, Status.WAITING):
        raise DomainError(_("Das Ziel-Ticket ist nicht mehr offen."), field="into")
    with transaction.atomic():
        Ticket.objects.select_for_update(of=("self",)).filter(pk__in=[ticket.pk, into.pk]).order_by("pk").exists()
        ticket.merged_into = into
        Ticket.objects.filter(pk=ticket.pk).update(merged_into=into)
        return transition(actor=actor, ticket=ticket, to_status=Status.MERGED, note=into.number, now=now)


@transaction.atomic
def ticket_rate(
    *, actor: Any, ticket: Ticket, rating: int, comment: str = "", now: dt.datetime | None = None
) -> Ticket:
    """The member confirms the solution with a rating (1–5): the ticket closes."""
    if is_desk_staff(actor) or not selectors.visible_tickets(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied(_("Die Lösung bestätigt das Mitglied."), field="rating")
    if not 1 <= rating <= 5:
        raise DomainError(_("Bitte vergeben Sie 1 bis 5 Sterne."), field="rating")
    ticket = transition(actor=actor, ticket=ticket, to_status=Status.CLOSED, now=now)
    ticket.rating, ticket.rating_comment = rating, (comment or "").strip()[:2000]
    ticket.save(update_fields=["rating", "rating_comment"])
    return ticket
