"""Inbound invoices under parallel load on PostgreSQL: the same invoice number sent at once is stored once
(the others 409), and invoices for the same order sent at once see each other's quantities (the order row
is locked while an invoice is matched), so the received quantity is never invoiced twice unnoticed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from kitu.payables import services, validation
from kitu.payables.models import InboundInvoice, InvoiceStatus

from .conftest import good_ubl
from .test_storage import stored_files
from .xmlgen import Item

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL; SQLite serialises all writers")


def run_parallel(jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_same_number_in_parallel_is_stored_once(payables_world: dict[str, Any]) -> None:
    supplier = payables_world["users"]["supplier_user"]
    data = good_ubl("RE-PARALLEL")
    validation.validate(data)  # compile the stylesheets before the race
    results = run_parallel([lambda: services.receive(actor=supplier, data=data) for _ in range(5)])
    assert sum(isinstance(r, InboundInvoice) for r in results) == 1
    assert all(isinstance(r, services.Duplicate) for r in results if not isinstance(r, InboundInvoice))
    assert InboundInvoice.objects.count() == 1
    # The losers wrote their XML before the unique index refused their row: each deleted its file again.
    assert stored_files() == [InboundInvoice.objects.get().xml.name]


def test_parallel_invoices_for_one_order_see_each_other(payables_world: dict[str, Any]) -> None:
    supplier = payables_world["users"]["supplier_user"]
    items = [Item("NB-1", "Notebook 14 Zoll", 2, "750.00", 1)]  # 4 received: two such invoices fit
    docs = [good_ubl(f"RE-{n}", items=items) for n in range(4)]
    validation.validate(docs[0])
    results = run_parallel([lambda d=d: services.receive(actor=supplier, data=d) for d in docs])
    assert all(isinstance(r, InboundInvoice) for r in results), results
    statuses = sorted(InboundInvoice.objects.values_list("status", flat=True))
    assert statuses == [InvoiceStatus.MATCHED] * 2 + [InvoiceStatus.TO_REVIEW] * 2
