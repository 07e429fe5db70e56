"""SLA warnings and breaches are mailed once each to the assignee, else to the ticket's team (text from the
mail templates); tickets no longer running get no mail. The time list on a ticket says "billed with the next
run" only where the member has a support subscription."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from kitu.servicedesk import jobs, services
from kitu.servicedesk.models import SlaEvent
from kitu.servicedesk.services import slamail

from .conftest import at, report

pytestmark = pytest.mark.django_db


def test_warning_and_breach_are_mailed_once_to_the_team(desk: dict[str, Any]) -> None:
    ticket = report(desk, service_id=desk["hosting"].pk)  # team Fachverfahren (desk user), response 10:00
    services.refresh(now=at(2026, 3, 26, 9, 10))
    assert slamail.send_pending(now=at(2026, 3, 26, 9, 10)) == 1
    assert slamail.send_pending(now=at(2026, 3, 26, 9, 15)) == 0  # once
    warning = mail.outbox[0]
    assert warning.to == ["servicedesk@test.example"]
    assert warning.subject == f"SLA-Warnung: {ticket.number} {ticket.subject}"
    assert f"beim Ticket {ticket.number} läuft die Frist „Reaktion“ bald ab: am 26.03.2026 10:00 Uhr." in warning.body
    assert f"/servicedesk/tickets/{ticket.pk}/" in warning.body
    services.refresh(now=at(2026, 3, 26, 10, 5))
    assert slamail.send_pending() == 1 and slamail.send_pending() == 0
    breach = mail.outbox[1]
    assert breach.subject == f"SLA verletzt: {ticket.number} {ticket.subject}"
    assert "ist die Frist „Reaktion“ überschritten: sie lief am 26.03.2026 10:00 Uhr ab." in breach.body
    assert len(mail.outbox) == 2 and not SlaEvent.objects.filter(mailed_at__isnull=True).exists()


def test_the_assignee_alone_is_mailed(desk: dict[str, Any]) -> None:
    ticket = report(desk, service_id=desk["hosting"].pk)
    services.ticket_assign(
        actor=desk["desk_user"], ticket=ticket, team=ticket.team, assignee=desk["users"]["coop_admin"]
    )
    services.refresh(now=at(2026, 3, 26, 9, 10))
    assert slamail.send_pending() == 1 and mail.outbox[0].to == [desk["users"]["coop_admin"].email]


def test_a_ticket_no_longer_running_gets_no_mail(desk: dict[str, Any]) -> None:
    ticket = report(desk, service_id=desk["hosting"].pk)
    services.refresh(now=at(2026, 3, 26, 9, 10))
    services.transition(actor=desk["desk_user"], ticket=ticket, to_status="waiting", now=at(2026, 3, 26, 9, 20))
    assert slamail.send_pending() == 0 and mail.outbox == []
    assert SlaEvent.objects.get().mailed_at is not None


def test_the_beat_job_mails(desk: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    report(desk, service_id=desk["hosting"].pk, now=dt.datetime(2026, 3, 26, 8, tzinfo=dt.UTC))
    monkeypatch.setattr(services.clock.timezone, "now", lambda: dt.datetime(2026, 3, 26, 8, 10, tzinfo=dt.UTC))
    assert jobs.sla_refresh() == {"warnings": 1, "breaches": 0, "mailed": 1}
    assert jobs.sla_refresh() == {"warnings": 0, "breaches": 0, "mailed": 0}


@pytest.mark.parametrize("subscribed", [True, False])
def test_time_text_says_whether_it_is_billed(desk: dict[str, Any], client_for: Any, subscribed: bool) -> None:
    if not subscribed:
        desk["support_sub"].delete()
    ticket = report(desk)
    services.time_record(actor=desk["desk_user"], ticket=ticket, minutes=30, worked_on=dt.date(2026, 3, 26))
    page = client_for("service_desk").get(f"/servicedesk/tickets/{ticket.pk}/").content.decode()
    assert ("wird mit dem nächsten Lauf abgerechnet" in page) == subscribed
    assert ("erfasst, aber nicht abgerechnet" in page) == (not subscribed)
    assert ("hat keinen Vertrag „Unterstützung durch Fachpersonal“" in page) == (not subscribed)
