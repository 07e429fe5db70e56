"""Browser test: a representative votes on a phone (390 px) in the secret electronic poll, sees the receipt,
looks the vote up with it; every page checked with axe-core and without horizontal page scroll."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kitu.governance.models import Ballot, Participation
from kitu.governance.services import voting
from tests.browser.test_browser import _login, browser, check_accessibility  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_page_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"{page.url}: {width} px of horizontal page scroll"


def test_representative_votes_on_a_phone_and_sees_the_receipt(
    browser: Any,  # noqa: F811
    live_server: Any,
    gov: dict[str, Any],
) -> None:
    w = gov
    page = _login(browser, live_server, "rep.zeitz@test.example")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/genossenschaft/")
    check_accessibility(page)
    no_page_scroll(page)
    page.get_by_role("link", name="Ordentliche Generalversammlung 2027").click()
    page.wait_for_url(re.compile(r".*/genossenschaft/versammlungen/\d+/$"))
    check_accessibility(page)
    no_page_scroll(page)
    form = page.locator("form", has=page.get_by_text("Stimme für Stadt Zeitz")).nth(1)  # the secret poll
    form.get_by_label("Nein").check()
    form.get_by_role("button", name="Stimme abgeben").click()
    page.get_by_role("heading", name="Ihre Stimme ist gespeichert").wait_for()
    check_accessibility(page)
    no_page_scroll(page)
    receipt = page.locator("[data-receipt]").inner_text().strip()
    assert len(receipt) >= 20
    assert voting.secret_choice(w["secret_poll"], receipt) == "no"
    assert Participation.objects.get(member=w["zeitz"]).choice == "" and Ballot.objects.count() == 1
    page.get_by_role("link", name="Zurück zur Versammlung").click()
    lookup = page.get_by_label("Geheime Stimme mit der Quittung nachsehen").nth(0)
    lookup.fill(receipt)
    page.get_by_role("button", name="Nachsehen").nth(0).click()
    page.get_by_role("heading", name="Stimme nachsehen").wait_for()
    assert page.get_by_text("Nein", exact=True).count() == 1
    check_accessibility(page)
    no_page_scroll(page)
