"""POST /api/v1/inbound-invoices and the two GETs: status codes, bodies, routing, nothing stored on refusal,
who sees what."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from kitu.core.models import AuditEntry
from kitu.payables.models import InboundInvoice, InboundInvoiceLine, InvoiceStatus

from .conftest import ALL_ROLES, W_LEITWEG, Z_LEITWEG, good_cii, good_ubl, post_xml, token_client
from .test_validation import BILLION_LAUGHS, EXTERNAL

pytestmark = pytest.mark.django_db


def nothing_stored() -> None:
    assert InboundInvoice.objects.count() == 0
    assert InboundInvoiceLine.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type__contains="inbound").exists()


@pytest.mark.parametrize("make", [good_ubl, good_cii])
def test_good_invoice_is_created_matched(payables_world: dict[str, Any], make: Any) -> None:
    response = post_xml(token_client(payables_world["users"]["supplier_user"]), make())
    assert response.status_code == 201, response.content
    invoice = InboundInvoice.objects.get()
    assert response.json() == {
        "id": invoice.pk,
        "status": "matched",
        "member": "Stadt Wernigerode",
        "order_number": "B-2026-00042",
        "matched": True,
        "problems": [],
    }
    assert invoice.status == InvoiceStatus.MATCHED
    assert invoice.order == payables_world["order"]
    assert invoice.member == payables_world["wernigerode"]
    assert invoice.supplier == payables_world["supplier"]
    assert [(ln.order_line.position, ln.quantity) for ln in invoice.lines.all()] == [(1, 4), (2, 4)]
    assert invoice.rule_versions["en16931"].startswith("CEN EN 16931 Schematron 1.3.16")
    assert invoice.xml.open("rb").read().startswith(b"<?xml")


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (lambda: good_ubl().replace(b"<cbc:IssueDate>2026-11-30", b"<cbc:IssueDate>2026-02-30"), "XSD"),
        (
            lambda: good_ubl().replace(
                b'PayableAmount currencyID="EUR">4284.00', b'PayableAmount currencyID="EUR">4280.00'
            ),
            "BR-CO-16",
        ),
        (lambda: good_ubl(buyer_reference=""), "BR-DE-15"),
        (lambda: BILLION_LAUGHS, "XML-DTD"),
        (lambda: EXTERNAL, "XML-DTD"),
        (lambda: b"<<<", "XML-SYNTAX"),
    ],
)
def test_invalid_documents_answer_400_with_rules_and_store_nothing(
    payables_world: dict[str, Any], data: Any, rule: str
) -> None:
    response = post_xml(token_client(payables_world["users"]["supplier_user"]), data())
    assert response.status_code == 400, response.content
    body = response.json()
    assert rule in body["rules"]
    assert body["detail"]
    assert body["findings"][0]["rule"] in body["rules"]
    nothing_stored()


def test_oversize_body_answers_400(payables_world: dict[str, Any]) -> None:
    big = good_ubl().replace(b"<cbc:Note>", b"<cbc:Note>" + b"x" * (20 * 1024 * 1024), 1)
    response = post_xml(token_client(payables_world["users"]["supplier_user"]), big)
    assert response.status_code == 400
    assert response.json()["rules"] == ["XML-SIZE"]
    nothing_stored()


@override_settings(KITU_PAYABLES_MAX_BYTES=4000)
def test_size_limit_is_the_setting(payables_world: dict[str, Any]) -> None:
    response = post_xml(token_client(payables_world["users"]["supplier_user"]), good_ubl())
    assert response.status_code == 400
    assert response.json()["rules"] == ["XML-SIZE"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "text/xml"])
def test_other_content_types_answer_415(payables_world: dict[str, Any], content_type: str) -> None:
    response = post_xml(token_client(payables_world["users"]["supplier_user"]), good_ubl(), content_type)
    assert response.status_code == 415
    assert response.json()["field"] == "Content-Type"
    nothing_stored()


def test_duplicate_answers_409(payables_world: dict[str, Any]) -> None:
    client = token_client(payables_world["users"]["supplier_user"])
    assert post_xml(client, good_ubl("RE-1")).status_code == 201
    response = post_xml(client, good_cii("RE-1"))  # same number in the other syntax
    assert response.status_code == 409
    assert response.json()["field"] == "number"
    assert InboundInvoice.objects.count() == 1


def test_unknown_leitweg_id_answers_400(payables_world: dict[str, Any]) -> None:
    from kitu.members.validators import leitweg_check_digits

    unknown = "99999999-" + leitweg_check_digits("99999999")
    response = post_xml(token_client(payables_world["users"]["supplier_user"]), good_ubl(buyer_reference=unknown))
    assert response.status_code == 400
    assert response.json()["rules"] == ["BT-10"]
    nothing_stored()


@pytest.mark.parametrize(
    ("leitweg", "order_number", "problem"),
    [
        (W_LEITWEG, "B-2099-99999", "Die Bestellnummer „B-2099-99999“ ist keine Bestellung dieses Mitglieds"),
        (W_LEITWEG, "B-2026-00043", "Die Bestellnummer „B-2026-00043“ ist keine Bestellung dieses Mitglieds"),  # Zeitz
        # another supplier's order
        (W_LEITWEG, "B-2026-00044", "Die Bestellnummer „B-2026-00044“ ist keine Bestellung dieses Mitglieds"),
        (Z_LEITWEG, "B-2026-00042", "Die Bestellnummer „B-2026-00042“ ist keine Bestellung dieses Mitglieds"),
        (W_LEITWEG, None, "Die Rechnung nennt keine Bestellnummer (BT-13)."),
    ],
)
def test_routing_without_a_matching_order_goes_to_review(
    payables_world: dict[str, Any], leitweg: str, order_number: str | None, problem: str
) -> None:
    response = post_xml(
        token_client(payables_world["users"]["supplier_user"]),
        good_ubl(buyer_reference=leitweg, order_number=order_number),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "to_review" and body["matched"] is False and body["order_number"] is None
    assert body["problems"][0].startswith(problem)
    invoice = InboundInvoice.objects.get()
    assert (
        invoice.member.organisation_id
        == (payables_world["wernigerode"] if leitweg == W_LEITWEG else payables_world["zeitz"]).organisation_id
    )
    assert invoice.order is None


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r not in (None, "supplier_user")])
def test_only_suppliers_may_post(role_users: dict[str, Any], role: str) -> None:
    response = post_xml(token_client(role_users[role]), good_ubl())
    assert response.status_code == 403
    nothing_stored()


def test_anonymous_post_answers_401(payables_world: dict[str, Any]) -> None:
    assert post_xml(Client(), good_ubl()).status_code == 401
    nothing_stored()


SEES = {"supplier_user", "member_admin", "requester", "approver"}


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r is not None])
def test_who_sees_the_invoice(role_users: dict[str, Any], role: str) -> None:
    post_xml(token_client(role_users["supplier_user"]), good_ubl())
    invoice = InboundInvoice.objects.get()
    client = token_client(role_users[role])
    listed = client.get("/api/v1/inbound-invoices")
    assert listed.status_code == 200
    assert [i["id"] for i in listed.json()] == ([invoice.pk] if role in SEES else [])
    detail = client.get(f"/api/v1/inbound-invoices/{invoice.pk}")
    assert detail.status_code == (200 if role in SEES else 404)
    if role in SEES:
        body = detail.json()
        assert body["number"] == "RE-2026-1001" and body["iban"] == "DE79000000001234567890"
        assert [(ln["order_position"], ln["quantity"]) for ln in body["lines"]] == [(1, "4.0000"), (2, "4.0000")]
        assert body["rule_versions"]["xrechnung"].startswith("KoSIT XRechnung Schematron 2.5.0")


def test_unknown_id_answers_404(payables_world: dict[str, Any]) -> None:
    assert token_client(payables_world["users"]["supplier_user"]).get("/api/v1/inbound-invoices/999").status_code == 404


def test_the_original_bytes_are_stored(payables_world: dict[str, Any]) -> None:
    data = good_ubl().replace(b"<cbc:Note>", b"<!-- Kommentar des Lieferanten --><cbc:Note>", 1)
    assert post_xml(token_client(payables_world["users"]["supplier_user"]), data).status_code == 201
    assert InboundInvoice.objects.get().xml.open("rb").read() == data
