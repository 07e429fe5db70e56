"""Units for people: UN/ECE Recommendation 20 codes (as in BMEcat, openTRANS and XRechnung) as German words
with singular and plural ("1 Monat", "3 Monate", "33.130 Einwohner"). Pages, PDFs and mails show the word;
the XML documents keep the code. An unknown code is shown as it is.

Pure module: no database, no domain app."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kitu.core.numbers import format_number


class Unit(NamedTuple):
    one: str | Promise
    many: str | Promise


PIECE = Unit(_("Stück"), _("Stück"))

# UN/ECE Recommendation 20 (rev. 17) codes that catalogs, orders and billing use, and a few common
# non-standard spellings suppliers send (PCE, EA, GB). Plurals as in German usage.
UNITS: dict[str, Unit] = {
    # counting
    "C62": PIECE,  # one
    "H87": PIECE,  # piece
    "PCE": PIECE,  # piece (Rec. 21 style, common in catalogs)
    "EA": PIECE,  # each
    "SET": Unit(_("Satz"), _("Sätze")),
    "PR": Unit(_("Paar"), _("Paare")),
    "PK": Unit(_("Packung"), _("Packungen")),
    "PA": Unit(_("Paket"), _("Pakete")),
    "BX": Unit(_("Schachtel"), _("Schachteln")),
    "CT": Unit(_("Karton"), _("Kartons")),
    "RO": Unit(_("Rolle"), _("Rollen")),
    "LS": Unit(_("Pauschale"), _("Pauschalen")),
    "E48": Unit(_("Leistungseinheit"), _("Leistungseinheiten")),  # service unit
    # KITU bills per-inhabitant services in IE ("person"): the persons counted are inhabitants.
    "IE": Unit(_("Einwohner"), _("Einwohner")),
    # time
    "SEC": Unit(_("Sekunde"), _("Sekunden")),
    "MIN": Unit(_("Minute"), _("Minuten")),
    "HUR": Unit(_("Stunde"), _("Stunden")),
    "DAY": Unit(_("Tag"), _("Tage")),
    "E49": Unit(_("Arbeitstag"), _("Arbeitstage")),
    "WEE": Unit(_("Woche"), _("Wochen")),
    "MON": Unit(_("Monat"), _("Monate")),
    "QAN": Unit(_("Quartal"), _("Quartale")),
    "ANN": Unit(_("Jahr"), _("Jahre")),
    # length, area, volume, mass
    "MMT": Unit(_("Millimeter"), _("Millimeter")),
    "CMT": Unit(_("Zentimeter"), _("Zentimeter")),
    "MTR": Unit(_("Meter"), _("Meter")),
    "KMT": Unit(_("Kilometer"), _("Kilometer")),
    "MTK": Unit(_("Quadratmeter"), _("Quadratmeter")),
    "MTQ": Unit(_("Kubikmeter"), _("Kubikmeter")),
    "MLT": Unit(_("Milliliter"), _("Milliliter")),
    "LTR": Unit(_("Liter"), _("Liter")),
    "GRM": Unit(_("Gramm"), _("Gramm")),
    "KGM": Unit(_("Kilogramm"), _("Kilogramm")),
    "TNE": Unit(_("Tonne"), _("Tonnen")),
    # energy and data
    "KWH": Unit(_("Kilowattstunde"), _("Kilowattstunden")),
    "AD": Unit(_("Byte"), _("Byte")),
    "4L": Unit(_("Megabyte"), _("Megabyte")),
    "E34": Unit(_("Gigabyte"), _("Gigabyte")),
    "GB": Unit(_("Gigabyte"), _("Gigabyte")),  # Rec. 20: gallon per day; in IT catalogs always gigabyte
    "E35": Unit(_("Terabyte"), _("Terabyte")),
    "P1": Unit(_("Prozent"), _("Prozent")),
}

# Plurals of the nouns services are counted in (Service.unit_label); a compound takes the plural of its
# last part ("Schulungstag" → "Schulungstage"). A noun not listed stays as it is.
NOUNS: dict[str, str] = {
    "arbeitsplatz": "arbeitsplätze",
    "platz": "plätze",
    "gerät": "geräte",
    "verfahren": "verfahren",
    "fall": "fälle",
    "mandant": "mandanten",
    "einwohner": "einwohner",
    "nutzer": "nutzer",
    "teilnehmer": "teilnehmer",
    "person": "personen",
    "lizenz": "lizenzen",
    "postfach": "postfächer",
    "schule": "schulen",
    "einheit": "einheiten",
    "stück": "stück",
    "stunde": "stunden",
    "tag": "tage",
    "woche": "wochen",
    "monat": "monate",
    "quartal": "quartale",
    "jahr": "jahre",
    "satz": "sätze",
    "paar": "paare",
    "pauschale": "pauschalen",
}


_LONGEST_FIRST = sorted(NOUNS, key=len, reverse=True)  # "arbeitsplatz" before "platz"


def _is_one(quantity: Decimal | int | float | None) -> bool:
    return quantity is not None and abs(Decimal(repr(quantity) if isinstance(quantity, float) else quantity)) == 1


def name(code: str, quantity: Decimal | int | float | None = 1) -> str:
    """The word for ``code`` in the number ``quantity`` asks for ("Monat"/"Monate"); the code itself when
    it is unknown (and "" for no code)."""
    key = (code or "").strip().upper()
    unit = UNITS.get(key)
    if unit is None:
        return (code or "").strip()
    return str(unit.one if _is_one(quantity) else unit.many)


def known(code: str) -> bool:
    return (code or "").strip().upper() in UNITS


def quantity(value: Decimal | int | float, code: str) -> str:
    """E.g. "3 Stück", "1 Monat", "1,5 Stunden", "33.130 Einwohner"; an unknown code follows the number."""
    word = name(code, value)
    number = format_number(value)
    return f"{number} {word}" if word else number


def plural(noun: str) -> str:
    """The plural of a noun services are counted in ("Arbeitsplatz" → "Arbeitsplätze"); unknown: unchanged."""
    lower = noun.lower()
    for singular in _LONGEST_FIRST:
        if lower.endswith(singular):
            cut = len(noun) - len(singular)
            many = NOUNS[singular]
            if cut == 0 and noun[:1].isupper():
                many = many[:1].upper() + many[1:]
            return noun[:cut] + many
    return noun


def counted(value: Decimal | int | float, noun: str) -> str:
    """A number with a noun in the right number: "1 Arbeitsplatz", "55 Arbeitsplätze", "33.130 Einwohner"."""
    return f"{format_number(value)} {noun if _is_one(value) else plural(noun)}"
