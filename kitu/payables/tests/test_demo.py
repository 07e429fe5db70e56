"""The demo invoices: matched, price difference, credit note, for the delivered demo order; idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from kitu.orders.models import Order
from kitu.payables.demo import seed_inbound_invoices
from kitu.payables.models import InboundInvoice

pytestmark = pytest.mark.django_db


def test_demo_invoices(payables_world: dict[str, Any]) -> None:
    Order.objects.filter(pk=payables_world["order"].pk).update(is_demo=True)
    assert seed_inbound_invoices() == 3
    rows = list(InboundInvoice.objects.order_by("pk").values_list("number", "kind", "status", "is_demo", "seller_name"))
    assert rows == [
        ("B-2026-00042-R1", "invoice", "matched", True, "Beispiel IT GmbH"),
        ("B-2026-00042-R2", "invoice", "to_review", True, "Beispiel IT GmbH"),
        ("B-2026-00042-G1", "credit_note", "matched", True, "Beispiel IT GmbH"),
    ]
    assert (
        "Einzelpreis 755,00 EUR weicht vom Vertragspreis 750,00 EUR"
        in InboundInvoice.objects.get(number="B-2026-00042-R2").problems[0]
    )
    assert seed_inbound_invoices() == 0


def test_no_demo_order_no_invoices(payables_world: dict[str, Any]) -> None:
    assert seed_inbound_invoices() == 0
