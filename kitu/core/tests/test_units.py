from decimal import Decimal

import pytest

from kitu.core import units

# code: (one, many) — every code the brief and the platform use
EXPECTED = {
    "C62": ("Stück", "Stück"),
    "H87": ("Stück", "Stück"),
    "PCE": ("Stück", "Stück"),
    "EA": ("Stück", "Stück"),
    "DAY": ("Tag", "Tage"),
    "MON": ("Monat", "Monate"),
    "HUR": ("Stunde", "Stunden"),
    "ANN": ("Jahr", "Jahre"),
    "WEE": ("Woche", "Wochen"),
    "MIN": ("Minute", "Minuten"),
    "SEC": ("Sekunde", "Sekunden"),
    "QAN": ("Quartal", "Quartale"),
    "E49": ("Arbeitstag", "Arbeitstage"),
    "MTR": ("Meter", "Meter"),
    "KGM": ("Kilogramm", "Kilogramm"),
    "LTR": ("Liter", "Liter"),
    "SET": ("Satz", "Sätze"),
    "PR": ("Paar", "Paare"),
    "PK": ("Packung", "Packungen"),
    "E48": ("Leistungseinheit", "Leistungseinheiten"),
    "KWH": ("Kilowattstunde", "Kilowattstunden"),
    "E34": ("Gigabyte", "Gigabyte"),
    "GB": ("Gigabyte", "Gigabyte"),
    "E35": ("Terabyte", "Terabyte"),
    "LS": ("Pauschale", "Pauschalen"),
    "IE": ("Einwohner", "Einwohner"),
}


@pytest.mark.parametrize(("code", "words"), EXPECTED.items())
def test_every_code_in_singular_and_plural(code: str, words: tuple[str, str]) -> None:
    one, many = words
    assert units.name(code, 1) == one
    assert units.name(code, 3) == many
    assert units.name(code.lower(), Decimal("1.0000")) == one  # case and trailing zeros do not matter
    assert units.known(code)


def test_every_table_entry_has_both_forms() -> None:
    for code, unit in units.UNITS.items():
        assert str(unit.one) and str(unit.many), code


def test_quantity_texts() -> None:
    assert units.quantity(3, "C62") == "3 Stück"
    assert units.quantity(1, "MON") == "1 Monat"
    assert units.quantity(Decimal("12.0000"), "MON") == "12 Monate"
    assert units.quantity(Decimal("1.5"), "HUR") == "1,5 Stunden"
    assert units.quantity(0, "DAY") == "0 Tage"
    assert units.quantity(33130, "IE") == "33.130 Einwohner"
    assert units.quantity(Decimal("1250.5"), "KGM") == "1.250,5 Kilogramm"
    assert units.quantity(-1, "DAY") == "-1 Tag"


def test_unknown_code_shows_the_code() -> None:
    assert units.name("XYZ", 3) == "XYZ"
    assert not units.known("XYZ")
    assert units.quantity(3, "XYZ") == "3 XYZ"
    assert units.quantity(3, "") == "3"
    assert units.name("", 1) == ""


def test_nouns_in_the_right_number() -> None:
    assert units.counted(1, "Arbeitsplatz") == "1 Arbeitsplatz"
    assert units.counted(55, "Arbeitsplatz") == "55 Arbeitsplätze"
    assert units.counted(2, "Abrechnungsfall") == "2 Abrechnungsfälle"
    assert units.counted(2, "Schulungstag") == "2 Schulungstage"
    assert units.counted(2, "Gerät") == "2 Geräte"
    assert units.counted(33130, "Einwohner") == "33.130 Einwohner"
    assert units.counted(3, "Verfahren") == "3 Verfahren"
    assert units.counted(3, "Mandant") == "3 Mandanten"
    assert units.counted(2, "Quirl") == "2 Quirl"  # unknown noun: unchanged
