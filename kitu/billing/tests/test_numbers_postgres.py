"""Gapless, unique invoice numbers when several runs and credit notes issue at the same time (PostgreSQL,
threads with their own connections), and a rolled-back issue gives its numbers back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction

from kitu.billing import runs
from kitu.billing.models import BillingRun, Invoice, InvoiceNumberSequence
from tests.test_concurrency import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set KITU_TEST_POSTGRES); SQLite serialises all writers")


def test_parallel_issues_draw_gapless_unique_numbers(billing_world: dict[str, Any]) -> None:
    admin = billing_world["admin"]
    periods = [f"2026-{m:02d}" for m in range(1, 9)]
    for period in periods:
        run = runs.run_create(actor=admin, period=period).run
        runs.run_review(actor=admin, run=run)
    run_ids = list(BillingRun.objects.values_list("pk", flat=True))

    def fail_after_drawing() -> None:  # draws a number, then rolls back
        with transaction.atomic():
            runs._next_number(2026)
            raise RuntimeError("Abbruch")

    jobs = [
        (lambda pk=pk: runs.run_issue(actor=admin, run=BillingRun.objects.get(pk=pk), today=dt.date(2026, 9, 1)))
        for pk in run_ids
    ] + [fail_after_drawing] * 3
    results = run_parallel(jobs)
    assert [type(r).__name__ for r in results[len(run_ids) :]] == ["RuntimeError"] * 3
    assert all(isinstance(r, list) for r in results[: len(run_ids)]), results
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == 2 * len(periods)  # Wernigerode and Zeitz each month
    assert numbers == [f"2026-{n:06d}" for n in range(1, len(numbers) + 1)]
    assert InvoiceNumberSequence.objects.get(year=2026).last == len(numbers)
