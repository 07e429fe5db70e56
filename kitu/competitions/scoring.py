"""Scoring of the offers of a mini-competition (documented in docs/competitions.md).

Price: the offer with the lowest total gets all price points P; every other offer gets
P × lowest total ÷ its total (proportional), rounded to two decimals. Other criteria: the points the
member gave (0 to the criterion's points). An offer's score is the sum; the highest score wins, equal
scores are ranked by the lower total."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")


def price_points(total: Decimal, lowest: Decimal, points: int) -> Decimal:
    """P × lowest ÷ total; a total of 0 (given away) is the lowest and gets all points."""
    if total <= ZERO:
        return Decimal(points).quantize(CENT)
    return (Decimal(points) * lowest / total).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Ranked:
    key: int  # the offer's id
    total: Decimal
    price_score: Decimal = ZERO
    criteria: dict[int, Decimal] = field(default_factory=dict)  # criterion id -> points given

    @property
    def score(self) -> Decimal:
        return self.price_score + sum(self.criteria.values(), ZERO)


def rank(totals: dict[int, Decimal], points: int, criteria: dict[int, dict[int, Decimal]]) -> list[Ranked]:
    """Offers (id -> total) ranked best first; ``criteria``: offer id -> {criterion id: points}."""
    if not totals:
        return []
    lowest = min(totals.values())
    ranked = [
        Ranked(key=k, total=t, price_score=price_points(t, lowest, points), criteria=dict(criteria.get(k, {})))
        for k, t in totals.items()
    ]
    return sorted(ranked, key=lambda r: (-r.score, r.total, r.key))
