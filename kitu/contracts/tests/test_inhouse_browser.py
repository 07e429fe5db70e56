"""Browser test of the in-house award pages at 390×844 and 1280×800: the office enters a year of turnover,
awards through the decision and confirmation pages; no page-level horizontal overflow, axe without serious
or critical findings on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitu.contracts.models import InHouseAward, InHouseTurnover
from tests.browser.test_browser import PASSWORD, _code, browser, check_accessibility  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [{"width": 390, "height": 844}, {"width": 1280, "height": 800}]


def _check(page: Any) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url}: {scroll} > {inner}"
    check_accessibility(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["390", "1280"])
def test_office_enters_figures_and_awards(
    browser: Any,  # noqa: F811
    live_server: Any,
    inhouse_world: dict[str, Any],
    viewport: dict[str, int],
) -> None:
    w = inhouse_world
    device = TOTPDevice.objects.create(user=w["admin"], name="App", confirmed=True)
    page = browser.new_page(locale="de-DE", bypass_csp=True, viewport=viewport)  # bypass: axe is injected
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("admin@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_label("Sicherheitscode aus der Authenticator-App").fill(_code(device))
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + "/rahmenvertraege/inhouse/")
    _check(page)
    page.get_by_role("link", name="KID Magdeburg GmbH").click()
    page.get_by_role("heading", name="Umsätze je Geschäftsjahr").wait_for()
    _check(page)
    year = w["years"][0]
    page.get_by_label("Geschäftsjahr", exact=True).fill(str(year))
    page.get_by_label("Umsatz mit den kontrollierenden Auftraggebern (EUR)", exact=True).fill("8.600.000,00")
    page.get_by_label("Gesamtumsatz (EUR)", exact=True).fill("10.000.000,00")
    page.get_by_role("button", name="Zahlen speichern").click()
    page.get_by_text(f"Die Zahlen für {year} sind gespeichert.").wait_for()
    assert str(InHouseTurnover.objects.get(year=year).controlling_turnover) == "8600000.00"

    page.goto(live_server.url + f"/rahmenvertraege/inhouse/vergaben/{w['award'].pk}/")
    _check(page)
    page.get_by_role("link", name="Prüfen und vergeben").click()
    page.get_by_role("heading", name="Inhouse-Vergabe IH-1 prüfen").wait_for()
    _check(page)
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    page.get_by_role("heading", name="Inhouse-Vergabe IH-1 vergeben?").wait_for()
    _check(page)
    page.get_by_role("button", name="Verbindlich vergeben").click()
    page.get_by_text("Die Inhouse-Vergabe IH-1 ist vergeben").wait_for()
    _check(page)
    assert InHouseAward.objects.get().status == "awarded"
