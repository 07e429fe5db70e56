"""Money is Decimal in EUR with two places, rounded half up as in commercial practice."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from kitu.core.numbers import format_number

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_eur(value: Decimal) -> str:
    """German notation: 12.345,67 €."""
    return format_number(money(value), 2) + "\u00a0€"
