"""POST /api/v1/inbound-invoices and the two GETs: status codes, bodies, nothing stored on refusal."""

from __future__ import annotations

from typing import Any

import pytest

from kitu.payables.models import InboundInvoice, InvoiceStatus

from .conftest import good_ubl, post_xml, token_client

pytestmark = pytest.mark.django_db


def test_good_ubl_is_created_matched(payables_world: dict[str, Any]) -> None:
    response = post_xml(token_client(payables_world["users"]["supplier_user"]), good_ubl())
    assert response.status_code == 201, response.content
    body = response.json()
    invoice = InboundInvoice.objects.get()
    assert body == {
        "id": invoice.pk,
        "status": "matched",
        "member": "Stadt Wernigerode",
        "order_number": "B-2026-00042",
        "matched": True,
        "problems": [],
    }
    assert invoice.status == InvoiceStatus.MATCHED
    assert invoice.lines.count() == 2
