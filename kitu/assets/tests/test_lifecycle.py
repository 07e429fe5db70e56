"""Warranty end, replacement due date and the replacement plan per year: pure functions, exact figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kitu.assets import lifecycle
from kitu.assets.lifecycle import PlanInput


def test_add_months_clamps_to_the_month_end() -> None:
    assert lifecycle.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert lifecycle.add_months(dt.date(2027, 12, 31), 2) == dt.date(2028, 2, 29)
    assert lifecycle.add_months(dt.date(2026, 11, 21), 36) == dt.date(2029, 11, 21)


def test_warranty_article_term_before_contract_term() -> None:
    day = dt.date(2026, 3, 15)
    assert lifecycle.warranty_end(day, article_months=24, contract_months=36) == dt.date(2028, 3, 14)
    assert lifecycle.warranty_end(day, article_months=None, contract_months=36) == dt.date(2029, 3, 14)
    assert lifecycle.warranty_end(day, article_months=0, contract_months=36) == dt.date(2026, 3, 14)
    assert lifecycle.warranty_end(day, article_months=None, contract_months=None) is None


def test_replacement_by_class_and_setting(settings: object) -> None:
    assert lifecycle.replacement_due(dt.date(2022, 5, 10), "19-03-01-04") == dt.date(2026, 5, 10)  # 48 months
    assert lifecycle.replacement_due(dt.date(2022, 5, 10), "24010201") is None  # paper: no rule
    settings.KITU_ASSET_REPLACEMENT_MONTHS = {"19030104": 36}  # type: ignore[attr-defined]
    assert lifecycle.replacement_due(dt.date(2022, 5, 10), "19030104") == dt.date(2025, 5, 10)
    assert lifecycle.is_asset_class("19-03-01-04") and lifecycle.is_asset_class("24300701")
    assert not lifecycle.is_asset_class("24010201") and not lifecycle.is_asset_class("")


def test_plan_figures_exact() -> None:
    devices = [
        PlanInput("19030104", dt.date(2020, 1, 1), Decimal("800.00")),  # due 2024: overdue -> 2026
        PlanInput("19030104", dt.date(2023, 6, 30), Decimal("750.00")),  # due 30.06.2027
        PlanInput("19030104", dt.date(2023, 7, 1), None),  # due 2027, no price
        PlanInput("19020101", dt.date(2021, 2, 1), Decimal("300.00")),  # monitor 72 months: 2027
        PlanInput("19170301", dt.date(2020, 1, 1), Decimal("2000.00")),  # switch 96 months: 2028
        PlanInput("24010201", dt.date(2020, 1, 1), Decimal("5.00")),  # paper: never
        PlanInput("19030104", dt.date(2030, 1, 1), Decimal("1.00")),  # due 2034: after the plan
    ]
    plan = lifecycle.plan(devices, first_year=2026, years=3)
    assert [(y.year, y.counts, y.total, y.value) for y in plan] == [
        (2026, {"19030104": 1}, 1, Decimal("800.00")),
        (2027, {"19030104": 2, "19020101": 1}, 3, Decimal("1050.00")),
        (2028, {"19170301": 1}, 1, Decimal("2000.00")),
    ]


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(0, 240))
def test_add_months_properties(day: dt.date, months: int) -> None:
    out = lifecycle.add_months(day, months)
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == months
    assert out.day == day.day or (out.day < day.day and (out + dt.timedelta(days=1)).day == 1)
