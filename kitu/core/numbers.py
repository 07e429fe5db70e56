"""German number notation for people: "33.130", "1.234,5", "0,1". Always German (de-DE), like the money
format, because invoices and registers are German documents whatever the interface language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def _decimal(value: Decimal | int | float | str) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def format_number(value: Decimal | int | float | str, places: int | None = None) -> str:
    """``value`` with thousands separators and a decimal comma. ``places`` fixes the decimals (rounded half
    up); without it trailing zeros are dropped ("1,5", "3", "0,125"). Anything that is no finite number is
    returned as it came."""
    try:
        number = _decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # no "-0,00"
    text = f"{number:,f}"
    if places is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def format_seconds(seconds: float) -> str:
    """A duration people do not need exact: "0,1 s", "2,3 s", "< 0,1 s" below a twentieth of a second."""
    if seconds < 0.05:
        return "< 0,1 s"
    return f"{format_number(Decimal(repr(seconds)), 1)} s"
