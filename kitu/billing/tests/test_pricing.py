"""The billing rules as properties (hypothesis) and worked examples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kitu.billing.pricing import (
    FLAT,
    MONTH,
    ONE_OFF,
    PER_UNIT,
    QUARTER,
    YEAR,
    Price,
    Terms,
    Timeline,
    bill,
    fraction,
    interval_bounds,
    period_bounds,
)

D = dt.date
days_2026 = st.integers(min_value=0, max_value=364).map(lambda n: D(2026, 1, 1) + dt.timedelta(days=n))
amounts = st.integers(min_value=1, max_value=10_000_00).map(lambda c: Decimal(c) / 100)
intervals = st.sampled_from([MONTH, QUARTER, YEAR])


def terms(amount: Decimal, interval: str = MONTH, pricing: str = PER_UNIT, *more: Price) -> Terms:
    return Terms(pricing, interval, (Price(D(2020, 1, 1), amount), *more))


LONG_AGO = D(2020, 1, 1)


def whole(quantity: int = 1, starts_on: dt.date = LONG_AGO, ends_on: dt.date | None = None) -> Timeline:
    return Timeline(starts_on, ends_on, ((starts_on, quantity),))


def test_examples() -> None:
    # 12 workplaces at 15.00 per month, joined on 17 January: 15/31 of January
    (line,) = bill(terms(Decimal("15.00")), whole(12, D(2026, 1, 17)), D(2026, 1, 1), D(2026, 1, 31))
    assert (line.start, line.end, line.fraction, line.amount) == (
        D(2026, 1, 17),
        D(2026, 1, 31),
        Fraction(15, 31),
        Decimal("87.10"),
    )
    # a yearly fee billed for one month: 31/365
    (year,) = bill(terms(Decimal("3650.00"), YEAR, FLAT), whole(), D(2026, 1, 1), D(2026, 1, 31))
    assert (year.fraction, year.amount) == (Fraction(31, 365), Decimal("310.00"))
    # a quarterly price for a whole quarter is its price
    (quarter,) = bill(terms(Decimal("100.00"), QUARTER, FLAT), whole(), *period_bounds("2026-Q2"))
    assert quarter.amount == Decimal("100.00")
    # tiers: 1-10 at 20.00, from 11 at 15.00, from 51 at 12.00 for every unit
    tiered = Price(D(2020, 1, 1), Decimal("20.00"), ((11, Decimal("15.00")), (51, Decimal("12.00"))))
    lines = bill(
        Terms(PER_UNIT, MONTH, (tiered,)),
        Timeline(D(2020, 1, 1), None, ((D(2020, 1, 1), 10), (D(2026, 3, 16), 60))),
        *period_bounds("2026-03"),
    )
    assert [(x.start.day, x.end.day, x.quantity, x.unit_amount, x.amount) for x in lines] == [
        (1, 15, 10, Decimal("20.00"), Decimal("96.77")),  # 10 × 20 × 15/31
        (16, 31, 60, Decimal("12.00"), Decimal("371.61")),  # 60 × 12 × 16/31
    ]
    # a price change on 1 July inside a yearly run splits it
    change = Price(D(2026, 7, 1), Decimal("120.00"))
    split = bill(terms(Decimal("100.00"), MONTH, FLAT, change), whole(), *period_bounds("2026"))
    assert [(x.start, x.end, x.amount) for x in split] == [
        (D(2026, 1, 1), D(2026, 6, 30), Decimal("600.00")),
        (D(2026, 7, 1), D(2026, 12, 31), Decimal("720.00")),
    ]
    # one-off: once, in the period of its start
    training = terms(Decimal("450.00"), MONTH, ONE_OFF)
    assert [x.amount for x in bill(training, whole(2, D(2026, 5, 20)), *period_bounds("2026-05"))] == [
        Decimal("900.00")
    ]
    assert bill(training, whole(2, D(2026, 5, 20)), *period_bounds("2026-06")) == []
    # ended before, starts after, or quantity 0: nothing
    assert bill(terms(Decimal("10")), whole(1, D(2020, 1, 1), D(2025, 12, 31)), *period_bounds("2026-01")) == []
    assert bill(terms(Decimal("10")), whole(1, D(2026, 2, 1)), *period_bounds("2026-01")) == []
    assert bill(terms(Decimal("10")), whole(0), *period_bounds("2026-01")) == []


def test_period_labels() -> None:
    assert period_bounds("2026-02") == (D(2026, 2, 1), D(2026, 2, 28))
    assert period_bounds("2026-q4") == (D(2026, 10, 1), D(2026, 12, 31))
    assert period_bounds("2028") == (D(2028, 1, 1), D(2028, 12, 31))
    for wrong in ("2026-13", "2026-Q5", "26", "2026/01", ""):
        with pytest.raises(ValueError, match="expected YYYY-MM, YYYY-Qn or YYYY"):
            period_bounds(wrong)


@given(day=days_2026, interval=intervals)
def test_interval_bounds_contain_the_day(day: dt.date, interval: str) -> None:
    first, last = interval_bounds(day, interval)
    assert first <= day <= last and fraction(first, last, interval) == 1
    assert interval_bounds(last + dt.timedelta(days=1), interval)[0] == last + dt.timedelta(days=1)


@settings(max_examples=200)
@given(a=days_2026, b=days_2026, cut=days_2026, interval=intervals)
def test_fractions_add_up_when_a_stretch_is_split(a: dt.date, b: dt.date, cut: dt.date, interval: str) -> None:
    start, end = min(a, b), max(a, b)
    if not start < cut <= end:
        cut = start
    left = fraction(start, cut - dt.timedelta(days=1), interval) if cut > start else Fraction(0)
    assert left + fraction(cut, end, interval) == fraction(start, end, interval)


@settings(max_examples=150)
@given(
    amount=amounts,
    quantity=st.integers(1, 500),
    interval=intervals,
    start=days_2026,
    end=days_2026,
    pricing=st.sampled_from([FLAT, PER_UNIT]),
)
def test_monthly_runs_add_up_to_the_yearly_run(
    amount: Decimal, quantity: int, interval: str, start: dt.date, end: dt.date, pricing: str
) -> None:
    """Billing month by month gives exactly the yearly run's sum (before rounding), and after rounding at
    most half a cent per line apart."""
    timeline = whole(quantity, min(start, end), max(start, end))
    price_terms = terms(amount, interval, pricing)
    monthly = [
        line for month in range(1, 13) for line in bill(price_terms, timeline, *period_bounds(f"2026-{month:02d}"))
    ]
    yearly = bill(price_terms, timeline, *period_bounds("2026"))
    assert sum(x.exact for x in monthly) == sum(x.exact for x in yearly)
    difference = abs(sum(x.amount for x in monthly) - sum(x.amount for x in yearly))
    assert difference <= Decimal("0.005") * (len(monthly) + len(yearly))
    for line in monthly + yearly:  # never outside the subscription
        assert timeline.starts_on <= line.start <= line.end <= (timeline.ends_on or line.end)


@settings(max_examples=150)
@given(old=amounts, new=amounts, change=days_2026, quantity=st.integers(1, 50), interval=intervals)
def test_a_price_change_splits_the_period_and_each_part_uses_its_price(
    old: Decimal, new: Decimal, change: dt.date, quantity: int, interval: str
) -> None:
    price_terms = terms(old, interval, PER_UNIT, Price(change, new))
    lines = bill(price_terms, whole(quantity), *period_bounds("2026"))
    if change == D(2026, 1, 1):
        assert [(x.unit_amount, x.start) for x in lines] == [(new, change)]
    else:
        assert [(x.unit_amount, x.start, x.end) for x in lines] == [
            (old, D(2026, 1, 1), change - dt.timedelta(days=1)),
            (new, change, D(2026, 12, 31)),
        ]
    assert sum(x.fraction for x in lines) == {MONTH: 12, QUARTER: 4, YEAR: 1}[interval]  # the whole year, once
    for line in lines:
        assert line.amount == (Decimal(line.exact.numerator) / Decimal(line.exact.denominator)).quantize(
            Decimal("0.01"), rounding="ROUND_HALF_UP"
        )


@settings(max_examples=100)
@given(amount=amounts, quantity=st.integers(1, 500), interval=intervals, year=st.integers(2024, 2030))
def test_a_whole_year_is_the_yearly_price_exactly(amount: Decimal, quantity: int, interval: str, year: int) -> None:
    lines = bill(terms(amount, interval), whole(quantity), *period_bounds(str(year)))
    per_year = {MONTH: 12, QUARTER: 4, YEAR: 1}[interval]
    assert sum(x.amount for x in lines) == amount * quantity * per_year
