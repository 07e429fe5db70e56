"""The billing rules, free of the database: which lines a subscription yields for a billing period.

- Recurring services have a price per interval (month, quarter or year). A period is billed pro rata by
  days: each part of it counts as its days over the days of the calendar interval it falls in (January
  as 31/31 of a monthly price, 1–15 February as 15/28; a yearly price for January as 31/365). A whole
  interval is therefore exactly its price.
- The period is cut wherever the price (a price list effective from a date) or the quantity (a change
  effective from a date) changes, and where the subscription starts or ends: one line per part.
- Per-unit prices can have tiers ("Staffelpreise"): the tier reached by the quantity prices all units.
- One-off services are billed once, in the period containing the start, at the price of that day.
- Amounts are computed exactly (fractions) and rounded half up to cents once per line.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Protocol

FLAT, PER_UNIT, ONE_OFF = "flat", "per_unit", "one_off"
MONTH, QUARTER, YEAR = "month", "quarter", "year"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Price:
    """A price list entry: ``amount`` per unit and interval (flat: per interval; one-off: per unit), and
    tiers ``(min_quantity, amount)`` that replace it from that quantity on."""

    valid_from: dt.date
    amount: Decimal
    tiers: tuple[tuple[int, Decimal], ...] = ()

    def unit_amount(self, quantity: int) -> Decimal:
        reached = [amount for minimum, amount in sorted(self.tiers) if quantity >= minimum]
        return reached[-1] if reached else self.amount


@dataclass(frozen=True)
class Terms:
    pricing: str  # FLAT, PER_UNIT or ONE_OFF
    interval: str  # MONTH, QUARTER or YEAR (recurring only)
    prices: tuple[Price, ...]

    def price_on(self, day: dt.date) -> Price | None:
        valid = [p for p in self.prices if p.valid_from <= day]
        return max(valid, key=lambda p: p.valid_from) if valid else None


@dataclass(frozen=True)
class Timeline:
    """A subscription: first and last day (None: open-ended) and its quantity from each date on."""

    starts_on: dt.date
    ends_on: dt.date | None
    quantities: tuple[tuple[dt.date, int], ...]  # (effective_from, quantity), the first on starts_on

    def quantity_on(self, day: dt.date) -> int:
        valid = [(d, q) for d, q in self.quantities if d <= day]
        return max(valid)[1] if valid else 0


@dataclass(frozen=True)
class Line:
    start: dt.date  # first day
    end: dt.date  # last day
    quantity: int
    unit_amount: Decimal  # price per unit and interval (the tier reached), or per unit for one-off
    fraction: Fraction  # intervals billed (1 = a whole interval)
    amount: Decimal  # net, rounded to cents

    @property
    def exact(self) -> Fraction:
        return Fraction(self.unit_amount) * self.quantity * self.fraction


def plain(value: Decimal) -> str:
    """A quantity, price or rate without trailing zeros: 40, 22.5, 0.123457."""
    text = f"{value.normalize():f}"
    return text if text not in ("-0", "") else "0"


def _round(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def interval_bounds(day: dt.date, interval: str) -> tuple[dt.date, dt.date]:
    """First and last day of the calendar month, quarter or year containing ``day``."""
    if interval == YEAR:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    months = 3 if interval == QUARTER else 1
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    next_month = first_month + months
    following = dt.date(day.year + (next_month > 12), (next_month - 1) % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def fraction(start: dt.date, end: dt.date, interval: str) -> Fraction:
    """Intervals covered by the days ``start``..``end``: each day counts 1/days of its interval."""
    total = Fraction(0)
    day = start
    while day <= end:
        first, last = interval_bounds(day, interval)
        upto = min(last, end)
        total += Fraction((upto - day).days + 1, (last - first).days + 1)
        day = upto + dt.timedelta(days=1)
    return total


def bill(terms: Terms, timeline: Timeline, period_start: dt.date, period_end: dt.date) -> list[Line]:
    """The lines of one subscription for the period ``period_start``..``period_end`` (inclusive)."""
    if terms.pricing == ONE_OFF:
        if not period_start <= timeline.starts_on <= period_end:
            return []
        price = terms.price_on(timeline.starts_on)
        quantity = timeline.quantity_on(timeline.starts_on)
        if price is None or quantity <= 0:
            return []
        unit = price.unit_amount(quantity)
        return [
            Line(timeline.starts_on, timeline.starts_on, quantity, unit, Fraction(1), _round(Fraction(unit) * quantity))
        ]
    first = max(period_start, timeline.starts_on)
    last = min(period_end, timeline.ends_on or period_end)
    if first > last:
        return []
    cuts = {first, last + dt.timedelta(days=1)}
    cuts |= {p.valid_from for p in terms.prices if first < p.valid_from <= last}
    cuts |= {d for d, _q in timeline.quantities if first < d <= last}
    bounds = sorted(cuts)
    lines = []
    for start, following in itertools.pairwise(bounds):
        end = following - dt.timedelta(days=1)
        price, quantity = terms.price_on(start), timeline.quantity_on(start)
        if price is None or quantity <= 0:
            continue
        unit = price.unit_amount(quantity)
        share = fraction(start, end, terms.interval)
        lines.append(Line(start, end, quantity, unit, share, _round(Fraction(unit) * quantity * share)))
    return lines


def period_bounds(label: str) -> tuple[dt.date, dt.date]:
    """``YYYY-MM``, ``YYYY-Qn`` or ``YYYY`` as first and last day; ValueError says what is wrong."""
    text = label.strip().upper()
    try:
        if len(text) == 4 and text.isdigit():
            return interval_bounds(dt.date(int(text), 1, 1), YEAR)
        year, part = text.split("-")
        if part.startswith("Q") and part[1:] in ("1", "2", "3", "4"):
            return interval_bounds(dt.date(int(year), 3 * int(part[1:]) - 2, 1), QUARTER)
        return interval_bounds(dt.date(int(year), int(part), 1), MONTH)
    except ValueError as exc:
        raise ValueError(f"period {label!r}: expected YYYY-MM, YYYY-Qn or YYYY") from exc


class Taxed(Protocol):
    @property
    def vat_rate(self) -> Decimal: ...

    @property
    def net_amount(self) -> Decimal: ...


def totals(lines: Iterable[Taxed]) -> tuple[Decimal, Decimal, dict[Decimal, tuple[Decimal, Decimal]]]:
    """Net total, VAT total and per VAT rate (taxable amount, tax rounded once per rate, EN 16931 BR-CO-17)."""
    per_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        per_rate[line.vat_rate] += line.net_amount
    breakdown = {
        rate: (net, (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)) for rate, net in sorted(per_rate.items())
    }
    return sum(per_rate.values(), Decimal("0.00")), sum((v for _n, v in breakdown.values()), Decimal("0.00")), breakdown
