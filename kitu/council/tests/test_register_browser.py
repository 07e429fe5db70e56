"""The council office's register pages and the cooperative's setup page in Chromium at 390×844 and
1280×800: no page-level horizontal scroll, axe 0 serious/critical, a membership added through the forms.
Screenshots go to KITU_SCREENSHOTS (a folder) if set."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitu.council.models import Location, Membership
from tests.browser.test_browser import PASSWORD, _code, browser, check_accessibility  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = ({"width": 390, "height": 844}, {"width": 1280, "height": 800})


def _log_in(page: Any, base: str, email: str, device: TOTPDevice | None = None) -> None:
    page.goto(base + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    if device is not None:
        page.wait_for_url(re.compile(r".*/konto/zwei-faktor/.*"))
        page.get_by_label("Sicherheitscode aus der Authenticator-App").fill(_code(device))
        page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(base + "/")


def _check(page: Any) -> None:
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    folder = os.environ.get("KITU_SCREENSHOTS")
    if folder:
        name = re.sub(r"[^a-z0-9]+", "-", urlsplit(page.url).path.lower()).strip("-") or "start"
        page.screenshot(path=str(Path(folder) / f"{name}-{page.viewport_size['width']}.png"), full_page=True)
    assert wide <= 0, f"{page.url}: {wide}px horizontal scroll"
    check_accessibility(page)


def test_office_pages_on_phone_and_desktop(
    browser: Any,  # noqa: F811
    live_server: Any,
    council_world: dict[str, Any],
) -> None:
    w = council_world
    location = Location.objects.create(body=w["body"], description="Rathaus, Großer Sitzungssaal")
    base = live_server.url
    slug = "wernigerode"
    paths = [
        f"/sitzungsdienst/{slug}/",
        f"/sitzungsdienst/{slug}/einstellungen/",
        f"/sitzungsdienst/{slug}/wahlperioden/",
        f"/sitzungsdienst/{slug}/wahlperioden/{w['term'].pk}/",
        f"/sitzungsdienst/{slug}/gremien/",
        f"/sitzungsdienst/{slug}/gremien/neu/",
        f"/sitzungsdienst/{slug}/gremien/{w['council'].pk}/",
        f"/sitzungsdienst/{slug}/personen/",
        f"/sitzungsdienst/{slug}/personen/{w['anna'].pk}/",
        f"/sitzungsdienst/{slug}/mitgliedschaften/neu/?person={w['bernd'].pk}",
        f"/sitzungsdienst/{slug}/orte/",
        f"/sitzungsdienst/{slug}/orte/{location.pk}/",
    ]
    for size in SIZES:
        page = browser.new_page(locale="de-DE", bypass_csp=True, viewport=size)
        _log_in(page, base, "ratsbuero@test.example")
        for path in paths:
            page.goto(base + path)
            assert page.get_by_role("heading", level=1).count() == 1, path
            _check(page)
        # bad input: the error summary names the field
        page.goto(base + f"/sitzungsdienst/{slug}/wahlperioden/")
        page.get_by_label("Bezeichnung").fill("WP")
        page.get_by_label("Beginn").fill("2029-07-01")
        page.get_by_label("Ende").fill("2024-07-01")
        page.get_by_role("button", name="Wahlperiode anlegen").click()
        assert "Ende: Das Ende liegt vor dem Beginn." in page.locator(".kitu-error-summary").inner_text()
        _check(page)
        # the confirmation page before a delete
        page.goto(base + f"/sitzungsdienst/{slug}/orte/{location.pk}/")
        page.get_by_role("button", name="Ort löschen …").click()
        assert page.get_by_role("heading", level=1).inner_text().startswith("Ort „Rathaus")
        _check(page)
        page.close()
    # a membership through the form, from the person's page
    page = browser.new_page(locale="de-DE", bypass_csp=True, viewport=SIZES[0])
    _log_in(page, base, "ratsbuero@test.example")
    page.goto(base + f"/sitzungsdienst/{slug}/personen/{w['bernd'].pk}/")
    page.get_by_role("link", name="Mitgliedschaft hinzufügen").click()
    page.get_by_label("Gremium").select_option(label="Stadtrat")
    page.get_by_label("Rolle").fill("Mitglied")
    page.get_by_label("für die Fraktion").select_option(label="Fraktion Bürgerliste")
    page.get_by_role("button", name="Mitgliedschaft anlegen").click()
    page.wait_for_url(base + f"/sitzungsdienst/{slug}/personen/{w['bernd'].pk}/")
    assert "Die Mitgliedschaft ist angelegt." in page.locator(".kitu-messages").inner_text()
    assert Membership.objects.filter(person=w["bernd"], organization=w["council"], on_behalf_of=w["group"]).exists()
    _check(page)
    # an empty form: the server's error summary (no browser bubble: the forms are novalidate)
    page.goto(base + f"/sitzungsdienst/{slug}/personen/neu/")
    page.get_by_role("button", name="Person anlegen").click()
    summary = page.locator(".kitu-error-summary").inner_text()
    assert "Vorname:" in summary and "Familienname:" in summary
    _check(page)
    page.close()


def test_setup_pages_for_the_cooperative(
    browser: Any,  # noqa: F811
    live_server: Any,
    world: dict[str, Any],
) -> None:
    device = TOTPDevice.objects.create(user=world["admin"], name="App", confirmed=True)
    base = live_server.url
    for size in SIZES:
        page = browser.new_page(locale="de-DE", bypass_csp=True, viewport=size)
        _log_in(page, base, "admin@test.example", device)
        page.goto(base + "/ratsinformationssystem/")
        _check(page)
        page.goto(base + f"/ratsinformationssystem/{world['zeitz'].pk}/")
        assert "Keine Leistung gebucht" in page.content()
        _check(page)
        page.close()
        device.refresh_from_db()
        device.last_t = -1  # the same code may be used again in the next window
        device.save()
