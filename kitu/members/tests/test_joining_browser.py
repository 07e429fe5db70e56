"""Browser test of joining online: a town's authorised person applies on a phone (390 px), confirms the
address from the mail; every page checked with axe-core and for horizontal page scroll."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from kitu.members.models import ApplicationStatus, JoiningApplication
from tests.browser.test_browser import browser, check_accessibility  # noqa: F401 - browser is a fixture

from .joining_helpers import PDF, leitweg, link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_page_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"{page.url}: {width} px of horizontal page scroll"


def test_a_town_applies_on_a_phone(browser: Any, live_server: Any, world: dict[str, Any], tmp_path: Any) -> None:  # noqa: F811
    mail.outbox.clear()
    page = browser.new_page(locale="de-DE", bypass_csp=True, viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/mitglieder/beitritt/")
    check_accessibility(page)
    no_page_scroll(page)
    page.get_by_label("Name der Organisation").fill("Stadt Quedlinburg")
    page.get_by_label("Art", exact=True).select_option("stadt")
    page.get_by_label("Leitweg-ID").fill(leitweg())
    page.get_by_label("Straße und Hausnummer").fill("Markt 1")
    page.get_by_label("PLZ").fill("06484")
    page.get_by_label("Ort").fill("Quedlinburg")
    page.get_by_label("Zahl der Geschäftsanteile").fill("2")
    page.get_by_label("Ihr Name").fill("Frank Ruch")
    page.get_by_label("Ihre dienstliche E-Mail-Adresse").fill("buergermeister@quedlinburg.example")
    resolution = tmp_path / "ratsbeschluss.pdf"
    resolution.write_bytes(PDF)
    page.get_by_label(re.compile("^Ratsbeschluss")).set_input_files(str(resolution))
    page.get_by_role("button", name="Antrag absenden").click()
    # the council resolution date is missing: the error summary names it, nothing is stored
    page.get_by_role("link", name=re.compile("Datum des Ratsbeschlusses")).wait_for()
    check_accessibility(page)
    no_page_scroll(page)
    assert JoiningApplication.objects.count() == 0
    page.get_by_label("Datum des Ratsbeschlusses").fill("2026-11-12")
    page.get_by_label(re.compile("^Ratsbeschluss")).set_input_files(str(resolution))
    page.get_by_role("button", name="Antrag absenden").click()
    page.wait_for_url(re.compile(r".*/mitglieder/beitritt/gesendet/$"))
    check_accessibility(page)
    assert JoiningApplication.objects.get().status == ApplicationStatus.UNCONFIRMED

    page.goto(live_server.url + link("confirm"))
    check_accessibility(page)
    no_page_scroll(page)
    page.get_by_role("button", name="E-Mail-Adresse bestätigen und Antrag einreichen").click()
    page.get_by_role("heading", name="Ihr Antrag liegt der Geschäftsstelle vor").wait_for()
    check_accessibility(page)
    no_page_scroll(page)
    assert JoiningApplication.objects.get().status == ApplicationStatus.PENDING
