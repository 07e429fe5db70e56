"""Billing pages: the permission matrix for every page and action (anonymous, every role, own and other
member) with nothing changed on a denial, and the flows behind the forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from conftest import ROLES
from kitu.billing import runs
from kitu.billing.models import BillingRun, Invoice, Price, QuantityChange, Service, SubscriptionRequest
from kitu.core.confirm import CONFIRM_FIELD, CONFIRM_VALUE

CONFIRM = {CONFIRM_FIELD: CONFIRM_VALUE}

pytestmark = pytest.mark.django_db
D = dt.date
READERS = {"coop_admin", "contract_manager", "member_admin", "approver", "other_member_admin"}
OWN_READERS = {"coop_admin", "contract_manager", "member_admin", "approver"}


@pytest.fixture
def issued(billing_world: dict[str, Any], django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    w = billing_world
    run = runs.run_create(actor=w["admin"], period="2026-Q1").run
    runs.run_review(actor=w["admin"], run=run)
    with django_capture_on_commit_callbacks(execute=True):
        runs.run_issue(actor=w["admin"], run=run, today=D(2026, 4, 2))
    return {**w, "invoice": Invoice.objects.get(member=w["wernigerode"]), "run": run}


def snapshot() -> tuple[Any, ...]:
    return (
        list(Invoice.objects.order_by("pk").values_list("number", "paid_amount", "reminder_level", "status")),
        list(SubscriptionRequest.objects.values_list("pk", "status")),
        list(Price.objects.values_list("pk", "amount")),
        list(BillingRun.objects.values_list("period", "status")),
        list(Service.objects.order_by("pk").values_list("code", "name", "is_active")),
        QuantityChange.objects.count(),
    )


def expected(role: str | None, allowed: set[str], hidden: set[str] = frozenset()) -> int:  # type: ignore[assignment]
    if role is None:
        return 302
    if role in allowed:
        return 200
    return 404 if role in hidden else 403


@pytest.mark.parametrize("role", ROLES)
def test_reading_pages_permission_matrix(issued: dict[str, Any], client_for: Any, role: str | None) -> None:
    client, invoice = client_for(role), issued["invoice"]
    own_files = [f"/leistungen/rechnungen/{invoice.pk}/"] + [
        f"/leistungen/rechnungen/{invoice.pk}/datei/{s}/" for s in ("ubl", "cii", "pdf")
    ]
    for url in ("/leistungen/", "/leistungen/abonnements/", "/leistungen/rechnungen/"):
        assert client.get(url).status_code == expected(role, READERS), (url, role)
    for url in own_files:
        assert client.get(url).status_code == expected(role, OWN_READERS, {"other_member_admin"}), (url, role)
    assert client.get("/leistungen/rechnungen/forderungen.csv").status_code == expected(
        role, {"coop_admin", "contract_manager"}
    )
    service_id = invoice.lines.first().service_id  # type: ignore[union-attr]
    for url in (
        "/leistungen/abrechnung/",
        f"/leistungen/abrechnung/{issued['run'].pk}/",
        "/leistungen/neu/",
        f"/leistungen/{service_id}/bearbeiten/",
    ):
        assert client.get(url).status_code == expected(role, {"coop_admin"}), (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_office_actions_permission_matrix(issued: dict[str, Any], client_for: Any, role: str | None) -> None:
    """Only the office records payments, sends reminders, issues credit notes, runs billing and sets prices;
    every other caller is refused and nothing changes."""
    if role == "coop_admin":
        return  # the flows below
    client, invoice = client_for(role), issued["invoice"]
    pending = SubscriptionRequest.objects.create(
        member=issued["wernigerode"],
        kind="new",
        service=invoice.lines.first().service,
        quantity=1,  # type: ignore[union-attr]
        effective_from=D(2026, 12, 1),
    )
    before = snapshot()
    posts = {
        f"/leistungen/rechnungen/{invoice.pk}/zahlung/": {"amount": "100,00", "paid_on": "2026-04-20"},
        f"/leistungen/rechnungen/{invoice.pk}/mahnung/": CONFIRM,
        f"/leistungen/rechnungen/{invoice.pk}/gutschrift/": {"reason": "Test", **CONFIRM},
        "/leistungen/abrechnung/": {"period": "2026-04"},
        f"/leistungen/abrechnung/{issued['run'].pk}/review/": {},
        f"/leistungen/{invoice.lines.first().service_id}/preis/": {"valid_from": "2027-01-01", "amount": "1"},  # type: ignore[union-attr]
        f"/leistungen/antraege/{pending.pk}/entscheiden/": {"decision": "approve"},
        "/leistungen/neu/": {
            "service-code": "neu",
            "service-name": "Neu",
            "service-category": "dms",
            "service-pricing": "flat",
            "service-interval": "month",
            "service-unit_code": "C62",
            "service-unit_label": "Stück",
            "service-vat_rate": "19",
            "service-contract_reference": "X",
            "service-notice_months": "3",
            "price-valid_from": "2027-01-01",
            "price-amount": "1",
        },
        f"/leistungen/{invoice.lines.first().service_id}/bearbeiten/": {"service-name": "Umbenannt"},  # type: ignore[union-attr]
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code in ((302,) if role is None else (403, 404)), (url, role, response.status_code)
        if role is None:
            assert response["Location"].startswith("/konto/anmelden/")
    assert snapshot() == before and len(mail.outbox) == 2  # only the two invoices mailed on issue


def test_the_office_records_a_payment_and_sends_reminders(
    issued: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client, invoice = client_for("coop_admin"), issued["invoice"]
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Rechnung 2026-000001 der Kommunale IT-UNION eG", ["memberadmin@test.example"]),
        ("Rechnung 2026-000002 der Kommunale IT-UNION eG", ["memberadmin.zeitz@test.example"]),
    ]
    mail.outbox.clear()
    response = client.post(
        f"/leistungen/rechnungen/{invoice.pk}/zahlung/", {"amount": "9.000,00", "paid_on": "2026-05-10"}
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.paid_amount, invoice.paid_on) == (Decimal("9000.00"), None)
    too_much = client.post(
        f"/leistungen/rechnungen/{invoice.pk}/zahlung/", {"amount": "900,00", "paid_on": "2026-05-11"}
    )
    assert "Offen sind nur 817.03 €" in " ".join(m.message for m in too_much.wsgi_request._messages)  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/leistungen/rechnungen/{invoice.pk}/mahnung/", CONFIRM)
    invoice.refresh_from_db()
    assert (invoice.reminder_level, len(mail.outbox)) == (1, 1)
    assert mail.outbox[0].subject == "Zahlungserinnerung: Rechnung 2026-000001"
    assert "ist bis heute 817,03\xa0€ offen" in mail.outbox[0].body
    assert [a[0] for a in mail.outbox[0].attachments] == ["2026-000001.xml", "2026-000001.pdf"]
    again = client.post(f"/leistungen/rechnungen/{invoice.pk}/mahnung/", CONFIRM)
    assert "frühestens nach 14 Tagen" in " ".join(m.message for m in again.wsgi_request._messages)  # type: ignore[attr-defined]
    client.post(f"/leistungen/rechnungen/{invoice.pk}/zahlung/", {"amount": "817,03", "paid_on": "2026-06-01"})
    invoice.refresh_from_db()
    assert (invoice.paid_amount, invoice.paid_on) == (Decimal("9817.03"), D(2026, 6, 1))
    page = client.get("/leistungen/rechnungen/?status=paid").content.decode()
    assert "2026-000001" in page and "2026-000002" not in page


def test_receivables_csv_for_accounting(issued: dict[str, Any], client_for: Any) -> None:
    runs.credit_note_create(
        actor=issued["admin"], invoice=Invoice.objects.get(number="2026-000002"), reason="Doppelt", today=D(2026, 4, 9)
    )
    response = client_for("contract_manager").get("/leistungen/rechnungen/forderungen.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = response.content.decode("utf-8-sig").split("\r\n")
    assert rows[0] == (
        "Rechnungsnummer;Art;Rechnungsdatum;Fälligkeit;Mitgliedsnummer;Mitglied;Leitweg-ID;Netto;USt;Brutto;"
        "Bezahlt;Offen;Status;Mahnstufe;Bezug (Rechnung)"
    )
    assert rows[1:] == [
        "2026-000001;Rechnung;02.04.2026;02.05.2026;25;Stadt Wernigerode;04011000-1234512345-06;8440,90;1376,13;"
        "9817,03;0,00;9817,03;überfällig;0;",
        "2026-000002;Rechnung;02.04.2026;02.05.2026;58;Stadt Zeitz;992-90009-96;1095,01;95,61;1190,62;0,00;0,00;"
        "storniert (Gutschrift);0;",
        "2026-000003;Gutschrift;09.04.2026;;58;Stadt Zeitz;992-90009-96;-1095,01;-95,61;-1190,62;0,00;0,00;"
        "Gutschrift;0;2026-000002",
        "",
    ]


def test_members_see_only_their_own_invoices_and_download_them(issued: dict[str, Any], client_for: Any) -> None:
    page = client_for("member_admin").get("/leistungen/rechnungen/").content.decode()
    assert "2026-000001" in page and "2026-000002" not in page
    page = client_for("other_member_admin").get("/leistungen/rechnungen/").content.decode()
    assert "2026-000002" in page and "2026-000001" not in page
    response = client_for("approver").get(f"/leistungen/rechnungen/{issued['invoice'].pk}/datei/cii/")
    assert response["Content-Disposition"] == 'attachment; filename="2026-000001-xrechnung-cii.xml"'
    assert b"<ram:BuyerReference>04011000-1234512345-06</ram:BuyerReference>" in response.content
    assert client_for("approver").get(f"/leistungen/rechnungen/{issued['invoice'].pk}/datei/xls/").status_code == 404


def test_the_office_runs_billing_on_the_pages(
    billing_world: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("coop_admin")
    response = client.post("/leistungen/abrechnung/", {"period": "2026-02"})
    run = BillingRun.objects.get(period="2026-02")
    assert response["Location"] == f"/leistungen/abrechnung/{run.pk}/"
    assert client.post("/leistungen/abrechnung/", {"period": "Februar"}).status_code == 302
    assert BillingRun.objects.count() == 1
    page = client.get(f"/leistungen/abrechnung/{run.pk}/").content.decode()
    assert "Stadt Wernigerode" in page and "Als geprüft markieren" in page
    client.post(f"/leistungen/abrechnung/{run.pk}/issue/")  # not reviewed yet: refused
    assert Invoice.objects.filter(status="issued").count() == 0
    client.post(f"/leistungen/abrechnung/{run.pk}/review/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/leistungen/abrechnung/{run.pk}/issue/", CONFIRM)
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["2026-000001", "2026-000002"]
    assert len(mail.outbox) == 2
