"""Two catch-up runs and the late mails on issue at the same time (PostgreSQL, threads with their own
connections): every unmailed invoice is mailed exactly once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection, transaction

from kitu.billing import mails, runs, tasks
from kitu.billing.models import Invoice
from kitu.core.actors import SYSTEM
from tests.test_concurrency import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set KITU_TEST_POSTGRES); SQLite serialises all writers")


def issue_without_mail(admin: Any, months: range, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Issue a run per month; the process dies after each issuing commit (no mail on issue)."""
    with monkeypatch.context() as crash:
        crash.setattr(tasks, "mail_invoices", lambda invoice_ids: None)
        for month in months:
            run = runs.run_create(actor=admin, period=f"2026-{month:02d}").run
            runs.run_review(actor=admin, run=run)
            runs.run_issue(actor=admin, run=run, today=dt.date(2026, month + 1, 1))
    return list(Invoice.objects.unmailed().order_by("number").values_list("pk", flat=True))


def test_parallel_senders_mail_each_invoice_once(
    billing_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = issue_without_mail(billing_world["admin"], range(1, 7), monkeypatch)
    assert len(ids) == 12 and mail.outbox == []

    send = locmem.EmailBackend.send_messages

    def slow_send(self: locmem.EmailBackend, messages: list[Any]) -> int:
        time.sleep(0.02)  # a mail server takes its time: the senders overlap
        return send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", slow_send)
    jobs: list[Callable[[], Any]] = [
        *[lambda: mails.unmailed_send(actor=SYSTEM)] * 4,
        *((lambda pk=pk: mails.invoice_mail_send(invoice_id=pk)) for pk in ids),
    ]
    results = run_parallel(jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    batches = results[:4]
    assert all(batch.failed == batch.no_recipient == [] for batch in batches)
    sent = [n for batch in batches for n in batch.sent] + [
        number for pk, to in zip(ids, results[4:], strict=True) if to for number in [Invoice.objects.get(pk=pk).number]
    ]
    expected = [f"2026-{n:06d}" for n in range(1, 13)]
    assert sorted(sent) == expected  # each claimed by exactly one sender
    assert Counter(m.subject.split()[1] for m in mail.outbox) == Counter(dict.fromkeys(expected, 1))
    assert not Invoice.objects.unmailed().exists()


def test_a_batch_passes_by_an_invoice_another_sender_holds(
    billing_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """It neither waits for it nor counts it: the holder decides (here it lets go unsent; the next run sends it)."""
    first, _second = issue_without_mail(billing_world["admin"], range(1, 2), monkeypatch)
    held, release = threading.Event(), threading.Event()

    def hold_first() -> None:
        try:
            with transaction.atomic():
                Invoice.objects.select_for_update().get(pk=first)
                held.set()
                release.wait(5)  # a batch that waits for the lock would return only after these 5 s
        finally:
            held.set()

    def batch() -> mails.MailBatch:
        try:
            assert held.wait(10)
            return mails.unmailed_send(actor=SYSTEM)
        finally:
            release.set()

    holder, result = run_parallel([hold_first, batch])
    assert holder is None and isinstance(result, mails.MailBatch), (holder, result)
    assert (result.sent, result.failed, result.no_recipient) == (["2026-000002"], [], [])
    assert [m.subject for m in mail.outbox] == ["Rechnung 2026-000002 der Kommunale IT-UNION eG"]
    assert list(Invoice.objects.unmailed().values_list("pk", flat=True)) == [first]
    assert mails.unmailed_send(actor=SYSTEM).sent == ["2026-000001"]
