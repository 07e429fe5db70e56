"""Reads of carts and orders, scoped to the acting user."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kitu.catalog.models import Article
from kitu.core.errors import DomainError, NotFound

from .models import Approver, Cart, Order, OrderStatus
from .policies import can_see_all_orders, order_member_org_ids, ordering_members


def visible_orders(user: Any) -> QuerySet[Order]:
    qs = Order.objects.select_related("member__organisation", "contract", "supplier__organisation", "requester")
    if can_see_all_orders(user):
        return qs
    return qs.filter(member__organisation_id__in=order_member_org_ids(user))


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
        .prefetch_related("lines__article__scale_prices", "lines__article__contract")
        .first()
    )
