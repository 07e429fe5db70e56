"""The § 108 GWB rules (pure): the activity share, its boundaries (exactly 80 % is blocked), the years used,
projections, and every refusal of the decision."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitu.contracts import inhouse_rules as rules
from kitu.contracts.inhouse_rules import Basis, Facts, Refusal, Result, YearFigures


@pytest.mark.parametrize(
    ("controlling", "total", "result"),
    [
        ("80", "100", Result.BLOCKED),  # exactly 80,00 %: "more than 80 %" is not met
        ("80000000.00", "100000000.00", Result.BLOCKED),
        ("79.99", "100", Result.BLOCKED),
        ("0", "100", Result.BLOCKED),
        ("8001", "10000", Result.WARNING),  # 80,01 %
        ("80000000.01", "100000000.00", Result.WARNING),  # 80,00000001 %: more than 80
        ("8499", "10000", Result.WARNING),  # 84,99 %
        ("84999999.99", "100000000.00", Result.WARNING),
        ("85", "100", Result.OK),  # exactly 85 %: no warning
        ("8501", "10000", Result.OK),
        ("100", "100", Result.OK),
    ],
)
def test_classify_exact_boundaries(controlling: str, total: str, result: Result) -> None:
    assert rules.classify(Decimal(controlling), Decimal(total)) == result


@pytest.mark.parametrize(("controlling", "total"), [("-1", "100"), ("101", "100"), ("0", "0"), ("1", "-5")])
def test_classify_refuses_impossible_figures(controlling: str, total: str) -> None:
    with pytest.raises(ValueError):
        rules.classify(Decimal(controlling), Decimal(total))


cents = st.integers(min_value=1, max_value=10**12).map(lambda n: Decimal(n) / 100)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(total=cents, millionths=st.integers(min_value=0, max_value=10**6))
def test_classify_agrees_with_exact_fractions(total: Decimal, millionths: int) -> None:
    controlling = min((total * millionths / 10**6).quantize(Decimal("0.01")), total)
    share = Fraction(controlling) / Fraction(total)
    expected = Result.BLOCKED
    if share > Fraction(80, 100):
        expected = Result.OK if share >= Fraction(85, 100) else Result.WARNING
    assert rules.classify(controlling, total) == expected


@settings(deadline=None)
@given(total=cents)
def test_exactly_80_and_85_percent_of_any_total(total: Decimal) -> None:
    total = total * 100  # whole cents for 80 % and 85 %
    assert rules.classify(total * Decimal("0.80"), total) == Result.BLOCKED
    assert rules.classify(total * Decimal("0.80") + Decimal("0.01"), total) == Result.WARNING
    assert rules.classify(total * Decimal("0.85") - Decimal("0.01"), total) == Result.WARNING
    assert rules.classify(total * Decimal("0.85"), total) == Result.OK


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    years=st.lists(
        st.tuples(st.integers(min_value=1, max_value=10**10), st.integers(min_value=0, max_value=10**4)),
        min_size=3,
        max_size=3,
    )
)
def test_share_is_the_ratio_of_the_three_year_averages(years: list[tuple[int, int]]) -> None:
    figures = [
        YearFigures(2023 + i, Decimal(total) * share / 10**4, Decimal(total)) for i, (total, share) in enumerate(years)
    ]
    a = rules.assess(figures, 2026)
    controlling = sum(Fraction(f.controlling) for f in figures)
    total = sum(Fraction(f.total) for f in figures)
    assert a.basis == Basis.ACTUAL and a.required_years == (2023, 2024, 2025)
    assert abs(Fraction(a.share) - controlling * 100 / total) < Fraction(1, 10**20)
    assert a.result == rules.classify(sum(f.controlling for f in figures), sum(f.total for f in figures))


def y(year: int, controlling: str, total: str, projection: bool = False, note: str = "") -> YearFigures:
    return YearFigures(year, Decimal(controlling), Decimal(total), projection, note)


def test_the_three_years_before_the_award_year_count_not_older_or_newer_ones() -> None:
    figures = [
        y(2021, "0", "100"),  # too old: ignored
        y(2023, "9000000", "10000000"),
        y(2024, "8000000", "10000000"),
        y(2025, "7000000", "10000000"),
        y(2026, "0", "1000", projection=True, note="Plan"),  # actual figures exist: projections are not used
    ]
    a = rules.assess(figures, 2026)
    assert (a.result, a.basis, [f.year for f in a.years]) == (Result.BLOCKED, Basis.ACTUAL, [2023, 2024, 2025])
    assert (a.share, a.controlling_average, a.total_average) == (Decimal(80), Decimal(8000000), Decimal(10000000))


def test_weighted_average_differs_from_the_average_of_the_shares() -> None:
    # a small year with 100 % and two big years with 70 %: the yearly shares average 80 %, the turnover 70,14 %
    a = rules.assess([y(2023, "100", "100"), y(2024, "7000", "10000"), y(2025, "7000", "10000")], 2026)
    assert rules.display_percent(a.share) == Decimal("70.14")
    assert a.result == Result.BLOCKED
    b = rules.assess([y(2023, "900", "1000"), y(2024, "900", "1000"), y(2025, "8200", "10000")], 2026)
    assert (rules.display_percent(b.share), b.result) == (Decimal("83.33"), Result.WARNING)


def test_missing_actual_years_are_named() -> None:
    a = rules.assess([y(2023, "90", "100"), y(2025, "90", "100")], 2026)
    assert (a.result, a.basis, a.missing_years) == (Result.MISSING, Basis.ACTUAL, (2024,))
    assert rules.assess([], 2026).missing_years == (2023, 2024, 2025)


def test_a_projection_of_the_award_year_and_the_next_two_replaces_missing_actual_figures() -> None:
    plan = [
        y(2025, "50", "100"),  # the first half year after the founding: not meaningful
        y(2026, "900", "1000", projection=True, note="Wirtschaftsplan 2026"),
        y(2027, "950", "1000", projection=True, note="Wirtschaftsplan 2026"),
        y(2028, "950", "1000", projection=True, note="Wirtschaftsplan 2026"),
    ]
    a = rules.assess(plan, 2026)
    assert (a.result, a.basis, [f.year for f in a.years]) == (Result.OK, Basis.PROJECTION, [2026, 2027, 2028])
    assert rules.display_percent(a.share) == Decimal("93.33")
    without_source = [*plan[:3], y(2028, "950", "1000", projection=True)]
    b = rules.assess(without_source, 2026)
    assert (b.result, b.basis, b.missing_years) == (Result.MISSING, Basis.PROJECTION, (2028,))
    c = rules.assess(plan[:3], 2026)
    assert (c.result, c.missing_years) == (Result.MISSING, (2028,))


def test_display_never_rounds_across_a_boundary() -> None:
    assert rules.display_percent(Decimal("84.999")) == Decimal("84.99")
    assert rules.display_percent(Decimal("80.0001")) == Decimal("80.0001")
    assert rules.display_percent(Decimal("80")) == Decimal("80.00")
    assert rules.display_percent(Decimal("91.6666666")) == Decimal("91.66")


def facts(**changes: object) -> Facts:
    base: dict[str, object] = {
        "control": "sole",
        "control_confirmed": True,
        "controlling_members": frozenset(),
        "served_members": frozenset({1, 2}),
        "private_capital_free": True,
        "assessment": rules.assess([y(2023, "90", "100"), y(2024, "90", "100"), y(2025, "90", "100")], 2026),
        "warning_acknowledged": False,
    }
    base.update(changes)
    return Facts(**base)  # type: ignore[arg-type]


WARNING = rules.assess([y(2023, "82", "100"), y(2024, "82", "100"), y(2025, "82", "100")], 2026)
BLOCKED = rules.assess([y(2023, "80", "100"), y(2024, "80", "100"), y(2025, "80", "100")], 2026)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"control": ""}, [Refusal.CONTROL_UNSET]),
        ({"control_confirmed": False}, [Refusal.CONTROL_NOT_CONFIRMED]),
        ({"served_members": frozenset()}, [Refusal.NO_MEMBERS]),
        ({"private_capital_free": None}, [Refusal.CAPITAL_UNASSESSED]),
        ({"private_capital_free": False}, [Refusal.PRIVATE_CAPITAL]),
        ({"assessment": rules.assess([], 2026)}, [Refusal.FIGURES_MISSING]),
        ({"assessment": BLOCKED}, [Refusal.ACTIVITY_BLOCKED]),
        ({"assessment": BLOCKED, "warning_acknowledged": True}, [Refusal.ACTIVITY_BLOCKED]),
        ({"assessment": WARNING}, [Refusal.WARNING_NOT_ACKNOWLEDGED]),
        ({"assessment": WARNING, "warning_acknowledged": True}, []),
        ({"control": "joint", "controlling_members": frozenset({1, 2, 3})}, []),
        (
            {"control": "joint", "controlling_members": frozenset({1})},
            [Refusal.JOINT_TOO_FEW, Refusal.SERVED_NOT_CONTROLLING],
        ),
        ({"control": "joint", "controlling_members": frozenset({1, 3})}, [Refusal.SERVED_NOT_CONTROLLING]),
        (
            {"control_confirmed": False, "private_capital_free": False, "assessment": BLOCKED},
            [Refusal.CONTROL_NOT_CONFIRMED, Refusal.PRIVATE_CAPITAL, Refusal.ACTIVITY_BLOCKED],
        ),
    ],
)
def test_refusals(changes: dict[str, object], expected: list[Refusal]) -> None:
    assert rules.refusals(facts(**changes)) == expected
