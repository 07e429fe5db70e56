"""Devices from goods receipts: one per unit of IT hardware, with serial numbers from the shipment and the
warranty from the article's or the contract's term; partial deliveries, a receipt handled twice and
concurrent handling never double a device."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kitu.assets import receipts
from kitu.assets.models import Asset, AssetSource, AssetStatus
from kitu.core.errors import DomainError

from .conftest import TODAY, confirmed_order, receive, ship

pytestmark = pytest.mark.django_db
RECEIVED = TODAY - dt.timedelta(days=1)  # 21.11.2026


def rows() -> list[tuple[Any, ...]]:
    return list(
        Asset.objects.order_by("description", "unit").values_list(
            "description", "unit", "serial_number", "warranty_end"
        )
    )


def test_partial_receipts_create_one_asset_per_unit_and_never_twice(
    asset_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = asset_world
    order = confirmed_order(w, ("notebook", 3), ("dock", 2), ("paper", 5))
    first = ship(w, order, {"NB-1": 2, "DS-1": 2, "PAP-1": 5}, serials={"NB-1": ["SN-A", " SN-B "]})
    assert Asset.objects.count() == 0  # shipped is not received
    receive(w, first, django_capture_on_commit_callbacks)
    assert rows() == [
        ("Dockingstation", 1, "", None),  # no term on article or contract
        ("Dockingstation", 2, "", None),
        ("Notebook 14 Zoll", 1, "SN-A", dt.date(2029, 11, 20)),  # 36 months from 21.11.2026
        ("Notebook 14 Zoll", 2, "SN-B", dt.date(2029, 11, 20)),
    ]
    # the hook again, and the whole resync: nothing new
    assert receipts.create_from_shipment(first.pk) == 0
    assert receipts.sync_received() == 0
    assert Asset.objects.count() == 4
    second = ship(w, order, {"NB-1": 1}, serials={"NB-1": ["SN-C"]})
    receive(w, second, django_capture_on_commit_callbacks)
    assert Asset.objects.count() == 5
    last = Asset.objects.get(serial_number="SN-C")
    assert (last.unit, last.order, last.source, last.status) == (1, order, AssetSource.RECEIPT, AssetStatus.STOCK)
    assert (last.member, last.supplier, last.article, last.acquired_on) == (
        w["wernigerode"],
        w["supplier"],
        w["notebook"],
        RECEIVED,
    )
    assert last.price == order.lines.get(supplier_pid="NB-1").unit_price
    assert last.eclass_group == "19030104" and last.manufacturer == "Dell"


def test_booking_a_receipt_twice_is_refused_and_creates_nothing(
    asset_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = asset_world
    order = confirmed_order(w, ("notebook", 1))
    shipment = ship(w, order, {"NB-1": 1})
    receive(w, shipment, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError, match="schon gebucht"):
        receive(w, shipment, django_capture_on_commit_callbacks)
    assert Asset.objects.count() == 1


def test_existing_units_are_kept_and_missing_ones_created(
    asset_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """A half-done earlier run (one unit exists, another was lost): only the missing unit is created; the
    unique constraint (shipment line, unit) also stops a concurrent second run."""
    w = asset_world
    order = confirmed_order(w, ("notebook", 2))
    shipment = ship(w, order, {"NB-1": 2})
    receive(w, shipment, django_capture_on_commit_callbacks)
    Asset.objects.filter(unit=2).delete()
    assert receipts.create_from_shipment(shipment.pk) == 1
    assert sorted(Asset.objects.values_list("unit", flat=True)) == [1, 2]
    existing = Asset.objects.get(unit=1)
    duplicate = Asset(
        member=existing.member,
        source=AssetSource.RECEIPT,
        description="x",
        acquired_on=RECEIVED,
        shipment_line=existing.shipment_line,
        unit=1,
    )
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_contract_term_when_the_article_has_none(
    asset_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = asset_world
    contract = w["contract"]
    contract.warranty_months = 24
    contract.save()
    order = confirmed_order(w, ("dock", 2), ("notebook", 1))
    receive(w, ship(w, order, {"DS-1": 2, "NB-1": 1}), django_capture_on_commit_callbacks)
    ends = dict(Asset.objects.values_list("description", "warranty_end"))
    # dock: the contract's 24 months; notebook: its article's 36 months win
    assert ends == {"Dockingstation": dt.date(2028, 11, 20), "Notebook 14 Zoll": dt.date(2029, 11, 20)}


def test_serial_numbers_at_shipment_are_checked(asset_world: dict[str, Any]) -> None:
    w = asset_world
    order = confirmed_order(w, ("notebook", 2))
    line = order.lines.get(supplier_pid="NB-1")
    with pytest.raises(DomainError, match="höchstens eine Seriennummer") as exc:
        ship(w, order, {"NB-1": 1}, serials={"NB-1": ["A", "B"]})
    assert exc.value.field == f"serials_{line.pk}"
    with pytest.raises(DomainError):
        ship(w, order, {"NB-1": 1}, serials={"NB-1": ["X" * 81]})
    assert order.shipments.count() == 0


def test_ship_form_takes_serials(asset_world: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    from .conftest import client_as

    w = asset_world
    order = confirmed_order(w, ("notebook", 2))
    line = order.lines.get()
    client = client_as(w, "supplier_user")
    response = client.post(
        f"/bestellungen/{order.pk}/lieferungen/",
        {
            "shipped_on": (TODAY - dt.timedelta(days=1)).isoformat(),
            f"quantity_{line.pk}": "2",
            f"serials_{line.pk}": "S1\r\nS2\r\n",
        },
    )
    assert response.status_code == 302
    assert order.shipments.get().lines.get().serial_numbers == "S1\nS2"
