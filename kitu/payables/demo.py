"""Demo inbound invoices for the delivered demo order (to be called by the demo seeding after the orders):
one that matches, one with a price difference, and a credit note (all marked Demo). Built from the vendored
official XRechnung sample, so the demo needs no ../shared data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kitu.accounts.models import User
from kitu.accounts.roles import Role
from kitu.orders.models import Order, OrderStatus

from . import samples, services
from .models import InboundInvoice


def seed_inbound_invoices(today: dt.date | None = None) -> int:
    """Three invoices for the first delivered demo order; none when there is no such order or it has
    invoices already (idempotent)."""
    order = (
        Order.objects.filter(is_demo=True, status=OrderStatus.RECEIVED)
        .select_related("member", "supplier__organisation")
        .order_by("pk")
        .first()
    )
    if order is None or InboundInvoice.objects.filter(order=order).exists():
        return 0
    leitweg = order.member.leitweg_ids.order_by("-is_default", "value").first()
    sender = (
        User.objects.filter(
            is_active=True,
            role_assignments__organisation_id=order.supplier.organisation_id,
            role_assignments__role=Role.SUPPLIER_USER,
        )
        .order_by("pk")
        .first()
    )
    line = order.lines.order_by("position").first()
    if leitweg is None or sender is None or line is None or line.received_quantity < 2:
        return 0
    day = today or timezone.localdate()
    seller = order.supplier.organisation.name

    def item(price: Decimal) -> samples.Item:
        return samples.Item(line.supplier_pid, line.description, 1, str(price), line.position)

    common: dict[str, Any] = {"buyer_reference": leitweg.value, "order_number": order.number, "seller_name": seller}
    documents = [
        samples.ubl(number=f"{order.number}-R1", items=[item(line.unit_price)], issue_date=day.isoformat(), **common),
        samples.cii(
            number=f"{order.number}-R2",
            items=[item(line.unit_price + Decimal("5.00"))],
            issue_date=day.strftime("%Y%m%d"),
            **common,
        ),
        samples.ubl(
            number=f"{order.number}-G1",
            items=[item(line.unit_price)],
            issue_date=day.isoformat(),
            credit_note=True,
            **common,
        ),
    ]
    for data in documents:
        invoice = services.receive(actor=sender, data=data)
        InboundInvoice.objects.filter(pk=invoice.pk).update(is_demo=True)
    return len(documents)
