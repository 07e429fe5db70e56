from decimal import Decimal

import pytest

from kitu.catalog.generate import KINDS
from kitu.core import eclass, status
from kitu.core.money import format_eur
from kitu.core.numbers import format_number, format_seconds


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (33130, None, "33.130"),
        (1234567, None, "1.234.567"),
        (Decimal("1234.50"), 2, "1.234,50"),
        (Decimal("1234.50"), None, "1.234,5"),
        (Decimal("140.0000"), None, "140"),
        (Decimal("0.125"), 2, "0,13"),  # half up
        (Decimal("-0.001"), 2, "0,00"),  # no minus zero
        (-12500, None, "-12.500"),
        (0.147098, 1, "0,1"),
        (999, None, "999"),
        ("kein Wert", None, "kein Wert"),
        (float("nan"), None, "nan"),
    ],
)
def test_german_numbers(value: object, places: int | None, text: str) -> None:
    assert format_number(value, places) == text  # type: ignore[arg-type]


def test_money_uses_the_same_notation() -> None:
    assert format_eur(Decimal("1234.5")) == "1.234,50\u00a0€"
    assert format_eur(Decimal("-0.004")) == "0,00\u00a0€"
    assert format_eur(Decimal("1000000")) == "1.000.000,00\u00a0€"


def test_seconds_rounded_for_people() -> None:
    assert format_seconds(0.147098) == "0,1 s"
    assert format_seconds(2.36) == "2,4 s"
    assert format_seconds(0.004) == "< 0,1 s"


def test_eclass_names_and_notation() -> None:
    assert eclass.label("19030104") == "Notebook (ECLASS 19-03-01-04)"
    assert eclass.label("19-03-01-04") == "Notebook (ECLASS 19-03-01-04)"
    assert eclass.label("99999999") == "ECLASS 99-99-99-99"
    assert eclass.label("AB12") == "ECLASS AB12"
    assert eclass.label("") == ""


def test_every_demo_class_has_a_name() -> None:
    for kind in KINDS:
        assert eclass.name(kind[1]), kind


def test_status_words_and_tones() -> None:
    assert status.status_of("order", "pending") == ("wartet auf Freigabe", "warning")
    assert status.status_of("invoice", "overdue") == ("überfällig", "danger")
    assert status.status_of("member", "active") == ("Mitglied", "success")
    assert status.status_of("order", "nonsense") == ("nonsense", "")
    assert status.badge_class("danger") == "kern-badge kern-badge--danger"
    assert status.badge_class("") == "kern-badge"
