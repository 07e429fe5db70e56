"""Devices from goods receipts: when a shipment's goods receipt is booked, kitu.orders sends
``goods_received`` after the commit; this creates one asset per unit of every shipped line whose article is
IT hardware (kitu.assets.lifecycle.is_asset_class), with the serial numbers the supplier entered at shipment.

Idempotent: an asset is keyed by (shipment line, unit number) with a unique constraint, so a receipt handled
twice, concurrently, or a partial delivery followed by the rest never doubles a device."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from kitu.orders.models import Shipment, ShipmentLine

from .lifecycle import is_asset_class, warranty_end
from .models import Asset, AssetSource, AssetStatus

log = logging.getLogger(__name__)


def serials_of(text: str) -> list[str]:
    return [s.strip()[:80] for s in (text or "").splitlines() if s.strip()]


@transaction.atomic
def create_from_shipment(shipment_id: int) -> int:
    """Create the missing assets of a received shipment; returns how many were created (0 when the
    shipment is not received or everything exists already)."""
    shipment = (
        Shipment.objects.filter(pk=shipment_id, received_on__isnull=False)
        .select_related("order__contract", "order__supplier")
        .first()
    )
    if shipment is None or shipment.received_on is None:
        return 0
    order = shipment.order
    existing = set(Asset.objects.filter(shipment_line__shipment=shipment).values_list("shipment_line_id", "unit"))
    new: list[Asset] = []
    lines = ShipmentLine.objects.filter(shipment=shipment).select_related("line__article").order_by("line__position")
    for shipped in lines:
        article = shipped.line.article
        if article is None or not is_asset_class(article.eclass_group):
            continue
        serials = serials_of(shipped.serial_numbers)
        end = warranty_end(
            shipment.received_on,
            article_months=article.warranty_months,
            contract_months=order.contract.warranty_months,
        )
        for unit in range(1, shipped.quantity + 1):
            if (shipped.pk, unit) in existing:
                continue
            new.append(
                Asset(
                    member_id=order.member_id,
                    source=AssetSource.RECEIPT,
                    description=shipped.line.description[:150],
                    manufacturer=article.manufacturer_name,
                    eclass_group=article.eclass_group.replace("-", ""),
                    article=article,
                    supplier_id=order.supplier_id,
                    order=order,
                    shipment_line=shipped,
                    unit=unit,
                    serial_number=serials[unit - 1] if unit <= len(serials) else "",
                    acquired_on=shipment.received_on,
                    warranty_end=end,
                    price=shipped.line.unit_price,
                    site_id=shipped.line.site_id,
                    cost_centre_id=shipped.line.cost_centre_id,
                    status=AssetStatus.STOCK,
                    is_demo=order.member.is_demo,
                )
            )
    Asset.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def on_goods_received(sender: Any, shipment_id: int, **kwargs: Any) -> None:
    """Receiver of kitu.orders.signals.goods_received (connected in AssetsConfig.ready)."""
    try:
        create_from_shipment(shipment_id)
    except Exception:  # the receipt is booked; a failure here must not turn it into an error page
        log.exception("assets: creating the devices of shipment %s failed", shipment_id)


def sync_received(*, member_id: int | None = None) -> int:
    """Create the missing assets of every received shipment (after a failure, or for data from before the
    register existed)."""
    shipments = Shipment.objects.filter(received_on__isnull=False)
    if member_id is not None:
        shipments = shipments.filter(order__member_id=member_id)
    return sum(create_from_shipment(pk) for pk in shipments.values_list("pk", flat=True))
