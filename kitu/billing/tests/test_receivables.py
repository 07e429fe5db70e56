"""The receivables CSV for the accounting system: member names neutralised against formula injection,
amounts (negative ones of credit notes included) and dates left as numbers and dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from kitu.accounts.models import Organisation
from kitu.billing import runs
from kitu.billing.models import Invoice

pytestmark = pytest.mark.django_db
D = dt.date
HOSTILE_NAME = '=HYPERLINK("http://x","y")'


def test_receivables_csv_neutralises_names_and_keeps_negative_amounts(
    billing_world: dict[str, Any], client_for: Any
) -> None:
    w = billing_world
    run = runs.run_create(actor=w["admin"], period="2026-Q1").run
    runs.run_review(actor=w["admin"], run=run)
    runs.run_issue(actor=w["admin"], run=run, today=D(2026, 4, 2))
    runs.credit_note_create(
        actor=w["admin"], invoice=Invoice.objects.get(member=w["zeitz"]), reason="Doppelt", today=D(2026, 4, 9)
    )
    Organisation.objects.filter(pk=w["wernigerode"].organisation_id).update(name=HOSTILE_NAME)
    Organisation.objects.filter(pk=w["zeitz"].organisation_id).update(name="-Stadt Zeitz")
    text = client_for("contract_manager").get("/leistungen/rechnungen/forderungen.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [r[5] for r in rows[1:]] == ["'" + HOSTILE_NAME, "'-Stadt Zeitz", "'-Stadt Zeitz"]
    assert rows[1][2:5] == ["02.04.2026", "02.05.2026", "25"]
    assert rows[3][7:10] == ["-1095,01", "-95,61", "-1190,62"]  # the credit note: negative numbers, no apostrophe


def test_receivables_read_light_rows_with_the_same_figures(billing_world: dict[str, Any]) -> None:
    """Issue 23.4: the chart's sums and the list's length in one grouped query, the cancelled invoices in a
    second; an invoice cancelled by a credit note is left out of the sums, counted in the list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kitu.billing import selectors

    w = billing_world
    run = runs.run_create(actor=w["admin"], period="2026-Q1").run
    runs.run_review(actor=w["admin"], run=run)
    runs.run_issue(actor=w["admin"], run=run, today=D(2026, 4, 2))
    runs.credit_note_create(
        actor=w["admin"], invoice=Invoice.objects.get(member=w["zeitz"]), reason="Doppelt", today=D(2026, 4, 9)
    )
    kept = Invoice.objects.get(member=w["wernigerode"], kind="invoice")
    with CaptureQueriesContext(connection) as ctx:
        figures = selectors.receivables_of(Invoice.objects.all(), D(2026, 6, 1))
    assert len(ctx.captured_queries) == 2
    assert figures.months == {"2026-05": {"paid": kept.paid_amount, "overdue": kept.gross_total - kept.paid_amount}}
    cancelled = Invoice.objects.get(member=w["zeitz"], kind="invoice")
    assert (figures.issued, figures.cancelled) == (Invoice.objects.filter(status="issued").count(), {cancelled.pk})
    assert figures.issued == 3  # both invoices and the credit note


def test_receivables_by_month_sums_what_the_state_rule_says(billing_world: dict[str, Any]) -> None:
    """The database's sums per month equal the Python rule (``receivables.state``/``outstanding``) summed
    invoice by invoice: paid, overpaid, part-paid before and after the due day, due today, several months."""
    from collections import defaultdict
    from decimal import Decimal

    from kitu.billing import receivables, selectors

    w = billing_world
    run = runs.run_create(actor=w["admin"], period="2026-Q1").run
    runs.run_review(actor=w["admin"], run=run)
    runs.run_issue(actor=w["admin"], run=run, today=D(2026, 4, 2))
    first = Invoice.objects.filter(kind="invoice").order_by("pk").first()
    assert first is not None
    today = D(2026, 6, 1)
    cases = [  # due date, paid as a share of the gross total
        (D(2026, 5, 2), Decimal("1")),  # paid
        (D(2026, 5, 20), Decimal("0.5")),  # part-paid, overdue
        (today, Decimal("0")),  # due today: still open
        (D(2026, 6, 30), Decimal("0.25")),  # part-paid, open
        (D(2026, 7, 15), Decimal("1.5")),  # overpaid
    ]
    issued = Invoice.objects.get(pk=first.pk)
    for n, (due, share) in enumerate(cases):
        issued.pk = None
        issued.number = f"T-{n}"
        issued.leitweg_id = f"{first.leitweg_id[:40]}-{n}"  # one invoice per run, member and Leitweg-ID
        issued.due_date = due
        issued.paid_amount = (first.gross_total * share).quantize(Decimal("0.01"))
        issued.save()
    Invoice.objects.filter(pk=first.pk).delete()
    expected: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for invoice in Invoice.objects.filter(kind="invoice", status="issued"):
        month = f"{invoice.due_date:%Y-%m}"
        expected[month][receivables.PAID] += invoice.paid_amount
        state = receivables.state(invoice, today, cancelled=False)
        if state != receivables.PAID:
            expected[month][state] += receivables.outstanding(invoice)
    months = selectors.receivables_of(Invoice.objects.all(), today).months
    assert months == {month: dict(amounts) for month, amounts in sorted(expected.items())}
    assert set(months) == {"2026-05", "2026-06", "2026-07"}
    assert set(months["2026-06"]) == {"paid", "open"} and set(months["2026-05"]) >= {"paid", "overdue"}
