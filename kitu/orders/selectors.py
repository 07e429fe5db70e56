"""Reads of carts and orders, scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from kitu.catalog.models import Article
from kitu.core.errors import DomainError, NotFound

from .models import PLACED_STATUSES, Approver, Cart, CartLine, Order, OrderStatus, StandardBasket
from .policies import (
    can_manage_baskets,
    can_see_all_orders,
    order_member_org_ids,
    ordering_members,
    supplier_org_ids,
)


def visible_orders(user: Any) -> QuerySet[Order]:
    """The office sees all orders; a member's people its own; a supplier's people the orders to their
    company once approved (also when later rejected or cancelled)."""
    qs = Order.objects.select_related("member__organisation", "contract", "supplier__organisation", "requester")
    if can_see_all_orders(user):
        return qs
    return qs.filter(
        Q(member__organisation_id__in=order_member_org_ids(user))
        | Q(supplier__organisation_id__in=supplier_org_ids(user), approved_at__isnull=False)
    )


def order_for(user: Any, order_id: int) -> Order:
    order = visible_orders(user).filter(pk=order_id).first()
    if order is None:
        raise NotFound("Order not found")
    return order


def awaiting_approval(user: Any) -> QuerySet[Order]:
    """Pending orders whose next step the user may approve (never the user's own orders)."""
    steps = Approver.objects.filter(user=user).values_list("member_id", "step")
    condition = Q(pk__in=[])
    for member_id, step in steps:
        condition |= Q(member_id=member_id, steps_done=step - 1)
    return (
        visible_orders(user)
        .filter(condition, status=OrderStatus.PENDING)
        .exclude(requester=user)
        .order_by("created_at", "pk")
    )


def line_price(line: CartLine) -> Decimal | None:
    """A cart line's unit price: quoted for a placeholder, else the contract (scale) price."""
    return line.unit_price if line.article is None else unit_price(line.article, line.quantity)


def unit_price(article: Article, quantity: int) -> Decimal | None:
    """The contract price for a quantity: the scale price of the highest tier reached, else the price."""
    tiers = sorted(article.scale_prices.all(), key=lambda t: t.lower_bound)
    price = article.price
    for tier in tiers:
        if tier.lower_bound <= quantity:
            price = tier.amount
    return price


def pick_member(user: Any, member_id: int | None) -> Any:
    """The member a user orders for: the one asked for, or the only one; a clear error otherwise."""
    members = ordering_members(user)
    if member_id is not None:
        for member in members:
            if member.pk == member_id:
                return member
        raise NotFound("Member not found")
    if not members:
        raise NotFound("No member to order for")
    if len(members) > 1:
        raise DomainError(_("Sie bestellen für mehrere Mitglieder: bitte das Mitglied angeben."), field="member")
    return members[0]


def cart_of(user: Any, member: Any) -> Cart | None:
    return (
        Cart.objects.filter(user=user, member=member)
        .prefetch_related("lines__article__scale_prices", "lines__article__contract", "lines__lot__contract")
        .first()
    )


@dataclass(frozen=True)
class SavingsRow:
    member: str
    year: int
    orders: int
    total: Decimal
    savings: Decimal


def savings_by_member_year(orders: QuerySet[Order]) -> list[SavingsRow]:
    """Ordered volume and savings against list prices per member and year (orders approved or later)."""
    rows = (
        orders.filter(status__in=PLACED_STATUSES)
        .annotate(year=ExtractYear("created_at"))
        .values("member__organisation__name", "year")
        .annotate(orders=Count("pk"), total=Sum("total"), savings=Sum("savings"))
        .order_by("member__organisation__name", "year")
    )
    return [SavingsRow(r["member__organisation__name"], r["year"], r["orders"], r["total"], r["savings"]) for r in rows]


def visible_baskets(user: Any) -> QuerySet[StandardBasket]:
    qs = StandardBasket.objects.prefetch_related("lines__article__contract", "lines__article__scale_prices")
    return qs if can_manage_baskets(user) else qs.filter(is_active=True)
