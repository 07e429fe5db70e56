"""Money is Decimal in EUR with two places, rounded half up as in commercial practice."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_eur(value: Decimal) -> str:
    """German notation: 12.345,67 €."""
    text = f"{money(value):,.2f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".") + "\u00a0€"
