"""The cooperative's own legal pages (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit).

The texts are templates (``core/legal/*.html``) filled from one settings dictionary, ``KITU_COOP_LEGAL``:
the cooperative's details change rarely, are checked by its lawyers and belong to the installation, so
they are configured with it (and versioned), not edited on a page. Without that setting the pages show the
demo details below, marked as demo on the page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

PAGES = ("impressum", "datenschutz", "barrierefreiheit")

DEMO: dict[str, str] = {
    "name": "Kommunale IT-UNION eG (KITU)",
    "address": "Alter Markt 15\n39104 Magdeburg",
    "represented_by": "den Vorstand (Demo: Namen der Vorstandsmitglieder)",
    "register": "Genossenschaftsregister beim Amtsgericht Stendal, GnR (Demo)",
    "vat_id": "DE000000000 (Demo)",
    "email": "info@kitu.example",
    "phone": "0391 000000 (Demo)",
    "privacy_officer": "Datenschutzbeauftragte der KITU eG, datenschutz@kitu.example (Demo)",
    "supervisory_authority": "Landesbeauftragter für den Datenschutz Sachsen-Anhalt, Leiterstraße 9, 39104 Magdeburg",
    "accessibility_email": "barrierefreiheit@kitu.example",
    "accessibility_status": "teilweise vereinbar",
    "accessibility_date": "06.12.2026",
    "enforcement_body": "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz des Landes (Demo: Anschrift)",
}


def coop_details() -> tuple[dict[str, str], bool]:
    """The cooperative's details for its legal pages and whether they are the demo ones."""
    configured: dict[str, Any] = getattr(settings, "KITU_COOP_LEGAL", None) or {}
    if not configured:
        return dict(DEMO), True
    return {**dict.fromkeys(DEMO, ""), **{k: str(v) for k, v in configured.items()}}, False


@require_GET
def page(request: HttpRequest, page: str) -> HttpResponse:
    """The cooperative's Impressum, Datenschutzerklärung or Erklärung zur Barrierefreiheit (anyone)."""
    details, is_demo = coop_details()
    return render(request, f"core/legal/{page}.html", {"coop": details, "is_demo": is_demo})
