"""Two goods receipts of the same shipment at the same moment, and the device hook run in parallel
(PostgreSQL, threads with their own connections): every unit becomes exactly one asset."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from kitu.assets import receipts
from kitu.assets.models import Asset
from kitu.core.errors import DomainError
from kitu.orders import fulfilment
from kitu.orders.models import Shipment
from tests.test_concurrency import run_parallel

from .conftest import TODAY, confirmed_order, ship

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
RECEIVED = TODAY - dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel goods receipts are tested on PostgreSQL (set KITU_TEST_POSTGRES); SQLite serialises")


def units() -> list[tuple[str, int | None, str]]:
    return list(Asset.objects.order_by("description", "unit").values_list("description", "unit", "serial_number"))


def test_parallel_receipts_of_one_shipment_create_each_asset_once(asset_world: dict[str, Any]) -> None:
    w = asset_world
    order = confirmed_order(w, ("notebook", 3), ("dock", 2))
    shipment = ship(w, order, {"NB-1": 3, "DS-1": 2}, serials={"NB-1": ["S1", "S2", "S3"]})
    requester, admin = w["users"]["requester"], w["users"]["member_admin"]

    def book(actor: Any) -> Any:
        def run() -> Any:
            try:
                # the hook runs after this transaction commits (transaction.on_commit): for real here
                return fulfilment.receive(actor=actor, shipment=shipment, received_on=RECEIVED, today=TODAY)
            except DomainError as exc:
                return exc

        return run

    results = run_parallel([book(requester), book(admin)])
    booked = [r for r in results if isinstance(r, Shipment)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(booked) == 1 and len(refused) == 1, results
    assert "schon gebucht" in refused[0].message
    expected = [
        ("Dockingstation", 1, ""),
        ("Dockingstation", 2, ""),
        ("Notebook 14 Zoll", 1, "S1"),
        ("Notebook 14 Zoll", 2, "S2"),
        ("Notebook 14 Zoll", 3, "S3"),
    ]
    assert units() == expected

    # the hook itself four times at once on a received shipment whose devices are gone: each unit once,
    # no thread fails (the unique key (shipment line, unit) with ignore_conflicts)
    Asset.objects.all().delete()
    results = run_parallel([lambda: receipts.create_from_shipment(shipment.pk)] * 4)
    assert all(isinstance(r, int) for r in results), results
    assert units() == expected
