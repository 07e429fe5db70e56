"""Checkout with a review step in the browser, on a phone (390×844) and a desktop (1280×800): the article
page keeps the requester there with a confirmation, the cart, the review, the confirmation page and the
supplier's order page — each without page-level horizontal scrolling and with axe-core finding nothing
serious or critical."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from kitu.orders.models import Order
from tests.browser.test_browser import PASSWORD, check_accessibility
from tests.browser.test_browser import browser as browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [
    pytest.param({"width": 390, "height": 844}, id="phone"),
    pytest.param({"width": 1280, "height": 800}, id="desktop"),
]


def _login(browser: Any, live_server: Any, email: str, viewport: dict[str, int]) -> Any:
    page = browser.new_page(locale="de-DE", bypass_csp=True, viewport=viewport)  # bypass: axe is injected
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(live_server.url + "/")
    return page


def _fits(page: Any) -> None:
    """No page-level horizontal scroll, and axe-core finds nothing serious."""
    page.wait_for_load_state()  # a click may have started a navigation: measure the new page
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(
        "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert width <= inner, f"{page.url}: {width} px wide at {inner} px ({wide})"
    check_accessibility(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_cart_review_confirmation_and_supplier_page(
    browser: Any, live_server: Any, order_world: dict[str, Any], viewport: dict[str, int]
) -> None:
    w = order_world
    requester = _login(browser, live_server, "requester@test.example", viewport)
    article = live_server.url + reverse("catalog:article", args=[w["notebook"].pk])
    requester.goto(article)
    requester.get_by_label("Menge").fill("1")
    requester.get_by_role("main").get_by_role("button", name="In den Warenkorb").click()
    assert requester.url == article  # stays on the article page
    assert requester.get_by_text("In den Warenkorb gelegt: 1 × Notebook 14 Zoll").count() == 1
    assert requester.locator(".kitu-cart-count").inner_text() == "Warenkorb (1 Position)"
    requester.goto(live_server.url + reverse("orders:cart"))
    _fits(requester)
    # the line's buttons sit side by side or wrap, never on top of each other
    change = requester.get_by_role("button", name=re.compile("^Ändern")).bounding_box()
    remove = requester.get_by_role("button", name=re.compile("^Entfernen")).bounding_box()
    assert change["x"] + change["width"] <= remove["x"] or change["y"] + change["height"] <= remove["y"]
    requester.get_by_role("link", name="Weiter zur Prüfung").click()
    assert requester.get_by_role("heading", level=1).inner_text() == "Bestellung prüfen"
    assert (
        requester.get_by_text("ohne Freigabe – die Bestellung geht nach dem Absenden an den Lieferanten.").count() == 1
    )
    _fits(requester)
    requester.get_by_role("button", name="Bestellung verbindlich absenden").click()
    assert requester.get_by_role("heading", level=1).inner_text() == "Bestellung abgesendet"
    order = Order.objects.get()
    assert order.number in requester.locator("main").inner_text()
    _fits(requester)
    requester.close()

    supplier = _login(browser, live_server, "supplier@test.example", viewport)
    supplier.goto(live_server.url + reverse("orders:detail", args=[order.pk]))
    text = supplier.locator("main").inner_text()
    assert "Rathaus\nMarktplatz 1\n38855 Wernigerode" in text and "requester@test.example" in text
    _fits(supplier)
    supplier.close()
