"""Billing runs: drafts per member and Leitweg-ID, idempotent re-runs, review and issue with sequential
numbers, immutability of issued invoices, credit notes, several VAT rates including 0 %."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kitu.billing import pricing, runs
from kitu.billing.models import (
    BillingRun,
    ImmutableInvoice,
    Invoice,
    InvoiceLine,
)
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.money import format_eur
from kitu.members.models import LeitwegId

pytestmark = pytest.mark.django_db
D = dt.date


def lines_of(invoice: Invoice) -> list[tuple[str, Decimal, Decimal]]:
    return [(line.description, line.net_amount, line.vat_rate) for line in invoice.lines.all()]


def test_a_quarterly_run_with_price_and_quantity_changes(billing_world: dict[str, Any]) -> None:
    w = billing_world
    result = runs.run_create(actor=w["admin"], period="2026-Q1")
    assert (result.invoices_created, result.lines_created, result.skipped) == (2, 8, [])
    wernigerode = Invoice.objects.get(member=w["wernigerode"])
    assert lines_of(wernigerode) == [
        (
            "Betriebsführung je Arbeitsplatz, 01.01.2026–28.02.2026, 40 Arbeitsplätze à 25,00\xa0€ je Monat",
            Decimal("2000.00"),
            Decimal("19.00"),
        ),
        (
            "Betriebsführung je Arbeitsplatz, 01.03.2026–31.03.2026, 55 Arbeitsplätze à 22,50\xa0€ je Monat",
            Decimal("1237.50"),
            Decimal("19.00"),
        ),
        (
            "Hosting Fachverfahren, 01.01.2026–15.03.2026, anteilig",
            Decimal("2980.65"),
            Decimal("19.00"),
        ),  # 2 × 1200 + 15/31 × 1200
        ("Hosting Fachverfahren, 16.03.2026–31.03.2026, anteilig", Decimal("670.97"), Decimal("19.00")),  # 16/31 × 1300
        (
            "Mitgliedsbeitrag, 01.01.2026–31.03.2026, anteilig",
            Decimal("591.78"),
            Decimal("0.00"),
        ),  # 90/365 × 2400
        ("Schulungstag, 10.03.2026–10.03.2026, 2 Tage à 480,00\xa0€", Decimal("960.00"), Decimal("7.00")),
    ]
    _net, _vat, rates = pricing.totals(list(wernigerode.lines.all()))
    assert rates == {
        Decimal("0.00"): (Decimal("591.78"), Decimal("0.00")),
        Decimal("7.00"): (Decimal("960.00"), Decimal("67.20")),
        Decimal("19.00"): (Decimal("6889.12"), Decimal("1308.93")),
    }
    assert (wernigerode.net_total, wernigerode.vat_total, wernigerode.gross_total) == (
        Decimal("8440.90"),
        Decimal("1376.13"),
        Decimal("9817.03"),
    )
    assert wernigerode.leitweg_id == "04011000-1234512345-06" and wernigerode.status == "draft"
    zeitz = Invoice.objects.get(member=w["zeitz"])
    assert [d for d, _a, _r in lines_of(zeitz)] == [
        "Hosting Fachverfahren, 20.03.2026–31.03.2026, anteilig",
        "Mitgliedsbeitrag, 01.01.2026–31.03.2026, anteilig",
    ]


def test_rerunning_creates_nothing_twice_and_overlapping_periods_are_not_billed_again(
    billing_world: dict[str, Any],
) -> None:
    w = billing_world
    runs.run_create(actor=w["admin"], period="2026-02")
    counts = (Invoice.objects.count(), InvoiceLine.objects.count())
    again = runs.run_create(actor=w["admin"], period="2026-02")
    assert (again.invoices_created, again.lines_created) == (0, 0)
    assert (Invoice.objects.count(), InvoiceLine.objects.count()) == counts
    runs.run_create(actor=w["admin"], period="2026-Q1")  # February is billed already: January and March
    hosting = w["subs"]["hosting"].invoice_lines.order_by("period_start")
    assert [(x.period_start, x.period_end, x.invoice.run.period) for x in hosting] == [
        (D(2026, 1, 1), D(2026, 1, 31), "2026-Q1"),
        (D(2026, 2, 1), D(2026, 2, 28), "2026-02"),
        (D(2026, 3, 1), D(2026, 3, 15), "2026-Q1"),
        (D(2026, 3, 16), D(2026, 3, 31), "2026-Q1"),
    ]
    assert w["subs"]["training"].invoice_lines.count() == 1
    assert runs.unbilled(D(2026, 1, 1), D(2026, 3, 31), [(D(2026, 2, 1), D(2026, 2, 28))]) == [
        (D(2026, 1, 1), D(2026, 1, 31)),
        (D(2026, 3, 1), D(2026, 3, 31)),
    ]
    assert runs.unbilled(D(2026, 1, 1), D(2026, 1, 31), [(D(2025, 12, 1), D(2026, 1, 31))]) == []


def test_review_then_issue_with_sequential_numbers(billing_world: dict[str, Any]) -> None:
    w = billing_world
    run = runs.run_create(actor=w["admin"], period="2026-01").run
    with pytest.raises(DomainError, match="erst prüfen"):
        runs.run_issue(actor=w["admin"], run=run, today=D(2026, 2, 2))
    for role in ("member_admin", "requester", "case_worker", "contract_manager", "supplier_user"):
        with pytest.raises(PermissionDenied):
            runs.run_review(actor=w["users"][role], run=run)
    assert BillingRun.objects.get().status == "draft"
    runs.run_review(actor=w["admin"], run=run)
    issued = runs.run_issue(actor=w["admin"], run=run, today=D(2026, 2, 2))
    assert [(i.member.name, i.number, i.due_date) for i in issued] == [
        ("Stadt Wernigerode", "2026-000001", D(2026, 3, 4)),
        ("Stadt Zeitz", "2026-000002", D(2026, 3, 4)),
    ]
    second = runs.run_create(actor=w["admin"], period="2026-02").run
    runs.run_review(actor=w["admin"], run=second)
    assert [i.number for i in runs.run_issue(actor=w["admin"], run=second, today=D(2026, 3, 2))] == [
        "2026-000003",
        "2026-000004",
    ]
    assert runs.run_create(actor=w["admin"], period="2026-02").lines_created == 0  # issued: nothing added


def test_issued_invoices_never_change_and_credit_notes_correct_them(billing_world: dict[str, Any]) -> None:
    w = billing_world
    run = runs.run_create(actor=w["admin"], period="2026-01").run
    runs.run_review(actor=w["admin"], run=run)
    invoice = runs.run_issue(actor=w["admin"], run=run, today=D(2026, 2, 2))[0]
    invoice.net_total = Decimal("1.00")
    with pytest.raises(ImmutableInvoice):
        invoice.save()
    line = invoice.lines.first()
    assert line is not None
    line.net_amount = Decimal("1.00")
    with pytest.raises(ImmutableInvoice):
        line.save()
    with pytest.raises(ImmutableInvoice):
        Invoice.objects.get(pk=invoice.pk).delete()
    paid = Invoice.objects.get(pk=invoice.pk)
    paid.paid_amount, paid.paid_on = paid.gross_total, D(2026, 2, 20)
    paid.save()  # the receivables side may change
    with pytest.raises(DomainError, match="Grund"):
        runs.credit_note_create(actor=w["admin"], invoice=invoice, reason=" ")
    note = runs.credit_note_create(
        actor=w["admin"], invoice=invoice, reason="falsche Arbeitsplatzzahl", today=D(2026, 2, 25)
    )
    original = Invoice.objects.get(pk=invoice.pk)
    assert (note.kind, note.corrects_id, note.number, note.gross_total) == (
        "credit_note",
        invoice.pk,
        "2026-000003",
        original.gross_total,
    )
    assert note.lines.count() == original.lines.count()
    with pytest.raises(DomainError, match="schon eine Gutschrift"):
        runs.credit_note_create(actor=w["admin"], invoice=invoice, reason="noch einmal")


def test_members_without_a_leitweg_id_are_reported_not_billed(billing_world: dict[str, Any]) -> None:
    w = billing_world
    LeitwegId.objects.filter(member=w["zeitz"]).delete()
    result = runs.run_create(actor=w["admin"], period="2026-04")
    assert result.skipped == ["Stadt Zeitz"] and not Invoice.objects.filter(member=w["zeitz"]).exists()
    with pytest.raises(DomainError, match="JJJJ-MM"):
        runs.run_create(actor=w["admin"], period="2026-13")


def test_billing_run_command_issues_and_reruns_idempotently(billing_world: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("billing_run", "--period", "2026-01", stdout=out)
    assert out.getvalue().strip() == (
        "Abrechnung 2026-01: 2 Rechnungen ausgestellt (2026-000001 bis 2026-000002), 4 Positionen, "
        f"{format_eur(sum(i.gross_total for i in Invoice.objects.all()))} brutto."
    )
    again = io.StringIO()
    call_command("billing_run", "--period", "2026-01", stdout=again)
    assert again.getvalue().strip() == "Abrechnung 2026-01: 0 Rechnungen ausgestellt, 0 Positionen, 0,00\xa0€ brutto."
    assert Invoice.objects.count() == 2
    with pytest.raises(CommandError, match="JJJJ-MM"):
        call_command("billing_run", "--period", "Januar")
