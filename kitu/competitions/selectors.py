"""Reads of mini-competitions, scoped to the acting user. Sealing: before the deadline nobody but the
supplier who wrote it reads an offer, not even how many there are; every read of offers goes through
``offers_opened`` (which refuses before the deadline) or ``own_offer``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import DateTimeField, Func, Q, QuerySet, Value
from django.utils import timezone

from kitu.accounts.policies import is_coop_admin, is_coop_staff
from kitu.accounts.selectors import role_pairs
from kitu.core.errors import NotFound
from kitu.core.money import money
from kitu.core.rows import TaskRows
from kitu.orders.models import CartLine
from kitu.orders.policies import ORDER_ROLES, order_member_org_ids, supplier_org_ids

from . import policies, scoring
from .models import Competition, CriterionScore, Offer, Status


def db_now() -> dt.datetime:
    """The one clock deadlines are measured by: the database's (PostgreSQL ``clock_timestamp()``, the
    moment of the call, not of the transaction's start). SQLite runs in this process: its clock is ours."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            value: dt.datetime = cursor.fetchone()[0]
            return value
    return timezone.now()


def db_clock() -> Any:
    """:func:`db_now` as an expression, for a query that compares with it without asking for it first."""
    if connection.vendor == "postgresql":
        return Func(function="clock_timestamp", template="clock_timestamp()", output_field=DateTimeField())
    return Value(timezone.now(), output_field=DateTimeField())


def is_sealed(competition: Competition, now: dt.datetime | None = None) -> bool:
    return (now or db_now()) < competition.deadline


def competitions_for(user: Any) -> QuerySet[Competition]:
    base = Competition.objects.select_related("member__organisation", "lot__contract")
    if is_coop_staff(user):
        return base
    members = order_member_org_ids(user)
    suppliers = supplier_org_ids(user)
    return base.filter(
        Q(member__organisation_id__in=members, is_bundle=False)
        | Q(is_bundle=True, bundle_members__member__organisation_id__in=members)
        | (Q(invitations__supplier__organisation_id__in=suppliers) & ~Q(status=Status.DRAFT))
    ).distinct()


def competition_for(user: Any, competition_id: int) -> Competition:
    competition = competitions_for(user).filter(pk=competition_id).first()
    if competition is None:
        raise NotFound("Kleinwettbewerb nicht gefunden.")
    return competition


def own_offer(user: Any, competition: Competition) -> Offer | None:
    supplier_id = policies.invited_supplier_id(user, competition)
    if supplier_id is None:
        return None
    return Offer.objects.filter(competition=competition, supplier_id=supplier_id).prefetch_related("lines").first()


def offers_opened(user: Any, competition: Competition) -> list[Offer]:
    """The offers, for the member and the office, once the deadline has passed; NotFound before."""
    if not policies.reads_as_member(user, competition):
        raise NotFound("Die Angebote sind bis zum Ablauf der Frist versiegelt.")
    with transaction.atomic():
        # Opening takes the lock every offer's write holds: an offer checked in time but not yet committed
        # is waited for, and none can be written after the deadline (services._open_for_offers).
        locked = Competition.objects.select_for_update(of=("self",)).get(pk=competition.pk)
        if is_sealed(locked):
            raise NotFound("Die Angebote sind bis zum Ablauf der Frist versiegelt.")
        return list(
            Offer.objects.filter(competition=competition, submitted_at__lt=locked.deadline)
            .select_related("supplier__organisation")
            .prefetch_related("lines__line", "scores")
        )


def offer_total(offer: Offer) -> Decimal:
    return money(sum((ol.unit_price * ol.line.quantity for ol in offer.lines.all()), Decimal("0")))


@dataclass
class Comparison:
    lines: list[Any]  # request lines
    offers: list[Offer]
    cells: dict[tuple[int, int], Decimal]  # (line id, offer id) -> line total
    prices: dict[tuple[int, int], Decimal]
    totals: dict[int, Decimal]
    ranking: list[scoring.Ranked]
    scores: dict[tuple[int, int], CriterionScore]  # (offer id, criterion id)


def comparison(user: Any, competition: Competition) -> Comparison:
    offers = offers_opened(user, competition)
    lines = list(competition.lines.all())
    cells, prices = {}, {}
    for offer in offers:
        for ol in offer.lines.all():
            prices[(ol.line_id, offer.pk)] = ol.unit_price
            cells[(ol.line_id, offer.pk)] = money(ol.unit_price * ol.line.quantity)
    totals = {o.pk: offer_total(o) for o in offers}
    scores = {(s.offer_id, s.criterion_id): s for o in offers for s in o.scores.all()}
    given: dict[int, dict[int, Decimal]] = {}
    for (offer_id, criterion_id), s in scores.items():
        given.setdefault(offer_id, {})[criterion_id] = s.points
    ranking = scoring.rank(totals, competition.price_points, given)
    return Comparison(lines, offers, cells, prices, totals, ranking, scores)


def cart_lines_of_lot(user: Any, member_id: int, lot_id: int) -> list[CartLine]:
    """The user's cart lines for the member that belong to the lot (they become the request's lines)."""
    return list(
        CartLine.objects.filter(cart__user=user, cart__member_id=member_id)
        .filter(Q(lot_id=lot_id) | Q(article__lot_id=lot_id))
        .select_related("article")
    )


def offer_tasks(user: Any) -> TaskRows:
    """For the task inbox: open requests the user's suppliers are invited to and have not answered yet."""
    orgs = supplier_org_ids(user)
    if not orgs:
        return []
    return (
        Competition.objects.filter(
            status=Status.OPEN, deadline__gt=db_clock(), invitations__supplier__organisation_id__in=orgs
        )
        .exclude(offers__supplier__organisation_id__in=orgs)
        .values("pk", "title", "deadline", "sent_at", "member__organisation__name")
        .distinct()
    )


def award_tasks(user: Any) -> TaskRows:
    """For the task inbox: requests of the members the user orders for whose deadline has passed; for the
    office (coop admin) its bundle requests."""
    orgs = {org for org, role in role_pairs(user) if role in ORDER_ROLES}
    mine = Q(member__organisation_id__in=orgs, is_bundle=False)
    if is_coop_admin(user):
        mine |= Q(is_bundle=True)
    elif not orgs:
        return []
    return (
        Competition.objects.filter(mine, status=Status.OPEN, deadline__lte=db_clock())
        .values("pk", "title", "deadline", "member__organisation__name")
        .order_by("deadline")
    )
