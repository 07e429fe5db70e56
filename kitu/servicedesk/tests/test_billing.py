"""Billable time flows into the next billing run as a line of the member's support contract, exactly once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kitu.billing import runs
from kitu.billing.models import Invoice, InvoiceLine
from kitu.servicedesk import services
from kitu.servicedesk.models import TimeEntry

from .conftest import report

pytestmark = pytest.mark.django_db
D = dt.date


def test_time_is_billed_once_on_the_support_contract(desk: dict[str, Any]) -> None:
    ticket = report(desk)
    staff = desk["desk_user"]
    services.time_record(actor=staff, ticket=ticket, minutes=60, worked_on=D(2026, 3, 26))
    services.time_record(actor=staff, ticket=ticket, minutes=30, worked_on=D(2026, 3, 27))
    services.time_record(actor=staff, ticket=ticket, minutes=45, worked_on=D(2026, 3, 27), billable=False)
    zeitz_ticket = report(desk, role="other_requester")  # Zeitz has no support contract: stays unbilled
    services.time_record(actor=staff, ticket=zeitz_ticket, minutes=60, worked_on=D(2026, 3, 26))
    runs.run_create(actor=desk["admin"], period="2026-03")
    line = InvoiceLine.objects.get(service=desk["support"])
    assert line.description == (
        f"Unterstützung durch Fachpersonal, Ticket {ticket.number}: Finanzverfahren startet nicht, 1,5 Stunden"
    )
    assert (line.quantity, line.unit_price, line.net_amount, line.unit_code) == (
        Decimal("1.5"),
        Decimal("95"),
        Decimal("142.50"),
        "HUR",
    )
    assert line.subscription == desk["support_sub"] and line.invoice.member == desk["wernigerode"]
    assert line.invoice.net_total == Decimal("142.50")
    assert set(TimeEntry.objects.filter(invoice_line=line).values_list("minutes", flat=True)) == {60, 30}
    # a second run (same period or the next) bills nothing twice
    runs.run_create(actor=desk["admin"], period="2026-03")
    runs.run_create(actor=desk["admin"], period="2026-04")
    assert InvoiceLine.objects.filter(service=desk["support"]).count() == 1
    assert TimeEntry.objects.filter(invoice_line__isnull=True).count() == 2  # not billable, Zeitz
    assert not Invoice.objects.filter(member=desk["zeitz"]).exists()


def test_later_time_goes_into_the_next_run(desk: dict[str, Any]) -> None:
    ticket = report(desk)
    runs.run_create(actor=desk["admin"], period="2026-03")
    services.time_record(actor=desk["desk_user"], ticket=ticket, minutes=20, worked_on=D(2026, 3, 30))
    runs.run_create(actor=desk["admin"], period="2026-04")
    line = InvoiceLine.objects.get(service=desk["support"])
    # 20 minutes are 0.3333 hours on the invoice; the line is quantity × price (EN 16931), so 31.66 €
    assert (line.invoice.run.period, line.period_start, line.quantity) == ("2026-04", D(2026, 4, 1), Decimal("0.3333"))
    assert line.net_amount == Decimal("31.66")
