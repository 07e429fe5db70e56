"""Range checks: whether each number of a product fits its database column (PostgreSQL refuses what does
not; SQLite would store it). They run for a dozen numbers of every article, so the common answers are
found without arithmetic and without building a message."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import bmecat
from ..models import Article, ScalePrice


class Column(NamedTuple):
    """A DecimalField's size: ``max_digits`` in all, ``places`` of them after the point."""

    max_digits: int
    places: int

    @property
    def whole(self) -> int:
        return self.max_digits - self.places


_FITS: set[tuple[int, int, Decimal]] = set()  # (max_digits, places, value) known to fit; numbers repeat
FITS_REMEMBERED = 4096


def _column(model: type[Article] | type[ScalePrice], name: str) -> Column:
    field = model._meta.get_field(name)
    return Column(field.max_digits, field.decimal_places)  # type: ignore[union-attr]


@cache
def columns() -> dict[str, Column]:
    """The columns the numbers of a product go to (read from the models once)."""
    names = ("content_per_unit", "price_quantity", "quantity_min", "quantity_interval", "price", "tax_rate")
    found = {name: _column(Article, name) for name in names}
    found["lower_bound"] = _column(ScalePrice, "lower_bound")
    return found


def column_problem(value: Decimal, column: Column, *, rounds: bool = False) -> str | None:
    """Why ``value`` does not fit ``column``, or None. ``rounds``: the importer rounds the value to the
    column's places (prices to cents), so only its size counts; other numbers must not have more places
    than the column keeps."""
    if value.is_finite():
        if rounds:
            if value.adjusted() < column.whole - 1:  # well below the limit: rounding cannot carry it over
                return None
        else:
            # whether a number fits depends on its value alone (1.000 fits where 1 fits): quantities, tax
            # rates and bounds repeat from article to article, so most are answered from the set
            key = (column.max_digits, column.places, value)
            if key in _FITS:
                return None
            problem = _checked(value, column, rounds=False)
            if problem is None and len(_FITS) < FITS_REMEMBERED:
                _FITS.add(key)
            return problem
    return _checked(value, column, rounds=rounds)


def _checked(value: Decimal, column: Column, *, rounds: bool) -> str | None:
    whole = column.whole
    # the common case, decided without arithmetic: well below the limit and with no more places than kept
    if value.is_finite() and value.adjusted() < whole - 1:
        exponent = value.as_tuple().exponent
        if rounds or (isinstance(exponent, int) and exponent >= -column.places):
            return None
    limit = Decimal(10) ** whole

    def too_large() -> str:  # the message only when needed
        return ngettext(
            "%(value)s ist zu groß (höchstens %(digits)d Stelle vor dem Komma)",
            "%(value)s ist zu groß (höchstens %(digits)d Stellen vor dem Komma)",
            whole,
        ) % {"value": value, "digits": whole}

    if value.copy_abs() >= limit:  # first: abs() and quantize() fail beyond the decimal context (1E+999999999)
        return too_large()
    rounded = value.quantize(Decimal(1).scaleb(-column.places), rounding=ROUND_HALF_UP)
    if rounded.copy_abs() >= limit:
        return too_large()
    if rounded != value and not rounds:
        return _("%(value)s hat mehr als %(places)d Nachkommastellen") % {"value": value, "places": column.places}
    return None


ORDER_NUMBERS = (
    ("content_per_unit", "NO_CU_PER_OU"),
    ("price_quantity", "PRICE_QUANTITY"),
    ("quantity_min", "QUANTITY_MIN"),
    ("quantity_interval", "QUANTITY_INTERVAL"),
)
_ORDER_FIT: set[tuple[Decimal, Decimal, Decimal, Decimal]] = set()  # the four order numbers known to fit


def column_problems(product: bmecat.Product) -> list[str]:
    """What of ``product`` the database columns cannot hold."""
    problems = []
    known = columns()
    order = (product.content_per_unit, product.price_quantity, product.quantity_min, product.quantity_interval)
    if order not in _ORDER_FIT:  # most articles of a catalog share the same four (often 1, 1, 1, 1)
        for (attr, tag), value in zip(ORDER_NUMBERS, order, strict=True):
            if problem := column_problem(value, known[attr]):
                problems.append(f"{tag}: {problem}")
        if not problems and len(_ORDER_FIT) < FITS_REMEMBERED:
            _ORDER_FIT.add(order)
    price_column, tax_column, bound_column = known["price"], known["tax_rate"], known["lower_bound"]
    for price in product.prices:
        if price.amount is not None and (problem := column_problem(price.amount, price_column, rounds=True)):
            problems.append(f"PRICE_AMOUNT ({price.price_type}): {problem}")
        if price.tax is not None and (problem := column_problem(price.tax, tax_column)):
            problems.append(f"TAX: {problem}")
        if problem := column_problem(price.lower_bound, bound_column):
            problems.append(f"LOWER_BOUND: {problem}")
    if product.images:
        longest = Article._meta.get_field("image_source").max_length or 0
        if len(product.images[0]) > longest:
            problems.append(
                _("MIME_SOURCE ist länger als %(max)d Zeichen (%(length)d)")
                % {"max": longest, "length": len(product.images[0])}
            )
    return problems
