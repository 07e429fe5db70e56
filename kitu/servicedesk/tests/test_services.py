"""Tickets through the services: report with priority and SLA due times, validation (nothing stored), the one
transition table with the paused clock, first response, breaches, merge, rating, time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kitu.core.errors import DomainError, NotFound, PermissionDenied
from kitu.procedures.models import Procedure
from kitu.servicedesk import services
from kitu.servicedesk.models import Comment, SlaEvent, Status, Ticket, TimeEntry, Transition

from .conftest import at, report

pytestmark = pytest.mark.django_db


def test_report_sets_number_priority_team_and_due_times(desk: dict[str, Any]) -> None:
    ticket = report(desk, service_id=desk["hosting"].pk)  # impact high × urgency medium → 2 (hoch)
    assert ticket.number == "T-2026-000001" and ticket.mail_token == "[KITU-T-2026-000001]"
    assert (ticket.priority, ticket.status, ticket.team, ticket.requester) == (
        2,
        "new",
        desk["teams"][0],
        desk["users"]["requester"],
    )
    # the hosting service's level for priority 2: response 1 h, resolution 8 h of service time (Mon–Fri 7–17)
    assert ticket.response_due == at(2026, 3, 26, 10)
    assert ticket.resolution_due == at(2026, 3, 26, 17)
    assert list(Transition.objects.filter(ticket=ticket).values_list("from_status", "to_status")) == [("", "new")]
    second = report(desk, impact="low", urgency="low")  # no service: default levels of priority 4 (16 h, 100 h)
    assert second.number == "T-2026-000002" and second.priority == 4 and second.team == desk["teams"][0]
    assert second.response_due == at(2026, 3, 27, 15)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({"description": ""}, "description"),
        ({"kind": "complaint"}, "kind"),
        ({"impact": "extreme"}, "impact"),
        ({"service_id": 999999}, "service_id"),
        ({"procedure_id": 999999}, "procedure_id"),
        ({"asset_id": 999999}, "asset_id"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(desk: dict[str, Any], fields: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as caught:
        report(desk, **fields)
    assert caught.value.field == field
    assert Ticket.objects.count() == 0


def test_procedure_must_be_the_members_own(desk: dict[str, Any]) -> None:
    own = Procedure.objects.create(member=desk["wernigerode"], name="H&H proDoppik")
    other = Procedure.objects.create(member=desk["zeitz"], name="H&H proDoppik")
    with pytest.raises(DomainError) as caught:
        report(desk, procedure_id=other.pk)
    assert caught.value.field == "procedure_id" and Ticket.objects.count() == 0
    assert report(desk, procedure_id=own.pk).procedure == own


def test_service_must_be_subscribed(desk: dict[str, Any]) -> None:
    with pytest.raises(DomainError) as caught:
        report(desk, role="other_requester", service_id=desk["hosting"].pk)  # Zeitz has no hosting
    assert caught.value.field == "service_id"


@pytest.mark.parametrize("role", ["coop_admin", "service_desk", "supplier_user", "contract_manager"])
def test_only_member_users_report(desk: dict[str, Any], role: str) -> None:
    with pytest.raises(NotFound):
        report(desk, role=role)
    assert Ticket.objects.count() == 0


def test_waiting_pauses_the_clock_across_the_dst_change(desk: dict[str, Any]) -> None:
    ticket = report(desk, impact="medium", urgency="medium")  # priority 3: 8 h / 50 h (default levels)
    staff = desk["desk_user"]
    ticket = services.transition(actor=staff, ticket=ticket, to_status="in_progress", now=at(2026, 3, 26, 9, 30))
    ticket = services.transition(actor=staff, ticket=ticket, to_status="waiting", now=at(2026, 3, 27, 15))
    assert ticket.first_response_at == at(2026, 3, 27, 15)  # asking the member is the first response
    assert (ticket.response_due, ticket.resolution_due) == (None, None)  # paused
    comment = services.comment_add(
        actor=desk["users"]["requester"], ticket=ticket, body="Hier die Fehlermeldung.", now=at(2026, 3, 30, 9)
    )
    ticket.refresh_from_db()
    assert comment.is_internal is False and ticket.status == "in_progress"  # the member's answer resumes it
    assert ticket.paused_seconds == 4 * 3600 and ticket.paused_since is None  # Fri 15–17, Mon 7–9 (CEST)
    # 50 + 4 paused service hours from Thu 26.3. 9:00: Thu 8 + Fri 10 + Mon–Wed 30 = 48, then 6 h on Thursday 2.4.
    assert ticket.resolution_due == at(2026, 4, 2, 13)
    statuses = list(ticket.transitions.values_list("to_status", flat=True))
    assert statuses == ["new", "in_progress", "waiting", "in_progress"]


def test_member_may_not_make_desk_steps_or_write_internal_notes(desk: dict[str, Any]) -> None:
    ticket = report(desk)
    with pytest.raises(PermissionDenied):
        services.transition(actor=desk["users"]["requester"], ticket=ticket, to_status="resolved")
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=desk["users"]["requester"], ticket=ticket, body="x", internal=True)
    with pytest.raises(DomainError) as caught:
        services.transition(actor=desk["desk_user"], ticket=ticket, to_status="closed")  # not from "new"
    assert caught.value.field == "status"
    ticket.refresh_from_db()
    assert ticket.status == "new" and not Comment.objects.exists() and ticket.transitions.count() == 1


def test_late_first_reply_records_the_breach_once(desk: dict[str, Any]) -> None:
    ticket = report(desk, service_id=desk["hosting"].pk)  # response due 10:00
    services.comment_add(
        actor=desk["desk_user"], ticket=ticket, body="Interne Prüfung", internal=True, now=at(2026, 3, 26, 9, 30)
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at is None  # an internal note is no response
    services.comment_add(actor=desk["desk_user"], ticket=ticket, body="Wir prüfen das.", now=at(2026, 3, 26, 11))
    ticket.refresh_from_db()
    assert ticket.first_response_at == at(2026, 3, 26, 11)
    assert list(SlaEvent.objects.values_list("clock", "kind", "due")) == [("response", "breach", at(2026, 3, 26, 10))]


def test_refresh_records_warnings_and_breaches_once(desk: dict[str, Any]) -> None:
    ticket = report(desk, service_id=desk["hosting"].pk)  # response 10:00, resolution 17:00
    result = services.refresh(now=at(2026, 3, 26, 9, 10))
    assert (result.warnings, result.breaches) == (1, 0)  # response due within the hour
    result = services.refresh(now=at(2026, 3, 26, 16, 30))
    assert (result.warnings, result.breaches) == (1, 1)  # resolution warning; response breach
    assert (
        services.refresh(now=at(2026, 3, 26, 16, 30)).warnings,
        services.refresh(now=at(2026, 3, 26, 16, 30)).breaches,
    ) == (0, 0)
    assert ticket.sla_events.count() == 3


def test_recompute_all_writes_only_changed_tickets(desk: dict[str, Any], settings: Any) -> None:
    ticket = report(desk, service_id=desk["hosting"].pk)
    assert services.recompute_all().changed == 0
    settings.KITU_SERVICEDESK_HOURS = "0-4 08:00-16:00"
    result = services.recompute_all()
    assert (result.tickets, result.changed) == (1, 1)
    ticket.refresh_from_db()
    assert ticket.response_due == at(2026, 3, 26, 10) and ticket.resolution_due == at(2026, 3, 27, 9)


def test_resolve_rate_close_and_reopen(desk: dict[str, Any]) -> None:
    ticket = report(desk)
    ticket = services.transition(actor=desk["desk_user"], ticket=ticket, to_status="resolved", now=at(2026, 3, 26, 12))
    ticket = services.transition(
        actor=desk["users"]["requester"], ticket=ticket, to_status="in_progress", now=at(2026, 3, 26, 13)
    )
    assert ticket.resolved_at is None and ticket.paused_seconds == 3600
    ticket = services.transition(actor=desk["desk_user"], ticket=ticket, to_status="resolved", now=at(2026, 3, 26, 14))
    with pytest.raises(PermissionDenied):
        services.ticket_rate(actor=desk["desk_user"], ticket=ticket, rating=5)
    with pytest.raises(DomainError):
        services.ticket_rate(actor=desk["users"]["requester"], ticket=ticket, rating=6)
    ticket = services.ticket_rate(actor=desk["users"]["requester"], ticket=ticket, rating=4, comment="schnell")
    assert (ticket.status, ticket.rating, ticket.closed_at is not None) == ("closed", 4, True)
    with pytest.raises(DomainError):
        services.comment_add(actor=desk["users"]["requester"], ticket=ticket, body="noch was")


def test_merge_duplicates_of_the_same_member(desk: dict[str, Any]) -> None:
    first, duplicate = report(desk), report(desk, role="member_admin")
    other = report(desk, role="other_requester")
    with pytest.raises(DomainError):
        services.ticket_merge(actor=desk["desk_user"], ticket=duplicate, into=other)
    with pytest.raises(PermissionDenied):
        services.ticket_merge(actor=desk["users"]["member_admin"], ticket=duplicate, into=first)
    merged = services.ticket_merge(actor=desk["desk_user"], ticket=duplicate, into=first)
    assert (merged.status, merged.merged_into) == (Status.MERGED, first)


def test_time_is_recorded_by_the_desk_only(desk: dict[str, Any]) -> None:
    ticket = report(desk)
    with pytest.raises(PermissionDenied):
        services.time_record(
            actor=desk["users"]["member_admin"], ticket=ticket, minutes=30, worked_on=dt.date(2026, 3, 26)
        )
    with pytest.raises(DomainError) as caught:
        services.time_record(actor=desk["desk_user"], ticket=ticket, minutes=0, worked_on=dt.date(2026, 3, 26))
    assert caught.value.field == "minutes" and not TimeEntry.objects.exists()
    entry = services.time_record(actor=desk["desk_user"], ticket=ticket, minutes=90, worked_on=dt.date(2026, 3, 26))
    assert (entry.minutes, entry.billable, entry.invoice_line) == (90, True, None)
