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


def test_receivables_by_month_reads_light_rows_with_the_same_figures(billing_world: dict[str, Any]) -> None:
    """Issue 23.4: the chart reads five fields in one query; an invoice cancelled by a credit note is left out."""
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
        months = selectors.receivables_by_month(Invoice.objects.all(), D(2026, 6, 1))
    assert len(ctx.captured_queries) == 1
    assert months == {"2026-05": {"paid": kept.paid_amount, "overdue": kept.gross_total - kept.paid_amount}}
