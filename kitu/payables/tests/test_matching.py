"""Matching against order and goods receipt: quantities over all invoices minus credit notes, the price
tolerance, totals; each reason in words. The pure function and the service with the database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from kitu.payables import matching, services
from kitu.payables.models import InboundInvoice, InvoiceStatus

from .conftest import good_ubl
from .xmlgen import Item

pytestmark = pytest.mark.django_db


def send(world: dict[str, Any], number: str, items: list[Item], *, credit_note: bool = False) -> InboundInvoice:
    return services.receive(
        actor=world["users"]["supplier_user"], data=good_ubl(number, items=items, credit_note=credit_note)
    )


def nb(quantity: int, price: str = "750.00") -> Item:
    return Item("NB-1", "Notebook 14 Zoll", quantity, price, 1)


def test_all_received_at_contract_price_matches(payables_world: dict[str, Any]) -> None:
    invoice = send(payables_world, "R1", [nb(4), Item("DS-1", "Dockingstation", 4, "150.00", 2)])
    assert (invoice.status, invoice.problems) == (InvoiceStatus.MATCHED, [])


def test_more_invoiced_than_received(payables_world: dict[str, Any]) -> None:
    invoice = send(payables_world, "R1", [nb(5)])  # 5 ordered, 4 received
    assert invoice.status == InvoiceStatus.TO_REVIEW
    assert invoice.problems == [
        "Position 1 (Notebook 14 Zoll): insgesamt 5 berechnet (davon bisher 0), aber nur 4 als Wareneingang gebucht."
    ]
    assert invoice.lines.get().problems == invoice.problems


def test_quantities_add_up_over_the_orders_invoices(payables_world: dict[str, Any]) -> None:
    assert send(payables_world, "R1", [nb(2)]).status == InvoiceStatus.MATCHED
    assert send(payables_world, "R2", [nb(2)]).status == InvoiceStatus.MATCHED
    third = send(payables_world, "R3", [nb(1)])
    assert third.problems == [
        "Position 1 (Notebook 14 Zoll): insgesamt 5 berechnet (davon bisher 4), aber nur 4 als Wareneingang gebucht."
    ]


def test_credit_note_reduces_what_is_invoiced(payables_world: dict[str, Any]) -> None:
    assert send(payables_world, "R1", [nb(4)]).status == InvoiceStatus.MATCHED
    credit = send(payables_world, "G1", [nb(1)], credit_note=True)
    assert (credit.kind, credit.status) == ("credit_note", InvoiceStatus.MATCHED)
    assert send(payables_world, "R2", [nb(1)]).status == InvoiceStatus.MATCHED  # 4 - 1 + 1 = 4 received


def test_credit_note_over_what_was_invoiced(payables_world: dict[str, Any]) -> None:
    credit = send(payables_world, "G1", [nb(2)], credit_note=True)
    assert credit.problems == ["Position 1 (Notebook 14 Zoll): gutgeschrieben 2, berechnet waren bisher nur 0."]


def test_rejected_invoices_do_not_count(payables_world: dict[str, Any]) -> None:
    first = send(payables_world, "R1", [nb(4)])
    services.reject(actor=payables_world["users"]["requester"], invoice=first, reason="falsche Anschrift")
    assert send(payables_world, "R2", [nb(4)]).status == InvoiceStatus.MATCHED


@pytest.mark.parametrize(
    ("price", "matched"), [("750.01", True), ("749.99", True), ("750.02", False), ("751.00", False)]
)
def test_price_tolerance_default_one_cent(payables_world: dict[str, Any], price: str, matched: bool) -> None:
    invoice = send(payables_world, "R1", [nb(1, price)])
    assert invoice.matched is matched
    if not matched:
        assert invoice.problems[0].startswith(
            f"Position 1 (Notebook 14 Zoll): Einzelpreis {price.replace('.', ',')} EUR"
        )
        assert "weicht vom Vertragspreis 750,00 EUR" in invoice.problems[0]
        assert invoice.problems[0].endswith("(erlaubt: 0,01 EUR).")


@override_settings(KITU_PAYABLES_PRICE_TOLERANCE="1.00")
def test_price_tolerance_is_a_setting(payables_world: dict[str, Any]) -> None:
    assert send(payables_world, "R1", [nb(1, "751.00")]).matched
    assert not send(payables_world, "R2", [nb(1, "751.01")]).matched


def test_line_found_by_article_number_without_position(payables_world: dict[str, Any]) -> None:
    invoice = send(payables_world, "R1", [Item("DS-1", "Dockingstation", 2, "150.00")])
    assert invoice.matched
    assert invoice.lines.get().order_line.position == 2


def test_line_without_order_line(payables_world: dict[str, Any]) -> None:
    invoice = send(payables_world, "R1", [Item("XX-9", "Sonstiges", 1, "10.00")])
    assert invoice.problems == ["Position 1 (Sonstiges): keine passende Bestellposition (Artikelnummer „XX-9“)."]


def facts(**kwargs: Any) -> dict[str, Any]:
    line = matching.InvoiceLineFacts("1", "A", "P", "1", Decimal("2"), Decimal("10"), Decimal("20"))
    order_line = matching.OrderLineFacts(7, 1, "P", "A", 2, Decimal("10"), 2)
    base = {
        "credit_note": False,
        "lines": [line],
        "order_found": True,
        "order_reference": "B-1",
        "order_lines": [order_line],
        "invoiced_before": {},
        "currency": "EUR",
        "line_total": Decimal("20"),
        "net_total": Decimal("20"),
        "tax_total": Decimal("3.80"),
        "gross_total": Decimal("23.80"),
        "tolerance": Decimal("0.01"),
    }
    return base | kwargs


def test_pure_match() -> None:
    result = matching.match(**facts())
    assert result.matched and result.lines[0].order_line_id == 7


def test_pure_totals_and_currency() -> None:
    result = matching.match(**facts(line_total=Decimal("21"), gross_total=Decimal("24"), currency="USD"))
    assert result.problems == [
        "Die Rechnung ist nicht in Euro ausgestellt (USD).",
        "Die Positionen ergeben 20,00 EUR, die Rechnung nennt als Summe der Positionen 21,00 EUR.",
        "Netto 20,00 EUR und Umsatzsteuer 3,80 EUR ergeben nicht den Bruttobetrag 24,00 EUR.",
    ]


def test_pure_line_amount() -> None:
    line = matching.InvoiceLineFacts("1", "A", "P", "1", Decimal("2"), Decimal("10"), Decimal("25"))
    result = matching.match(
        **facts(lines=[line], line_total=Decimal("25"), net_total=Decimal("25"), gross_total=Decimal("28.80"))
    )
    assert result.problems == ["Position 1 (A): Menge × Einzelpreis ergibt nicht den Positionsbetrag 25,00 EUR."]
