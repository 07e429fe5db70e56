"""ECLASS classes for people: the name of a class with its code in the usual dotted-pair notation
("Notebook (ECLASS 19-03-01-04)"). There is no licensed ECLASS table here; this is a small curated list of
the classes the cooperative's catalogs and the demo use. An unknown class shows its code.

Pure module: no database, no domain app."""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# 8-digit ECLASS classification classes (level 4) and a few level-3 groups, German names.
NAMES: dict[str, str | Promise] = {
    "19020101": _("Monitor"),
    "19030101": _("Desktop-PC"),
    "19030104": _("Notebook"),
    "19030110": _("Tablet"),
    "19030290": _("Dockingstation und Notebook-Zubehör"),
    "19030503": _("Tastatur"),
    "19170301": _("Netzwerk-Switch"),
    "19170302": _("WLAN-Access-Point"),
    "24010101": _("Schreibpapier"),
    "24010201": _("Kopierpapier"),
    "24300701": _("Multifunktionsgerät (Drucken, Kopieren, Scannen)"),
}

_CODE = re.compile(r"^\d{2}-?\d{2}-?\d{2}-?\d{2}$")


def _digits(code: str) -> str:
    return (code or "").strip().replace("-", "")


def notation(code: str) -> str:
    """ "19030104" → "19-03-01-04"; anything that is no 8-digit class stays as it is."""
    text = (code or "").strip()
    if not _CODE.match(text):
        return text
    digits = _digits(text)
    return "-".join(digits[i : i + 2] for i in range(0, 8, 2))


def name(code: str) -> str:
    """The German name of the class, "" when it is not in the table."""
    found = NAMES.get(_digits(code))
    return str(found) if found is not None else ""


def label(code: str) -> str:
    """ "Notebook (ECLASS 19-03-01-04)"; an unknown class: "ECLASS 12-34-56-78"; no class: ""."""
    if not (code or "").strip():
        return ""
    known = name(code)
    return f"{known} (ECLASS {notation(code)})" if known else f"ECLASS {notation(code)}"
