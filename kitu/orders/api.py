"""JSON API of the cart and the orders (shapes fixed by issue 4: external checks use them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kitu.catalog.models import Article
from kitu.contracts.eligibility import is_eligible_member, picked, remember_picked
from kitu.contracts.services import VolumeExhausted
from kitu.core.errors import DomainError, NotFound
from kitu.core.pagination import PageQuery, paginate
from kitu.core.prepared import Prepared
from kitu.core.schemas import MAX_QUANTITY, Id, StrictSchema

from . import fulfilment, selectors, services
from .models import CartLine, Order
from .planning import PICKED

router = Router(tags=["orders"])


class CartLineIn(StrictSchema):
    article_id: Id
    quantity: int = Field(ge=1, le=MAX_QUANTITY)


class CartLineOut(Schema):
    id: int
    article_id: int | None  # None: a placeholder line priced on quotation
    supplier_pid: str
    description: str
    contract: str
    quantity: int
    unit_price: Decimal | None
    total: Decimal | None


class CartOut(Schema):
    member_id: int
    lines: list[CartLineOut]
    total: Decimal


class OrderLineOut(Schema):
    position: int
    article_id: int | None  # None: a placeholder line priced on quotation
    supplier_pid: str
    description: str
    quantity: int
    unit_price: Decimal
    total: Decimal
    savings: Decimal
    rejected_reason: str  # set when the supplier rejected the line
    shipped_quantity: int
    received_quantity: int


class OrderOut(Schema):
    id: int
    number: str
    status: str
    total: Decimal
    member_id: int
    contract: str
    supplier: str
    legal_basis: str
    steps_required: int
    steps_done: int
    savings: Decimal
    warnings: list[str]
    created_at: dt.datetime
    delivery_date: dt.date | None  # expected, from the supplier's confirmation


class OrderDetailOut(OrderOut):
    lines: list[OrderLineOut]


class RejectIn(StrictSchema):
    reason: str = Field(min_length=1, max_length=2000)


class ShipmentLineIn(StrictSchema):
    line_id: Id
    quantity: int = Field(ge=0, le=MAX_QUANTITY)
    # one per unit shipped (at most ``quantity``), each unique within the line
    serial_numbers: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        default_factory=list, max_length=MAX_QUANTITY
    )


class ShipmentIn(StrictSchema):
    shipped_on: dt.date
    delivery_note: str = Field(default="", max_length=40)
    lines: list[ShipmentLineIn] = Field(min_length=1, max_length=1000)


class ShipmentLineOut(Schema):
    line_id: int
    quantity: int
    serial_numbers: list[str]


class ShipmentOut(Schema):
    id: int
    number: int
    shipped_on: dt.date
    delivery_note: str
    order_status: str
    lines: list[ShipmentLineOut]


class ErrorOut(Schema):
    detail: str
    field: str | None = None


def _cart_out(cart_lines: Iterable[CartLine], member_id: int) -> dict[str, Any]:
    lines: list[dict[str, Any]] = []
    total = Decimal(0)
    for line in cart_lines:
        price = selectors.line_price(line)
        lines.append(
            {
                "id": line.pk,
                "article_id": line.article_id,
                "supplier_pid": line.pid,
                "description": line.label,
                "contract": line.contract.number,
                "quantity": line.quantity,
                "unit_price": price,
                "total": None if price is None else price * line.quantity,
            }
        )
        total += price * line.quantity if price is not None else 0
    return {"member_id": member_id, "lines": lines, "total": total}


def _order_out(order: Order, *, lines: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "total": order.total,
        "member_id": order.member_id,
        "contract": order.contract.number,
        "supplier": order.supplier.organisation.name,
        "legal_basis": order.legal_basis,
        "steps_required": order.steps_required,
        "steps_done": order.steps_done,
        "savings": order.savings,
        "warnings": order.warnings,
        "created_at": order.created_at,
        "delivery_date": order.delivery_date,
    }
    if lines:
        data["lines"] = [
            {
                "position": ln.position,
                "article_id": ln.article_id,
                "supplier_pid": ln.supplier_pid,
                "description": ln.description,
                "quantity": ln.quantity,
                "unit_price": ln.unit_price,
                "total": ln.total,
                "savings": ln.savings,
                "rejected_reason": ln.rejected_reason,
                "shipped_quantity": ln.shipped_quantity,
                "received_quantity": ln.received_quantity,
            }
            for ln in order.lines.all()
        ]
    return data


@router.get("/cart", response=CartOut, summary="The caller's cart (for ?member=ID when ordering for several)")
def cart(request: HttpRequest, member: Id | None = None) -> dict[str, Any]:
    chosen = selectors.pick_member(request.user, member)
    found = selectors.cart_of(request.user, chosen)
    return _cart_out(found.lines.all() if found else [], chosen.pk)


_ARTICLE: Prepared[Article] = Prepared(
    lambda article_id, member_id: (
        Article.objects.select_related("contract")
        .annotate(**{PICKED: picked(member_id), selectors.SCALE_PRICES_ATTR: selectors.scale_prices_text()})
        .filter(pk=article_id)
        .order_by()[:1]
    )
)


@router.post(
    "/cart/lines",
    response={201: CartOut, 409: ErrorOut},
    summary="Add an article to the cart; 409 when its maximum volume is used up",
)
def cart_add(request: HttpRequest, payload: CartLineIn, member: Id | None = None) -> Status:
    chosen = selectors.pick_member(request.user, member)
    # the article with its contract, its scale prices and whether the member is picked for it (one read); a
    # contract not open
    # to the member answers as if the article were unknown
    article = next(iter(_ARTICLE(payload.article_id, chosen.pk)), None)
    if article is not None:
        remember_picked(chosen, article.contract_id, getattr(article, PICKED))
        selectors.attach_scale_prices(article, getattr(article, selectors.SCALE_PRICES_ATTR))
    if article is None or not is_eligible_member(article.contract, chosen, day=timezone.localdate()):
        raise NotFound("Article not found")
    try:
        line = services.cart_add(actor=request.user, member=chosen, article=article, quantity=payload.quantity)
    except VolumeExhausted as exc:
        return Status(409, {"detail": exc.message, "field": exc.field})
    return Status(201, _cart_out(selectors.lines_with_prices(line.cart), chosen.pk))


@router.post(
    "/cart/checkout",
    response={201: list[OrderOut], 409: ErrorOut},
    summary="Check out: one call-off order per contract and supplier; 409 when the volume is too small",
)
def checkout(request: HttpRequest, member: Id | None = None) -> Status:
    chosen = selectors.pick_member(request.user, member)
    try:
        orders = services.checkout(actor=request.user, member=chosen)
    except VolumeExhausted as exc:
        return Status(409, {"detail": exc.message, "field": exc.field})
    return Status(201, [_order_out(o) for o in orders])


@router.get("/orders", response=list[OrderOut], summary="Orders the caller may see, newest first, one page")
def orders(
    request: HttpRequest, response: HttpResponse, paging: Query[PageQuery], status: str | None = None
) -> list[dict[str, Any]]:
    """Paged (``page``, ``page_size``; count and links in headers, see docs/api.md)."""
    qs = selectors.visible_orders(request.user)
    if status:
        qs = qs.filter(status=status)
    return paginate(request, response, qs, **paging.dict(), allowed=("status",), render=_order_out)


@router.get("/orders/{order_id}", response=OrderDetailOut, summary="One order with its lines")
def order(request: HttpRequest, order_id: Id) -> dict[str, Any]:
    return _order_out(selectors.order_for(request.user, order_id), lines=True)


@router.post("/orders/{order_id}/approve", response=OrderOut, summary="Approve the order's next step")
def approve(request: HttpRequest, order_id: Id) -> dict[str, Any]:
    found = selectors.order_for(request.user, order_id)
    return _order_out(services.approve(actor=request.user, order=found))


@router.post("/orders/{order_id}/reject", response=OrderOut, summary="Reject the order with a reason")
def reject(request: HttpRequest, order_id: Id, payload: RejectIn) -> dict[str, Any]:
    found = selectors.order_for(request.user, order_id)
    return _order_out(services.reject(actor=request.user, order=found, reason=payload.reason))


@router.post(
    "/orders/{order_id}/shipments",
    response={201: ShipmentOut, 400: ErrorOut, 403: ErrorOut},
    summary="The supplier records a (partial) shipment, optionally with serial numbers per line",
)
def ship(request: HttpRequest, order_id: Id, payload: ShipmentIn) -> Status:
    """As the supplier portal's shipment form: quantities per line id (at most what is open), serial numbers
    at most one per unit shipped, unique within the line, 80 characters each."""
    found = selectors.order_for(request.user, order_id)
    seen: set[int] = set()
    for index, line in enumerate(payload.lines):
        if line.line_id in seen:
            raise DomainError("Each line once", field=f"lines[{index}].line_id")
        seen.add(line.line_id)
    shipment = fulfilment.ship(
        actor=request.user,
        order=found,
        quantities={ln.line_id: ln.quantity for ln in payload.lines},
        serials={ln.line_id: ln.serial_numbers for ln in payload.lines if ln.serial_numbers},
        shipped_on=payload.shipped_on,
        delivery_note=payload.delivery_note,
    )
    return Status(
        201,
        {
            "id": shipment.pk,
            "number": shipment.number,
            "shipped_on": shipment.shipped_on,
            "delivery_note": shipment.delivery_note,
            "order_status": shipment.order.status,
            "lines": [
                {"line_id": sl.line_id, "quantity": sl.quantity, "serial_numbers": sl.serial_numbers.splitlines()}
                for sl in shipment.lines.order_by("line__position")
            ],
        },
    )
