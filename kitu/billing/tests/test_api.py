"""GET /api/v1/invoices: scoped to the caller's member (all for coop staff), with the agreed fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import ROLES
from kitu.billing import runs
from kitu.billing.models import Invoice

pytestmark = pytest.mark.django_db
D = dt.date
VISIBLE = {
    None: None,
    "coop_admin": ["2026-000003", "2026-000002", "2026-000001"],
    "contract_manager": ["2026-000003", "2026-000002", "2026-000001"],
    "member_admin": ["2026-000001"],
    "approver": ["2026-000001"],
    "other_member_admin": ["2026-000003", "2026-000002"],
}


@pytest.fixture
def issued(billing_world: dict[str, Any]) -> dict[str, Any]:
    w = billing_world
    run = runs.run_create(actor=w["admin"], period="2026-Q1").run
    runs.run_review(actor=w["admin"], run=run)
    runs.run_issue(actor=w["admin"], run=run, today=D(2026, 4, 2))
    zeitz = Invoice.objects.get(member=w["zeitz"])
    runs.credit_note_create(actor=w["admin"], invoice=zeitz, reason="Falscher Beginn", today=D(2026, 4, 9))
    runs.run_create(actor=w["admin"], period="2026-04")  # drafts: only the office sees them
    return w


@pytest.mark.parametrize("role", ROLES)
def test_invoice_list_permission_matrix(issued: dict[str, Any], client_for: Any, role: str | None) -> None:
    response = client_for(role).get("/api/v1/invoices")
    if role is None:
        assert response.status_code == 401
        return
    if role not in VISIBLE:
        assert response.status_code == 403
        return
    numbers = [i["number"] for i in response.json() if i["status"] == "issued"]
    assert numbers == VISIBLE[role]
    drafts = [i for i in response.json() if i["status"] == "draft"]
    assert len(drafts) == (2 if role in ("coop_admin", "contract_manager") else 0)
    own = Invoice.objects.get(number="2026-000001").pk
    detail = client_for(role).get(f"/api/v1/invoices/{own}")
    assert detail.status_code == (200 if "2026-000001" in VISIBLE[role] else 404)


def test_invoice_fields(issued: dict[str, Any]) -> None:
    client = Client()
    client.force_login(issued["users"]["member_admin"])
    (item,) = client.get("/api/v1/invoices").json()
    assert item == {
        "id": Invoice.objects.get(number="2026-000001").pk,
        "number": "2026-000001",
        "kind": "invoice",
        "status": "issued",
        "payment_status": "overdue",
        "member": "Stadt Wernigerode",
        "member_id": issued["wernigerode"].pk,
        "leitweg_id": "04011000-1234512345-06",
        "issue_date": "2026-04-02",
        "due_date": "2026-05-02",
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "net": "8440.90",
        "vat": "1376.13",
        "total": "9817.03",
        "paid_amount": "0.00",
        "corrects": None,
    }
    client.force_login(issued["users"]["other_member_admin"])
    items = client.get("/api/v1/invoices").json()
    assert [(i["number"], i["kind"], i["payment_status"], i["corrects"]) for i in items] == [
        ("2026-000003", "credit_note", "credit", "2026-000002"),
        ("2026-000002", "invoice", "cancelled", None),
    ]
    assert client.get("/api/v1/invoices?status=overdue").json() == []
    assert Client().get("/api/v1/openapi.json").json()["paths"].keys() >= {
        "/api/v1/invoices",
        "/api/v1/invoices/{invoice_id}",
    }
