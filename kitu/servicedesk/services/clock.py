"""The SLA clock of tickets in the database: due times on creation, pause and resume; the periodic refresh that
recomputes every open ticket in bulk and records warnings and breaches (pure rules in kitu/servicedesk/sla.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from kitu.servicedesk import conf, sla
from kitu.servicedesk.models import OPEN_STATUSES, Clock, SlaEvent, SlaEventKind, Status, Ticket


def set_due(ticket: Ticket, hours: sla.ServiceHours | None = None) -> None:
    """Compute the ticket's due times from its clock fields (not saved)."""
    hours = hours or conf.hours()
    ticket.response_due = sla.due_at(
        hours, ticket.created_at, ticket.response_minutes, ticket.paused_seconds, ticket.paused_since
    )
    ticket.resolution_due = sla.due_at(
        hours, ticket.created_at, ticket.resolution_minutes, ticket.paused_seconds, ticket.paused_since
    )


def pause(ticket: Ticket, now: dt.datetime) -> None:
    if ticket.paused_since is None:
        ticket.paused_since = now
    set_due(ticket)


def resume(ticket: Ticket, now: dt.datetime) -> None:
    if ticket.paused_since is not None:
        ticket.paused_seconds += sla.pause_seconds(conf.hours(), ticket.paused_since, now)
        ticket.paused_since = None
    set_due(ticket)


def record_response_breach(ticket: Ticket, now: dt.datetime) -> None:
    """At the first response: late → the breach is recorded at once (not only by the next refresh)."""
    if ticket.response_due is not None and now > ticket.response_due:
        SlaEvent.objects.get_or_create(
            ticket=ticket,
            clock=Clock.RESPONSE,
            kind=SlaEventKind.BREACH,
            defaults={"due": ticket.response_due, "at": now},
        )


@dataclass
class RefreshResult:
    tickets: int = 0
    changed: int = 0
    warnings: int = 0
    breaches: int = 0


def recompute_all(*, hours: sla.ServiceHours | None = None, batch: int = 5000) -> RefreshResult:
    """Recompute the due times of every open ticket (after a change of service hours or holidays): one read
    of the clock fields, the pure clock per ticket, and writes only for the tickets whose due time changed
    (PostgreSQL: one ``UPDATE … FROM (VALUES …)`` per batch)."""
    hours = hours or conf.hours()
    result = RefreshResult()
    rows = Ticket.objects.filter(status__in=OPEN_STATUSES).values_list(
        "id",
        "created_at",
        "response_minutes",
        "resolution_minutes",
        "paused_seconds",
        "paused_since",
        "response_due",
        "resolution_due",
    )
    changes: list[tuple[int, dt.datetime | None, dt.datetime | None]] = []
    for pk, opened, response, resolution, paused, since, old_response, old_resolution in rows.iterator(
        chunk_size=batch
    ):
        result.tickets += 1
        new_response = sla.due_at(hours, opened, response, paused, since)
        new_resolution = sla.due_at(hours, opened, resolution, paused, since)
        if new_response != old_response or new_resolution != old_resolution:
            changes.append((pk, new_response, new_resolution))
    result.changed = len(changes)
    with transaction.atomic():
        for start in range(0, len(changes), batch):
            _write(changes[start : start + batch])
    return result


def _write(changes: list[tuple[int, dt.datetime | None, dt.datetime | None]]) -> None:
    if connection.vendor == "postgresql":
        values = ", ".join(["(%s, %s::timestamptz, %s::timestamptz)"] * len(changes))
        params = [value for change in changes for value in change]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE servicedesk_ticket AS t SET response_due = v.r, resolution_due = v.s "  # noqa: S608
                f"FROM (VALUES {values}) AS v(id, r, s) WHERE t.id = v.id",
                params,
            )
        return
    tickets = [Ticket(pk=pk, response_due=r, resolution_due=s) for pk, r, s in changes]
    Ticket.objects.bulk_update(tickets, ["response_due", "resolution_due"], batch_size=500)


def refresh(*, now: dt.datetime | None = None) -> RefreshResult:
    """The periodic check (Celery beat ``servicedesk-sla``): warnings before and breaches after the due times
    of running tickets, each recorded once (unique per ticket, clock and kind), in a few set-based queries."""
    now = now or timezone.now()
    warn = now + dt.timedelta(minutes=conf.warn_minutes())
    running = Ticket.objects.filter(status__in=(Status.NEW, Status.IN_PROGRESS))
    result = RefreshResult()
    events: list[SlaEvent] = []
    for clock, field, open_filter in (
        (Clock.RESPONSE, "response_due", {"first_response_at__isnull": True}),
        (Clock.RESOLUTION, "resolution_due", {}),
    ):
        for kind, limit in ((SlaEventKind.WARNING, warn), (SlaEventKind.BREACH, now)):
            candidates = (
                running.filter(**open_filter, **{f"{field}__lte": limit})
                .exclude(sla_events__clock=clock, sla_events__kind=kind)
                .values_list("id", field)
            )
            found = [SlaEvent(ticket_id=pk, clock=clock, kind=kind, due=due, at=now) for pk, due in candidates]
            events += found
            if kind == SlaEventKind.WARNING:
                result.warnings += len(found)
            else:
                result.breaches += len(found)
    SlaEvent.objects.bulk_create(events, ignore_conflicts=True, batch_size=1000)
    return result
