"""Browser test of the catalog search (issue 18.8) at 390×844 and 1280×800: a requester searches with a
synonym and a filter, opens an article and comes back to the same results, adds to the cart from the
results (the confirmation in the row, the page stays), removes a filter chip, follows "Meinten Sie …?";
then the same cart button without JavaScript. Every page: no page-level horizontal overflow and axe 0
serious/critical. Screenshots go to KITU_SCREENSHOTS (a folder) if set."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitu.catalog import services
from kitu.catalog.models import Article, SynonymTerm
from kitu.catalog.tests.conftest import catalog  # noqa: F401 - a fixture
from kitu.orders.models import CartLine

from .test_browser import PASSWORD, _code, browser, check_accessibility, check_accessibility_static  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def _check(page: Any, name: str, *, scripts: bool = True) -> None:
    """No page-level horizontal scroll, axe clean; a screenshot where KITU_SCREENSHOTS is set."""
    page.wait_for_load_state()  # a click may have started a navigation: measure the new page
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{name}: {scroll} px wide at {inner} px"
    (check_accessibility if scripts else check_accessibility_static)(page)
    folder = os.environ.get("KITU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _requester(browser: Any, viewport: dict[str, int], **context: Any) -> Any:  # noqa: F811
    page = browser.new_context(locale="de-DE", bypass_csp=True, viewport=viewport, **context).new_page()
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("requester@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r".*/$"))
    return page


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_results_article_and_back_cart_chips_and_did_you_mean(
    browser: Any,  # noqa: F811
    live_server: Any,
    catalog: dict[str, Any],  # noqa: F811
    size: str,
) -> None:
    if not SynonymTerm.objects.filter(key="laptop").exists():  # a transactional test before may have flushed it
        services.synonym_group_add(actor=catalog["users"]["coop_admin"], terms="Laptop, Notebook")
    page = _requester(browser, VIEWPORTS[size], base_url=live_server.url)
    nb1 = Article.objects.get(supplier_pid="NB-1")

    # a synonym and a filter: the Lenovo notebooks, the filter as a chip
    page.goto("/katalog/?q=Laptop&manufacturer=Lenovo")
    results_url = page.url
    rows = page.locator("#results table tbody tr")
    assert rows.count() == 3
    page.get_by_role("link", name="Filter „Hersteller: Lenovo“ entfernen").wait_for(state="visible", timeout=10_000)
    price = page.locator(f"#results tr:has(#cmp-{nb1.pk}) td[data-label='Preis (netto)']")
    button = page.get_by_role("button", name=re.compile("^In den Warenkorb ?: Notebook Lenovo ThinkPad T14$"))
    for element in (price, button):  # on screen, not cut off at the right
        box = element.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[size]["width"]
    _check(page, f"catalog-results-{size}")

    # to the article and back: the same results with the same filter
    page.get_by_role("link", name="Notebook Lenovo ThinkPad T14").click()
    page.wait_for_url(re.compile(rf".*/katalog/artikel/{nb1.pk}/\?back=.*"))
    _check(page, f"catalog-article-{size}")
    page.get_by_role("link", name="Zurück zu den Suchergebnissen").click()
    page.wait_for_url(results_url)
    assert page.locator("#results table tbody tr").count() == 3
    assert page.get_by_role("link", name="Filter „Hersteller: Lenovo“ entfernen").count() == 1

    # add to the cart from the results: the confirmation in the row, the page stays
    page.get_by_label(re.compile("Notebook Lenovo ThinkPad T14: Menge")).fill("2")
    page.get_by_role("button", name=re.compile("^In den Warenkorb ?: Notebook Lenovo ThinkPad T14$")).click()
    confirmation = page.locator(f"#added-{nb1.pk}")
    confirmation.get_by_text("In den Warenkorb gelegt: 2 × Notebook Lenovo ThinkPad T14").wait_for()
    assert page.url == results_url
    assert CartLine.objects.get(article=nb1).quantity == 2
    _check(page, f"catalog-cart-added-{size}")

    # the chip removes the manufacturer filter and nothing else
    page.get_by_role("link", name="Filter „Hersteller: Lenovo“ entfernen").click()
    page.wait_for_url(re.compile(r".*/katalog/\?q=Laptop$"))
    assert page.locator("#results table tbody tr").count() == 4  # the Dell notebook too
    assert page.get_by_role("link", name=re.compile("^Filter .* entfernen$")).count() == 0

    # a typo: the results of the correction, and the link to search for it
    page.goto("/katalog/?q=Notbook")
    assert page.locator("#results table tbody tr").count() == 4
    _check(page, f"catalog-did-you-mean-{size}")
    page.get_by_role("link", name="Notebook", exact=True).click()
    page.wait_for_url(re.compile(r".*/katalog/\?q=Notebook$"))
    assert page.get_by_text("Meinten Sie").count() == 0
    page.context.close()


def test_cart_from_the_results_without_javascript(
    browser: Any,  # noqa: F811
    live_server: Any,
    catalog: dict[str, Any],  # noqa: F811
) -> None:
    page = _requester(browser, VIEWPORTS["phone"], base_url=live_server.url, java_script_enabled=False)
    page.goto("/katalog/?q=Notebook&sort=price_asc&page=1")
    results_url = page.url
    page.get_by_role("button", name=re.compile("^In den Warenkorb ?: Notebook Dell Latitude 5450$")).click()
    page.wait_for_url(results_url)
    assert (
        page.locator(".kitu-messages").inner_text().strip()
        == "In den Warenkorb gelegt: 2 × Notebook Dell Latitude 5450"
    )  # the minimum
    assert parse_qs(urlsplit(page.url).query) == {"q": ["Notebook"], "sort": ["price_asc"], "page": ["1"]}
    assert CartLine.objects.get(article__supplier_pid="NB-2").quantity == 2
    _check(page, "catalog-cart-added-no-js", scripts=False)
    page.context.close()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_office_keeps_the_synonym_list(
    browser: Any,  # noqa: F811
    live_server: Any,
    catalog: dict[str, Any],  # noqa: F811
    size: str,
) -> None:
    device = TOTPDevice.objects.create(user=catalog["users"]["coop_admin"], name="App", confirmed=True)
    page = browser.new_context(locale="de-DE", bypass_csp=True, viewport=VIEWPORTS[size]).new_page()
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("admin@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_label("Sicherheitscode aus der Authenticator-App").fill(_code(device))
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/katalog/?q=Beamer")
    page.get_by_role("link", name="Synonyme der Suche bearbeiten").click()
    _check(page, f"catalog-synonyms-{size}")
    page.get_by_label("Begriffe").fill("Laptop")  # one word is no group: the error at the field
    page.get_by_role("button", name="Gruppe hinzufügen").click()
    assert "mindestens zwei verschiedene Begriffe" in page.locator(".kern-error").inner_text()
    _check(page, f"catalog-synonyms-error-{size}")
    page.get_by_label("Begriffe").fill("Videoprojektor, Präsentationsgerät")
    page.get_by_role("button", name="Gruppe hinzufügen").click()
    page.get_by_text("Die Synonymgruppe ist angelegt.").wait_for()
    assert page.get_by_text("Videoprojektor · Präsentationsgerät").count() == 1
    page.get_by_role("button", name=re.compile("^Löschen ?: Videoprojektor, Präsentationsgerät$")).click()
    page.get_by_text("Die Synonymgruppe „Videoprojektor, Präsentationsgerät“ ist gelöscht.").wait_for()
    assert not SynonymTerm.objects.filter(word="Videoprojektor").exists()
    page.context.close()
