"""Browser test of the annual figures page at 390 px: axe-core, no horizontal page scroll, year selection."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.test_browser import _login, browser, check_accessibility  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_page_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"{page.url}: {width} px of horizontal page scroll"


def test_annual_figures_page(browser: Any, live_server: Any, world: dict[str, Any]) -> None:  # noqa: F811
    device = TOTPDevice.objects.create(user=world["admin"], name="App", confirmed=True)
    page = _login(browser, live_server, world["admin"].email, device)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/jahreszahlen/")
    page.get_by_role("heading", name=re.compile("^Jahreszahlen")).wait_for()
    check_accessibility(page)
    no_page_scroll(page)
    page.get_by_label("Geschäftsjahr", exact=True).select_option("2018")
    page.get_by_role("button", name="Anzeigen").click()
    page.get_by_role("heading", name="Jahreszahlen 2018 für die Generalversammlung").wait_for()
    check_accessibility(page)
