"""Gapless, unique invoice numbers when several runs and credit notes issue at the same time (PostgreSQL,
threads with their own connections), a rolled-back issue gives its numbers back, and issuing locks only the
rows it changes (not the members, organisations or services it reads)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from kitu.accounts.models import Organisation
from kitu.billing import runs, subscriptions
from kitu.billing.models import BillingRun, Invoice, InvoiceNumberSequence, Service, SubscriptionRequest
from kitu.members.models import Member
from tests.test_concurrency import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = dt.date


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set KITU_TEST_POSTGRES); SQLite serialises all writers")


def issue_periods(admin: Any, periods: list[str], today: dt.date) -> None:
    for period in periods:
        run = runs.run_create(actor=admin, period=period).run
        runs.run_review(actor=admin, run=run)
        runs.run_issue(actor=admin, run=run, today=today)


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


def test_parallel_credit_notes_and_runs_never_share_a_number(
    billing_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """15 workers at once: 6 cancel two invoices each in one transaction, 6 issue a run of two invoices,
    3 draw three numbers and roll back. Each draw waits 5 ms between reading and writing the sequence (as a
    busy server would), so without the sequence row's lock two workers read the same last number."""
    admin = billing_world["admin"]
    issue_periods(admin, [f"2026-{m:02d}" for m in range(1, 7)], D(2026, 7, 1))  # 2026-000001 … 000012
    to_cancel = list(Invoice.objects.order_by("number"))
    assert len(to_cancel) == 12
    for period in [f"2026-{m:02d}" for m in range(7, 13)]:
        runs.run_review(actor=admin, run=runs.run_create(actor=admin, period=period).run)
    reviewed = list(BillingRun.objects.filter(status="reviewed").values_list("pk", flat=True))
    assert len(reviewed) == 6

    save = InvoiceNumberSequence.save

    def slow_save(self: InvoiceNumberSequence, *args: Any, **kwargs: Any) -> None:
        time.sleep(0.005)
        save(self, *args, **kwargs)

    monkeypatch.setattr(InvoiceNumberSequence, "save", slow_save)

    def cancel(invoices: list[Invoice]) -> list[str]:
        with transaction.atomic():
            notes = [
                runs.credit_note_create(actor=admin, invoice=i, reason="Sammelkorrektur", today=D(2026, 12, 15))
                for i in invoices
            ]
        return [n.number or "" for n in notes]

    def issue(run_id: int) -> list[str]:
        run = BillingRun.objects.get(pk=run_id)
        return [i.number or "" for i in runs.run_issue(actor=admin, run=run, today=D(2026, 12, 15))]

    def draw_and_roll_back() -> None:
        with transaction.atomic():
            for _ in range(3):
                runs._next_number(2026)
            raise RuntimeError("Abbruch")

    jobs: list[Callable[[], Any]] = [
        *((lambda pair=to_cancel[i : i + 2]: cancel(pair)) for i in range(0, 12, 2)),
        *((lambda pk=pk: issue(pk)) for pk in reviewed),
        *[draw_and_roll_back] * 3,
    ]
    results = run_parallel(jobs)
    assert [type(r).__name__ for r in results[12:]] == ["RuntimeError"] * 3
    assert not [r for r in results[:12] if isinstance(r, Exception)], results  # e.g. a duplicate number
    drawn = [n for r in results[:12] for n in r]
    assert sorted(drawn) == [f"2026-{n:06d}" for n in range(13, 37)], results
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"2026-{n:06d}" for n in range(1, 37)]
    assert Invoice.objects.filter(kind="credit_note").count() == 12
    assert InvoiceNumberSequence.objects.get(year=2026).last == 36


def locked_while(action: Callable[[], Any], rows: dict[str, Any]) -> list[str]:
    """Run ``action`` in a transaction that stays open, and meanwhile try to lock each of ``rows`` from a
    second connection without waiting; returns the names of the rows the action held locked."""
    held, release = threading.Event(), threading.Event()

    def act() -> None:
        try:
            with transaction.atomic():
                action()
                held.set()
                release.wait(20)
        finally:
            held.set()

    def probe() -> list[str]:
        try:
            assert held.wait(20)
            locked = []
            for name, row in rows.items():
                try:
                    with transaction.atomic():
                        type(row).objects.select_for_update(nowait=True).get(pk=row.pk)
                except DatabaseError:
                    locked.append(name)
            return locked
        finally:
            release.set()

    done, found = run_parallel([act, probe])
    assert done is None, done
    return found


def test_issuing_and_deciding_lock_no_member_organisation_or_service_rows(billing_world: dict[str, Any]) -> None:
    """A billing run or a decision must not block the member register (or other runs through it)."""
    w = billing_world
    admin = w["admin"]
    run = runs.run_create(actor=admin, period="2026-01").run
    runs.run_review(actor=admin, run=run)
    rows = {
        "member Wernigerode": Member.objects.get(pk=w["wernigerode"].pk),
        "member Zeitz": Member.objects.get(pk=w["zeitz"].pk),
        "organisation Wernigerode": Organisation.objects.get(pk=w["wernigerode"].organisation_id),
        "organisation Zeitz": Organisation.objects.get(pk=w["zeitz"].organisation_id),
    }
    assert locked_while(lambda: runs.run_issue(actor=admin, run=run, today=D(2026, 2, 2)), rows) == []
    assert Invoice.objects.filter(status="issued").count() == 2
    hosting = w["subs"]["hosting"]
    request = SubscriptionRequest.objects.create(
        member=w["wernigerode"],
        kind="cancel",
        service=hosting.service,
        subscription=hosting,
        effective_from=D(2027, 6, 30),
    )
    rows["service Hosting"] = Service.objects.get(pk=hosting.service_id)

    def decide() -> None:
        subscriptions.request_decide(actor=admin, request=request, approve=False, note="Nein")

    assert locked_while(decide, rows) == []
    assert SubscriptionRequest.objects.get(pk=request.pk).status == "rejected"
