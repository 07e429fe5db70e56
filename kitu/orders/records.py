"""What every change of an order does besides itself: the locked row, the status row (who, when, why)
with a mail to the requester, mails to others, and moving the order's volume on the contract counters."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction

from kitu.contracts import services as contract_services

from . import tasks
from .models import Order, OrderEvent, OrderLine, OrderStatus


def locked(order: Order) -> Order:
    return (
        Order.objects.select_for_update()
        .select_related("member", "contract", "supplier__organisation")
        .get(pk=order.pk)
    )


def notify(order: Order, kind: str, user_ids: list[int]) -> None:
    if user_ids:
        transaction.on_commit(partial(tasks.send_order_mail.delay, order.pk, kind, user_ids))


def event(
    order: Order, status: str, actor: Any, note: str = "", step: int | None = None, *, mail: bool = True
) -> OrderEvent:
    """The status row of a change; the requester gets a mail about it unless they made the change."""
    row = OrderEvent.objects.create(order=order, status=status, actor=actor, note=note, step=step)
    if mail and (actor is None or actor.pk != order.requester_id):
        transaction.on_commit(partial(tasks.send_order_mail.delay, order.pk, "status", [order.requester_id], row.pk))
    return row


def placed_events(order: Order, actor: Any, note: str) -> list[OrderEvent]:
    """The two status rows of an order placed without approval — placed by ``actor``, approved by the rule
    (``note``) — in one insert. The requester gets no mail about the approval (they see it on the page they
    submitted from), nor about the placing when they placed it themselves."""
    rows = OrderEvent.objects.bulk_create(
        [
            OrderEvent(order=order, status=OrderStatus.PENDING, actor=actor),
            OrderEvent(order=order, status=OrderStatus.APPROVED, actor=None, note=note),
        ]
    )
    if actor is None or actor.pk != order.requester_id:
        transaction.on_commit(
            partial(tasks.send_order_mail.delay, order.pk, "status", [order.requester_id], rows[0].pk)
        )
    return rows


def move_volume(order: Order, action: str, lines: Iterable[OrderLine] | None = None) -> None:
    """Reserve, commit or release the volume of the lines (all lines not rejected by the supplier):
    ``reserve``, ``commit``, ``consume`` (reserve and commit in one step), ``release_reserved`` or
    ``release_consumed``. Runs in the caller's transaction (reserving takes no savepoint of its own: a
    refused booking fails the whole order change)."""
    for line in order.lines.filter(rejected_reason="") if lines is None else lines:
        keys: dict[str, Any] = {
            "contract_id": order.contract_id,
            "lot_id": line.lot_id,
            "article_pid": line.supplier_pid,
            "quantity": line.quantity,
            "value": line.total,
        }
        if action in ("reserve", "consume"):
            contract_services.volume_book(**keys, consume=action == "consume")
        elif action == "commit":
            contract_services.volume_commit(**keys)
        else:
            contract_services.volume_release(**keys, reserved=action == "release_reserved")
