"""Usage sources: upper apps that bill what was used in a period (e.g. the service desk's recorded time)
register here in their ``AppConfig.ready()``; a billing run asks each for its lines (:func:`collect`) and
tells it which invoice line took them, in the run's transaction, so nothing is billed twice. Billing imports
none of those apps.

A usage line is priced by the member's subscription it names (its service's price on the day, per unit):
quantity × price, rounded half up to cents, on the member's invoice of the run (Leitweg-ID of the
subscription, else the member's default)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from .models import Price, Subscription

CENT = Decimal("0.01")


@dataclass(frozen=True)
class UsageLine:
    subscription_id: int  # the member's subscription of a per-unit service (e.g. support per hour)
    day: dt.date  # priced at the service's price of this day; within the run's period
    quantity: Decimal  # in the service's unit, e.g. hours (4 decimals)
    description: str
    reference: str  # the source's key of what this line bills, handed back to ``billed``


class UsageSource(Protocol):
    def lines(self, start: dt.date, end: dt.date) -> list[UsageLine]:
        """Unbilled usage up to ``end`` (rows locked until the run's commit)."""
        ...

    def billed(self, reference: str, invoice_line_id: int) -> None:
        """The usage of ``reference`` is on that invoice line now."""
        ...


SOURCES: list[UsageSource] = []


def register(source: UsageSource) -> None:
    if not any(type(s) is type(source) for s in SOURCES):
        SOURCES.append(source)


def amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Priced:
    """A usage line priced on its subscription, to be put on the member's invoice of the run."""

    source: UsageSource
    item: UsageLine
    subscription: Subscription
    unit_price: Decimal


def collect(*, start: dt.date, end: dt.date) -> list[Priced]:
    """Every source's unbilled usage up to ``end``, priced (lines without a price on their day are left out).
    A few queries per source, whatever the number of lines: the subscriptions with their services and members
    (and the members' Leitweg-IDs), and the services' prices."""
    out: list[Priced] = []
    for source in SOURCES:
        items = source.lines(start, end)
        if not items:
            continue
        subscriptions = (
            Subscription.objects.select_related("service", "member__organisation")
            .prefetch_related("member__leitweg_ids")
            .in_bulk({item.subscription_id for item in items})
        )
        prices: dict[int, list[Price]] = {}
        for price in Price.objects.filter(service__in={s.service_id for s in subscriptions.values()}):
            prices.setdefault(price.service_id, []).append(price)
        for item in items:
            subscription = subscriptions[item.subscription_id]
            valid = [p for p in prices.get(subscription.service_id, []) if p.valid_from <= item.day]
            if valid:
                out.append(Priced(source, item, subscription, max(valid, key=lambda p: p.valid_from).amount))
    return out
