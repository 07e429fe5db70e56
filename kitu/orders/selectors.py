"""Reads of carts and orders, scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Concat, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs
from kitu.catalog.models import Article, ScalePrice
from kitu.core.errors import DomainError, NotFound
from kitu.core.prepared import Prepared, set_prefetched
from kitu.core.rows import Joined, joined_pairs

from .fulfilment import CONFIRMABLE, SHIPPABLE
from .models import (
    PLACED_STATUSES,
    Approver,
    Cart,
    CartLine,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Shipment,
    StandardBasket,
)
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


CART_LINES_ATTR = "kitu_cart_lines"  # set on a cart by services.cart_add: its lines as read under its lock


def scale_prices() -> Prefetch[str]:
    """An article's scale prices by lower bound (as the model orders them within an article, without
    the model's join to the article for its order)."""
    return Prefetch("scale_prices", queryset=ScalePrice.objects.order_by("article_id", "lower_bound"))


def _lines_prefetch() -> Prefetch[str]:
    lines = CartLine.objects.select_related("article__contract", "lot__contract").prefetch_related(
        Prefetch("article__scale_prices", queryset=scale_prices().queryset)
    )
    return Prefetch("lines", queryset=lines)


def cart_of(user: Any, member: Any) -> Cart | None:
    """The user's cart for the member with its lines, their articles, contracts and scale prices (3 queries)."""
    return Cart.objects.filter(user=user, member=member).prefetch_related(_lines_prefetch()).first()


def lines_with_prices(cart: Cart) -> list[CartLine]:
    """The lines of a cart just written to, as :func:`cart_of` reads them: those services.cart_add read under
    the cart's lock (then only the scale prices are read: 1 query), else read now (2 queries)."""
    lines: list[CartLine] | None = getattr(cart, CART_LINES_ATTR, None)
    if lines is None:
        prefetch_related_objects([cart], _lines_prefetch())
        return list(cart.lines.all())
    prefetch_scale_prices([ln.article for ln in lines if ln.article is not None])
    return lines


# scale prices of articles, in the order of scale_prices() (compiled once per number of articles)
_SCALE_PRICES: Prepared[ScalePrice] = Prepared(
    lambda article_ids: ScalePrice.objects.filter(article_id__in=article_ids).order_by("article_id", "lower_bound")
)


SCALE_PRICES_ATTR = "kitu_scale_prices"  # an annotation of scale_prices_text(): the tiers read with their row
_BOUND_PLACES = Decimal(1).scaleb(-ScalePrice._meta.get_field("lower_bound").decimal_places)
_AMOUNT_PLACES = Decimal(1).scaleb(-ScalePrice._meta.get_field("amount").decimal_places)


def scale_prices_text(article: str = "pk") -> Subquery:
    """An article's scale prices as one text ``lower_bound:amount,…`` (NULL: none), read with the article
    or a line (``article``: the outer column with the article's id) instead of by a statement of their own;
    :func:`attach_scale_prices` turns it into the article's prefetched tiers."""
    tiers = ScalePrice.objects.filter(article_id=OuterRef(article)).order_by().values("article_id")
    pair = Concat("lower_bound", Value(":"), "amount", output_field=TextField())
    return Subquery(tiers.annotate(text=Joined(pair)).values("text"))


def attach_scale_prices(article: Article, text: str | None) -> None:
    """Set the tiers of :func:`scale_prices_text` on the article as ``prefetch_related`` would (by lower bound;
    SQLite gives 750 for 750.00: the field's places are restored)."""
    tiers = [
        ScalePrice(
            article_id=article.pk,
            lower_bound=Decimal(bound).quantize(_BOUND_PLACES),
            amount=Decimal(amount).quantize(_AMOUNT_PLACES),
        )
        for bound, amount in joined_pairs(text)
    ]
    set_prefetched(article, "scale_prices", sorted(tiers, key=lambda t: t.lower_bound))


def prefetch_scale_prices(articles: list[Article]) -> None:
    """``prefetch_related_objects(articles, scale_prices())`` with a statement compiled once (the order path),
    for the articles whose tiers were not read with them (:func:`attach_scale_prices`)."""
    articles = [a for a in articles if "scale_prices" not in getattr(a, "_prefetched_objects_cache", {})]
    by_article: dict[int, list[ScalePrice]] = {a.pk: [] for a in articles}
    for tier in _SCALE_PRICES(sorted(by_article)):
        by_article[tier.article_id].append(tier)
    for article in articles:
        set_prefetched(article, "scale_prices", list(by_article[article.pk]))


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


# --- the task inbox (kitu.tasks reads these; one query each, facts only) ---------------------------------


def approval_tasks(user: Any) -> list[Any]:
    """Pending orders whose next step ``user`` may approve (as approver or substitute of that step), never
    the user's own and none whose earlier step the user approved; ``since`` is when the order reached the
    step (its last approval, else its submission)."""
    if not getattr(user, "is_authenticated", False):
        return []
    my_step = Approver.objects.filter(user=user, member_id=OuterRef("member_id"), step=OuterRef("steps_done") + 1)
    approved = OrderEvent.objects.filter(order_id=OuterRef("pk"), status=OrderStatus.APPROVED)
    return list(
        Order.objects.filter(status=OrderStatus.PENDING, member__organisation_id__in=order_member_org_ids(user))
        .filter(Exists(my_step))
        .exclude(requester=user)
        .exclude(Exists(approved.filter(actor=user)))
        .annotate(since=Coalesce(Subquery(approved.order_by("-at").values("at")[:1]), "created_at"))
        .values("pk", "number", "total", "since", "steps_done", "member__organisation__name", "requester__full_name")
    )


def _own_or_member_orders(user: Any, path: str = "") -> Q:
    """Orders a requester placed, and all orders of the members the user administers."""
    pairs = role_pairs(user)
    requester_orgs = {org for org, role in pairs if role == Role.REQUESTER}
    admin_orgs = {org for org, role in pairs if role == Role.MEMBER_ADMIN}
    return Q(**{f"{path}member__organisation_id__in": admin_orgs}) | Q(
        **{f"{path}member__organisation_id__in": requester_orgs, f"{path}requester": user}
    )


def receipt_tasks(user: Any) -> list[Any]:
    """Shipments whose goods receipt is not booked: of the user's own orders, or (member admin) of the member."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Shipment.objects.filter(_own_or_member_orders(user, "order__"), received_on__isnull=True)
        .exclude(order__status=OrderStatus.CANCELLED)
        .values(
            "pk",
            "number",
            "shipped_on",
            "delivery_note",
            "order_id",
            "order__number",
            "order__supplier__organisation__name",
        )
    )


REJECTED_TASK_DAYS = 30


def rejected_tasks(user: Any, now: dt.datetime | None = None) -> list[Any]:
    """Orders rejected in the last REJECTED_TASK_DAYS days (by an approver, or by the supplier for every line)
    that were not submitted again: no later order of the same requester from the same contract."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    rejected_at = OrderEvent.objects.filter(order_id=OuterRef("pk"), status=OrderStatus.REJECTED).order_by("-at")
    later = Order.objects.filter(
        requester_id=OuterRef("requester_id"),
        member_id=OuterRef("member_id"),
        contract_id=OuterRef("contract_id"),
        created_at__gt=OuterRef("since"),
    )
    return list(
        Order.objects.filter(_own_or_member_orders(user), status=OrderStatus.REJECTED)
        .annotate(since=Subquery(rejected_at.values("at")[:1]), reason=Subquery(rejected_at.values("note")[:1]))
        .filter(since__gte=now - dt.timedelta(days=REJECTED_TASK_DAYS))
        .exclude(Exists(later))
        .values("pk", "number", "since", "reason", "contract__number")
    )


def supplier_confirm_tasks(user: Any) -> list[Any]:
    """Orders approved (and sent) to the user's supplier that it has not confirmed yet."""
    return list(
        Order.objects.filter(supplier__organisation_id__in=supplier_org_ids(user), status__in=CONFIRMABLE)
        .annotate(since=Coalesce("approved_at", "created_at"))
        .values("pk", "number", "since", "member__organisation__name")
    )


def supplier_ship_tasks(user: Any) -> list[Any]:
    """Confirmed orders of the user's supplier with something left to ship."""
    return list(
        Order.objects.filter(supplier__organisation_id__in=supplier_org_ids(user), status__in=SHIPPABLE)
        .filter(
            Exists(
                OrderLine.objects.filter(
                    order_id=OuterRef("pk"), rejected_reason="", shipped_quantity__lt=F("quantity")
                )
            )
        )
        .annotate(since=Coalesce("confirmed_at", "approved_at", "created_at"))
        .values("pk", "number", "since", "delivery_date", "member__organisation__name")
    )
