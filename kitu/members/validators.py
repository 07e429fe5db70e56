"""Checks for identifiers in the member register: Leitweg-ID, AGS, VAT id."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LEITWEG_RE = re.compile(r"^(?P<coarse>\d{2,12})(?:-(?P<fine>[A-Za-z0-9]{1,30}))?-(?P<check>\d{2})$")


def _mod97_number(text: str) -> int:
    """Letters become 10..35 (A..Z, case-insensitive), digits stay; the result read as a number."""
    return int("".join(str(int(ch, 36)) for ch in text.upper()))


def leitweg_check_digits(address: str) -> str:
    """ISO 7064 MOD 97-10 check digits for coarse+fine address (without hyphens)."""
    return f"{98 - (_mod97_number(address + '00') % 97):02d}"


def is_valid_leitweg_id(value: str) -> bool:
    match = LEITWEG_RE.match(value.strip())
    if not match:
        return False
    address = match["coarse"] + (match["fine"] or "")
    return _mod97_number(address + match["check"]) % 97 == 1


def validate_leitweg_id(value: str) -> None:
    value = value.strip()
    if not LEITWEG_RE.match(value):
        raise ValidationError(
            _(
                "Eine Leitweg-ID hat die Form Grobadressierung (2–12 Ziffern), optional „-“ und "
                "Feinadressierung (bis 30 Buchstaben/Ziffern), dann „-“ und 2 Prüfziffern."
            ),
            code="leitweg_format",
        )
    if not is_valid_leitweg_id(value):
        match = LEITWEG_RE.match(value)
        assert match
        expected = leitweg_check_digits(match["coarse"] + (match["fine"] or ""))
        raise ValidationError(
            _("Die Prüfziffern der Leitweg-ID stimmen nicht (erwartet: %(expected)s)."),
            code="leitweg_check",
            params={"expected": expected},
        )


def validate_ags(value: str) -> None:
    if not re.fullmatch(r"\d{5}|\d{8}|\d{12}", value):
        raise ValidationError(
            _("Der Amtliche Gemeindeschlüssel hat 8 Ziffern (Kreise 5, Regionalschlüssel 12)."), code="ags"
        )


def validate_vat_id(value: str) -> None:
    if not re.fullmatch(r"DE\d{9}", value):
        raise ValidationError(_("Eine deutsche USt-IdNr. hat die Form DE und 9 Ziffern."), code="vat_id")


def validate_postcode(value: str) -> None:
    if not re.fullmatch(r"\d{5}", value):
        raise ValidationError(_("Die Postleitzahl hat 5 Ziffern."), code="postcode")
