"""After dispatch: the supplier confirms the order with the expected delivery date (and may reject single
lines with a reason), records (partial) shipments, and the member books the goods receipt per shipment.
Each change is a status row with who and when, and the requester gets a mail about it (records.event)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit, units
from kitu.core.errors import DomainError, PermissionDenied

from . import records, signals
from .models import ZERO, Order, OrderLine, OrderStatus, Shipment, ShipmentLine
from .policies import can_order_for, is_supplier_of

CONFIRMABLE = (OrderStatus.APPROVED, OrderStatus.SENT)
SHIPPABLE = (OrderStatus.CONFIRMED, OrderStatus.PARTLY_SHIPPED, OrderStatus.PARTLY_RECEIVED)


def _require_supplier(actor: Any, order: Order) -> None:
    if not is_supplier_of(actor, order.supplier.organisation_id):
        raise PermissionDenied(_("Nur der Lieferant der Bestellung bearbeitet sie."))


def _lines(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.select_for_update().filter(order=order).order_by("position"))


@transaction.atomic
def confirm(
    *,
    actor: Any,
    order: Order,
    delivery_date: dt.date,
    rejected: dict[int, str] | None = None,
    today: dt.date | None = None,
) -> Order:
    """The supplier accepts the order with the expected delivery date; ``rejected`` maps line ids to the
    reason the supplier cannot deliver them. Rejected lines give their volume back and leave the total;
    when every line is rejected, the order is rejected."""
    order = records.locked(order)
    _require_supplier(actor, order)
    if order.status not in CONFIRMABLE:
        raise DomainError(
            _("Die Bestellung kann nicht mehr bestätigt werden (%(status)s).") % {"status": order.get_status_display()}
        )
    if delivery_date < (today or timezone.localdate()):
        raise DomainError(_("Der Liefertermin liegt in der Vergangenheit."), field="delivery_date")
    rejected = rejected or {}
    lines = _lines(order)
    by_id = {line.pk: line for line in lines}
    unknown = set(rejected) - set(by_id)
    if unknown:
        raise DomainError(_("Diese Positionen gehören nicht zur Bestellung: %(ids)s.") % {"ids": sorted(unknown)})
    for line_id, reason in sorted(rejected.items()):
        line = by_id[line_id]
        if not reason.strip():
            raise DomainError(
                _("Pos. %(pos)s: bitte begründen Sie die Ablehnung.") % {"pos": line.position},
                field=f"reason_{line_id}",
            )
        line.rejected_reason = reason.strip()[:300]
        line.save(update_fields=["rejected_reason"])
    dropped = [by_id[line_id] for line_id in sorted(rejected)]
    records.move_volume(order, "release_consumed", dropped)
    kept = [line for line in lines if not line.rejected_reason]
    order.total = sum((line.total for line in kept), ZERO)
    order.savings = sum((line.savings for line in kept), ZERO)
    notes = [
        _("Pos. %(pos)s abgelehnt: %(reason)s") % {"pos": line.position, "reason": line.rejected_reason}
        for line in dropped
    ]
    before = order.status
    if kept:
        order.status, order.confirmed_at, order.delivery_date = OrderStatus.CONFIRMED, timezone.now(), delivery_date
        notes.insert(0, _("Liefertermin voraussichtlich %(date)s") % {"date": f"{delivery_date:%d.%m.%Y}"})
    else:
        order.status = OrderStatus.REJECTED
    records.event(order, order.status, actor, "; ".join(notes))
    order.save(update_fields=["status", "confirmed_at", "delivery_date", "total", "savings"])
    audit.record(
        actor=actor,
        instance=order,
        action="update",
        before={"status": before},
        after={"status": order.status, "delivery_date": str(delivery_date), "rejected_lines": len(dropped)},
    )
    return order


@transaction.atomic
def ship(
    *,
    actor: Any,
    order: Order,
    quantities: dict[int, int],
    shipped_on: dt.date,
    delivery_note: str = "",
    today: dt.date | None = None,
    serials: dict[int, list[str]] | None = None,
) -> Shipment:
    """The supplier records a (partial) shipment: quantities per line id, at most what is still open;
    optionally the serial numbers per line id (at most one per unit shipped)."""
    order = records.locked(order)
    _require_supplier(actor, order)
    if order.status not in SHIPPABLE:
        raise DomainError(
            _("Für diese Bestellung kann keine Lieferung erfasst werden (%(status)s).")
            % {"status": order.get_status_display()}
        )
    if shipped_on > (today or timezone.localdate()):
        raise DomainError(_("Das Lieferdatum liegt in der Zukunft."), field="shipped_on")
    lines = {line.pk: line for line in _lines(order)}
    shipped = {}
    for line_id, quantity in sorted(quantities.items()):
        line = lines.get(line_id)
        if line is None:
            raise DomainError(_("Die Position %(id)s gehört nicht zur Bestellung.") % {"id": line_id})
        if quantity < 0 or quantity > line.open_quantity:
            raise DomainError(
                _("Pos. %(pos)s: höchstens %(open)s offen.") % {"pos": line.position, "open": line.open_quantity},
                field=f"quantity_{line_id}",
            )
        if quantity:
            shipped[line_id] = quantity
    if not shipped:
        raise DomainError(_("Bitte tragen Sie mindestens eine gelieferte Menge ein."))
    serials = {k: [s.strip() for s in v if s.strip()] for k, v in (serials or {}).items()}
    for line_id, numbers in serials.items():
        line = lines.get(line_id)
        if numbers and (line is None or len(numbers) > shipped.get(line_id, 0) or max(map(len, numbers)) > 80):
            pos = line.position if line else line_id
            raise DomainError(
                _("Pos. %(pos)s: höchstens eine Seriennummer (bis 80 Zeichen) je gelieferter Einheit.") % {"pos": pos},
                field=f"serials_{line_id}",
            )
        if len(set(numbers)) < len(numbers):
            raise DomainError(
                _("Pos. %(pos)s: jede Seriennummer nur einmal.") % {"pos": lines[line_id].position},
                field=f"serials_{line_id}",
            )
    shipment = Shipment.objects.create(
        order=order,
        number=order.shipments.count() + 1,
        delivery_note=delivery_note.strip()[:40],
        shipped_on=shipped_on,
        shipped_by=actor,
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(
            shipment=shipment, line_id=line_id, quantity=quantity, serial_numbers="\n".join(serials.get(line_id, []))
        )
        for line_id, quantity in shipped.items()
    )
    for line_id, quantity in shipped.items():
        lines[line_id].shipped_quantity += quantity
        lines[line_id].save(update_fields=["shipped_quantity"])
    complete = all(line.open_quantity == 0 for line in lines.values())
    order.status = OrderStatus.SHIPPED if complete else OrderStatus.PARTLY_SHIPPED
    note = _("Lieferung %(n)s vom %(date)s") % {"n": shipment.number, "date": f"{shipped_on:%d.%m.%Y}"}
    if shipment.delivery_note:
        note += ", " + _("Lieferschein %(note)s") % {"note": shipment.delivery_note}
    parts = [f"Pos. {lines[i].position}: {units.quantity(q, lines[i].order_unit)}" for i, q in shipped.items()]
    records.event(order, order.status, actor, f"{note} ({', '.join(parts)})")
    order.save(update_fields=["status"])
    audit.record(
        actor=actor, instance=shipment, action="create", after={"lines": {str(k): v for k, v in shipped.items()}}
    )
    return shipment


@transaction.atomic
def receive(
    *, actor: Any, shipment: Shipment, received_on: dt.date, note: str = "", today: dt.date | None = None
) -> Shipment:
    """The member books the goods receipt of a shipment; when everything ordered has arrived, the order
    is received."""
    order = records.locked(shipment.order)
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if not can_order_for(actor, order.member):
        raise PermissionDenied(_("Den Wareneingang bucht, wer für das Mitglied bestellt."))
    if shipment.received_on is not None:
        raise DomainError(_("Der Wareneingang der Lieferung %(n)s ist schon gebucht.") % {"n": shipment.number})
    if not shipment.shipped_on <= received_on <= (today or timezone.localdate()):
        raise DomainError(_("Das Eingangsdatum muss zwischen Lieferdatum und heute liegen."), field="received_on")
    shipment.received_on, shipment.received_by, shipment.receipt_note = received_on, actor, note.strip()[:300]
    shipment.save(update_fields=["received_on", "received_by", "receipt_note"])
    lines = {line.pk: line for line in _lines(order)}
    for shipment_line in shipment.lines.all():
        line = lines[shipment_line.line_id]
        line.received_quantity += shipment_line.quantity
        line.save(update_fields=["received_quantity"])
    complete = (
        all(line.open_quantity == 0 for line in lines.values())
        and not order.shipments.filter(received_on__isnull=True).exists()
    )
    before = order.status
    order.status = OrderStatus.RECEIVED if complete else OrderStatus.PARTLY_RECEIVED
    order.received_at = timezone.now() if complete else None
    text = _("Lieferung %(n)s am %(date)s eingegangen") % {"n": shipment.number, "date": f"{received_on:%d.%m.%Y}"}
    records.event(order, order.status, actor, f"{text}: {shipment.receipt_note}" if shipment.receipt_note else text)
    order.save(update_fields=["status", "received_at"])
    audit.record(
        actor=actor, instance=order, action="update", before={"status": before}, after={"status": order.status}
    )
    shipment_id = shipment.pk
    transaction.on_commit(lambda: signals.goods_received.send_robust(sender=Shipment, shipment_id=shipment_id))
    return shipment
