"""The content hash an import compares articles by: it must not change between releases (a changed digest
would rewrite every article of every catalog at its next import)."""

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

import pytest

from kitu.catalog.importer.values import ARTICLE_FIELDS, content_hash


def _defined(values: dict[str, Any], tiers: list[tuple[Decimal, Decimal]]) -> str:
    """The digest as defined (and stored since the importer has one)."""
    return hashlib.md5(repr((sorted(values.items()), tiers)).encode(), usedforsecurity=False).hexdigest()


@pytest.mark.parametrize(
    ("odd", "tiers"),
    [
        ("", []),
        ("Zoll \" ' \\ \n\t – ä €", [(Decimal("10"), Decimal("1200.00"))]),
        ("'", [(Decimal("1"), Decimal("0.01")), (Decimal("50.5"), Decimal("9E+2"))]),
    ],
)
def test_the_content_hash_is_the_md5_of_the_sorted_values_and_tiers(
    odd: str, tiers: list[tuple[Decimal, Decimal]]
) -> None:
    values: dict[str, Any] = dict.fromkeys(ARTICLE_FIELDS, odd)
    values.update(
        price=Decimal("1234.560"),
        list_price=None,
        tax_rate=Decimal("0.19"),
        quantity_min=Decimal("1"),
        price_on_request=False,
        valid_from=dt.date(2026, 1, 31),
        valid_until=None,
    )
    assert content_hash(values, tiers) == _defined(values, tiers)
    assert content_hash(values, tiers) == content_hash(dict(reversed(values.items())), tiers)
    assert content_hash({**values, "price": Decimal("1234.56")}, tiers) != content_hash(values, tiers)
