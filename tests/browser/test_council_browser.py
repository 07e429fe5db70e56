"""Browser test of the council's public pages: a citizen on a 390 px phone opens the town's page, follows
the latest results to the meeting and reads its agenda and result; every public page fits the screen
(no page-level horizontal scroll) and axe-core finds no WCAG 2.1 A/AA violation of any impact on it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from kitu.council.models import Paper
from kitu.council.services.papers import refresh_search_text
from kitu.council.tests.conftest import council_world  # noqa: F401 - a fixture

from .test_browser import AXE, _login, browser  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _axe_violations(page: Any) -> list[Any]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', "
        "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def _problems(page: Any, name: str) -> list[str]:
    found = []
    page.wait_for_load_state()  # a click may have started a navigation: measure the new page
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        found.append(f"{name}: {width[0]} px wide at {width[1]} px")
    violations = _axe_violations(page)
    if violations:
        found.append(f"{name}: axe {violations}")
    folder = os.environ.get("KITU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(Path(folder) / f"council-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.png"), full_page=True
        )
    return found


def test_citizen_reads_agenda_and_result_on_a_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    council_world: dict[str, Any],  # noqa: F811
) -> None:
    w = council_world
    for paper in Paper.objects.all():
        refresh_search_text(paper)
    page = browser.new_page(locale="de-DE", viewport=PHONE, bypass_csp=True)  # axe is injected inline
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    problems: list[str] = []
    page.goto(live_server.url + reverse("council:town", args=["wernigerode"]))
    assert page.get_by_role("heading", level=1).inner_text() == "Ratsinformation Stadt Wernigerode"
    problems += _problems(page, "town 390")
    results = page.locator("h2", has_text="Neueste Ergebnisse").locator("xpath=following-sibling::ul[1]")
    results.get_by_role("link", name=w["published"].name).click()
    page.wait_for_url(re.compile(rf".*/rat/wernigerode/sitzungen/{w['published'].pk}/$"))
    assert page.locator("#meeting-start").inner_text() == "Donnerstag, 12. März 2026, 17:00 Uhr"
    agenda = page.locator(".council-agenda")
    assert agenda.locator("> li").count() == 1  # the non-public item is not there at all
    item = agenda.locator("> li").first
    assert "TOP 1" in item.get_by_role("heading").inner_text()
    assert "Bebauungsplan Nr. 44" in item.inner_text()
    assert "beschlossen" in item.inner_text()
    assert "20 Ja, 3 Nein, 1 Enthaltungen" in item.inner_text()
    assert "Der Stadtrat beschließt den Bebauungsplan." in item.inner_text()
    assert "Lindenallee" not in page.content()
    problems += _problems(page, "meeting 390")
    # on to the paper and its consultation history, then the search
    item.get_by_role("link", name="BV/0044/2026").click()
    page.wait_for_url(re.compile(r".*/vorlagen/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Bebauungsplan Nr. 44 „Am Katzenteich“"
    problems += _problems(page, "paper 390")
    page.get_by_role("link", name="Vorlagen", exact=True).click()
    page.get_by_label("Vorlagen durchsuchen").fill("Radweg")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url(re.compile(r".*\?q=Radweg$"))
    assert page.locator("#result-count").inner_text() == "1 Vorlage zu „Radweg“ gefunden"
    problems += _problems(page, "search 390")
    assert errors == [], errors
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_every_public_page_fits_and_passes_axe(
    browser: Any,  # noqa: F811
    live_server: Any,
    council_world: dict[str, Any],  # noqa: F811
    viewport: dict[str, int],
) -> None:
    w = council_world
    slug = "wernigerode"
    urls = {
        "town": reverse("council:town", args=[slug]),
        "meetings": reverse("council:meetings", args=[slug]) + "?monat=2026-03",
        "meeting invited": reverse("council:meeting", args=[slug, w["invited"].pk]),
        "meeting scheduled": reverse("council:meeting", args=[slug, w["scheduled"].pk]),
        "papers": reverse("council:papers", args=[slug]),
        "paper": reverse("council:paper", args=[slug, w["invited_paper"].pk]),
        "persons": reverse("council:persons", args=[slug]),
        "person": reverse("council:person", args=[slug, w["anna"].pk]),
        "organizations": reverse("council:organizations", args=[slug]),
        "organization": reverse("council:organization", args=[slug, w["committee"].pk]),
    }
    page = browser.new_page(locale="de-DE", viewport=viewport, bypass_csp=True)
    problems: list[str] = []
    for name, url in urls.items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, name
        problems += _problems(page, f"{name} {viewport['width']}")
    assert problems == [], "\n".join(problems)


def test_councillor_reads_non_public_item_and_keeps_a_note_on_a_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    council_world: dict[str, Any],  # noqa: F811
) -> None:
    w = council_world
    page = _login(browser, live_server, w["users"]["councillor"].email)
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    page.goto(live_server.url + reverse("council:councillor_home"))
    assert page.get_by_role("heading", level=1).inner_text() == "Meine Ratsarbeit"
    problems += _problems(page, "councillor home 390")
    page.goto(live_server.url + reverse("council:meeting", args=["wernigerode", w["published"].pk]))
    closed = page.locator(".council-agenda > li.council-closed")
    assert closed.count() == 1
    assert "nicht öffentlich" in closed.inner_text() and "Grundstücksangelegenheit Lindenallee" in closed.inner_text()
    problems += _problems(page, "councillor meeting 390")
    closed.get_by_role("link", name="BV/0045/2026").click()
    page.wait_for_url(re.compile(r".*/vorlagen/\d+/$"))
    page.get_by_role("textbox", name="Meine Notiz").fill("Kaufpreis mit Gutachten vergleichen")
    page.get_by_role("button", name="Notiz speichern").click()
    page.wait_for_url(re.compile(r".*/vorlagen/\d+/#note$"))
    assert page.get_by_role("textbox", name="Meine Notiz").input_value() == "Kaufpreis mit Gutachten vergleichen"
    assert page.get_by_role("status").first.inner_text() == "Ihre Notiz ist gespeichert."
    problems += _problems(page, "councillor paper 390")
    assert problems == [], "\n".join(problems)
