"""The § 108 GWB test of an in-house award as pure rules (no Django, no database): the activity share from
turnover figures, its classification, and the list of reasons that forbid an award.

Activity share (§ 108 (1) no. 2 and (7) GWB): more than 80 % of the entity's activities must be carried out
for its controlling authorities, measured by "the average total turnover ... over the three years preceding
the award". We read that as the ratio of the averages: the average turnover with the controlling
authorities over the three business years before the award year divided by the average total turnover of
the same years (= sum over sum; a year with more turnover weighs more). The share of each single year is
shown beside it for information only.

When the three years before the award year do not all have actual figures (the entity is new or was
reorganised, § 108 (7) sentence 3 GWB), the office enters a plausible business projection instead: the
projected figures of the award year and the two following years are used the same way. Each projection
year must name its source (business plan, resolution of the supervisory board …).

Classification (exact Decimal arithmetic, no rounding before comparing):
- ``ok``       share ≥ 85 %
- ``warning``  80 % < share < 85 % (the award is possible, the office must acknowledge the warning)
- ``blocked``  share ≤ 80 % ("more than 80 %" is not met by exactly 80,00 %)
- ``missing``  figures of a required year are missing
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

LIMIT_PERCENT = Decimal(80)  # the share must be more than this
WARNING_PERCENT = Decimal(85)  # below this the office is warned
YEARS = 3


class Result(StrEnum):
    OK = "ok"
    WARNING = "warning"
    BLOCKED = "blocked"
    MISSING = "missing"


class Basis(StrEnum):
    ACTUAL = "actual"  # actual turnover of the three years before the award year
    PROJECTION = "projection"  # business projection of the award year and the two following years


class Control(StrEnum):
    SOLE = "sole"
    JOINT = "joint"


@dataclass(frozen=True)
class YearFigures:
    year: int
    controlling: Decimal  # turnover with the controlling authorities (EUR)
    total: Decimal  # total turnover (EUR)
    projection: bool = False
    note: str = ""

    @property
    def share(self) -> Decimal:
        """This year's share in percent (for information; the test uses the average)."""
        return percent(self.controlling, self.total)


@dataclass(frozen=True)
class Assessment:
    result: Result
    basis: Basis
    years: tuple[YearFigures, ...]  # the years used (or those found, when some are missing)
    required_years: tuple[int, ...]
    missing_years: tuple[int, ...] = ()
    controlling_average: Decimal | None = None
    total_average: Decimal | None = None
    share: Decimal | None = None  # percent, exact to 28 digits (display with :func:`display_percent`)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    if whole <= 0:
        raise ValueError("the total turnover must be positive")
    return Decimal(part) * 100 / Decimal(whole)


def classify(controlling: Decimal, total: Decimal) -> Result:
    """The result for a controlling turnover of a total turnover, compared exactly (no division)."""
    if total <= 0 or controlling < 0 or controlling > total:
        raise ValueError("0 ≤ controlling turnover ≤ total turnover, total > 0")
    if controlling * 100 >= WARNING_PERCENT * total:
        return Result.OK
    if controlling * 100 > LIMIT_PERCENT * total:
        return Result.WARNING
    return Result.BLOCKED


def actual_years(award_year: int) -> tuple[int, ...]:
    """The three business years before the award year."""
    return tuple(range(award_year - YEARS, award_year))


def projection_years(award_year: int) -> tuple[int, ...]:
    """The award year and the two following years (the projection when actual figures are missing)."""
    return tuple(range(award_year, award_year + YEARS))


def assess(figures: Iterable[YearFigures], award_year: int) -> Assessment:
    """The activity test for an award in ``award_year`` from the entity's figures per year."""
    actual = {f.year: f for f in figures if not f.projection}
    projected = {f.year: f for f in figures if f.projection}
    wanted = actual_years(award_year)
    if all(year in actual for year in wanted):
        return _average(tuple(actual[y] for y in wanted), Basis.ACTUAL, wanted)
    forecast = projection_years(award_year)
    if not any(year in projected for year in forecast):  # no projection entered: the actual figures are missing
        found = tuple(actual[y] for y in wanted if y in actual)
        return Assessment(Result.MISSING, Basis.ACTUAL, found, wanted, tuple(y for y in wanted if y not in actual))
    # a projection year counts only with its source named
    missing = tuple(y for y in forecast if y not in projected or not projected[y].note.strip())
    if missing:
        found = tuple(projected[y] for y in forecast if y in projected)
        return Assessment(Result.MISSING, Basis.PROJECTION, found, forecast, missing)
    return _average(tuple(projected[y] for y in forecast), Basis.PROJECTION, forecast)


def _average(years: tuple[YearFigures, ...], basis: Basis, required: tuple[int, ...]) -> Assessment:
    controlling = sum((f.controlling for f in years), Decimal(0))
    total = sum((f.total for f in years), Decimal(0))
    if total <= 0:
        return Assessment(Result.MISSING, basis, years, required, required)
    return Assessment(
        result=classify(controlling, total),
        basis=basis,
        years=years,
        required_years=required,
        controlling_average=controlling / len(years),
        total_average=total / len(years),
        share=percent(controlling, total),
    )


def display_percent(share: Decimal) -> Decimal:
    """The share for people: two decimals, cut (not rounded) so that 84.999 % never shows as 85,00 %; where
    cutting would show exactly 80,00 % for a share above 80 %, four decimals."""
    shown = share.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    if shown == LIMIT_PERCENT and share > LIMIT_PERCENT:
        shown = share.quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
    return shown


# --- the decision -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the award decision rests on."""

    control: str  # Control value, or "" when not set
    control_confirmed: bool
    controlling_members: frozenset[int]
    served_members: frozenset[int]
    private_capital_free: bool | None  # None: not assessed
    assessment: Assessment
    warning_acknowledged: bool = False


class Refusal(StrEnum):
    CONTROL_UNSET = "control_unset"
    CONTROL_NOT_CONFIRMED = "control_not_confirmed"
    JOINT_TOO_FEW = "joint_too_few"  # joint control needs at least two controlling authorities
    SERVED_NOT_CONTROLLING = "served_not_controlling"  # joint control: only the controllers may be served
    NO_MEMBERS = "no_members"
    CAPITAL_UNASSESSED = "capital_unassessed"
    PRIVATE_CAPITAL = "private_capital"
    FIGURES_MISSING = "figures_missing"
    ACTIVITY_BLOCKED = "activity_blocked"
    WARNING_NOT_ACKNOWLEDGED = "warning_not_acknowledged"


def refusals(facts: Facts) -> list[Refusal]:
    """Every reason that forbids the award (empty: it may be awarded)."""
    found: list[Refusal] = []
    if facts.control not in (Control.SOLE, Control.JOINT):
        found.append(Refusal.CONTROL_UNSET)
    elif not facts.control_confirmed:
        found.append(Refusal.CONTROL_NOT_CONFIRMED)
    if facts.control == Control.JOINT:
        if len(facts.controlling_members) < 2:
            found.append(Refusal.JOINT_TOO_FEW)
        if facts.served_members - facts.controlling_members:
            found.append(Refusal.SERVED_NOT_CONTROLLING)
    if not facts.served_members:
        found.append(Refusal.NO_MEMBERS)
    if facts.private_capital_free is None:
        found.append(Refusal.CAPITAL_UNASSESSED)
    elif not facts.private_capital_free:
        found.append(Refusal.PRIVATE_CAPITAL)
    result = facts.assessment.result
    if result == Result.MISSING:
        found.append(Refusal.FIGURES_MISSING)
    elif result == Result.BLOCKED:
        found.append(Refusal.ACTIVITY_BLOCKED)
    elif result == Result.WARNING and not facts.warning_acknowledged:
        found.append(Refusal.WARNING_NOT_ACKNOWLEDGED)
    return found
