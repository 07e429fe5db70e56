"""Issue 18.7: units as words with plural and German numbers on the invoice PDF, the pages and the line
texts; the XRechnung keeps the UN/ECE codes; invoice and run statuses as badges with words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from kitu.billing import pdf, runs, xrechnung
from kitu.billing.models import Invoice, QuantityChange, Subscription

from .conftest import offer
from .test_documents import pdf_text

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def issued(billing_world: dict[str, Any], django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    w = billing_world
    finance = offer(
        "finanz",
        "Finanzverfahren je Einwohner",
        "finance",
        "per_unit",
        "0.10",
        unit_code="IE",
        unit_label="Einwohner",
        interval="year",
        contract_reference="DLV-2024-04",
    )
    sub = Subscription.objects.create(member=w["wernigerode"], service=finance, starts_on=D(2025, 1, 1))
    QuantityChange.objects.create(subscription=sub, effective_from=D(2025, 1, 1), quantity=33130)
    run = runs.run_create(actor=w["admin"], period="2026-Q1").run
    runs.run_review(actor=w["admin"], run=run)
    with django_capture_on_commit_callbacks(execute=True):
        runs.run_issue(actor=w["admin"], run=run, today=D(2026, 4, 2))
    return {**w, "invoice": Invoice.objects.get(member=w["wernigerode"]), "run": run}


def test_the_pdf_shows_units_as_words_and_the_xml_keeps_the_codes(issued: dict[str, Any]) -> None:
    invoice = issued["invoice"]
    text = pdf_text(pdf.render(invoice)).replace("\xa0", " ").replace("\n", " ")
    lines = {ln.unit_code: ln for ln in invoice.lines.all()}
    assert set(lines) == {"C62", "DAY", "IE"}
    assert "2 Tage" in text  # the training days
    assert "33.130 Einwohner" in text
    assert "55 Stück" in text and "40 Stück" in text
    assert "55 Arbeitsplätze à 22,50 € je Monat" in text  # the line text: the service's noun in the plural
    for code in ("C62", "DAY", " IE"):
        assert code not in text, code
    ubl = xrechnung.to_ubl(invoice).decode()
    assert 'unitCode="C62"' in ubl and 'unitCode="DAY"' in ubl and 'unitCode="IE"' in ubl
    assert "Stück" not in ubl.replace("Stückzahl", "")


def test_the_pdf_stays_german_in_an_english_session(issued: dict[str, Any]) -> None:
    with translation.override("en"):
        text = pdf_text(pdf.render(issued["invoice"]))
    assert "2 Tage" in text and "33.130 Einwohner" in text


def test_pages_show_words_numbers_and_status_badges(issued: dict[str, Any], client_for: Any) -> None:
    client = client_for("coop_admin")
    invoice = issued["invoice"]
    detail = client.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    assert "33.130 Einwohner à 0,10" in detail
    assert (
        '<span class="kern-badge kern-badge--danger" data-status="overdue"><span class="kern-label">überfällig</span>'
    ) in detail  # due 02.05.2026, unpaid
    listing = client.get(reverse("billing:invoices")).content.decode()
    assert 'data-status="overdue"><span class="kern-label">überfällig</span>' in listing
    assert "kitu-status--" not in listing
    subs = client.get(reverse("billing:subscriptions")).content.decode()
    assert "33.130 Einwohner" in subs and "55 Arbeitsplätze" in subs
    runs_page = client.get(reverse("billing:runs")).content.decode()
    assert '<span class="kern-badge kern-badge--success" data-status="issued">' in runs_page
    run_page = client.get(reverse("billing:run", args=[issued["run"].pk])).content.decode()
    assert 'data-status="issued"><span class="kern-label">ausgestellt</span>' in run_page
    assert Decimal(invoice.lines.get(unit_code="IE").quantity) == Decimal(33130)
