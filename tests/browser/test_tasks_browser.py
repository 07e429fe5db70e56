"""The start page with tasks, the task list and the digest opt-in at 390×844 and 1280×800: no page-level
horizontal scroll, axe 0 serious/critical, the tasks oldest first with their links. Screenshots of the start
page go to KITU_SCREENSHOTS (a folder) if set."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kitu.orders import fulfilment, services

from .test_browser import PASSWORD, browser, check_accessibility  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = ({"width": 390, "height": 844}, {"width": 1280, "height": 800})


def test_start_page_with_tasks_on_phone_and_desktop(
    browser: Any,  # noqa: F811
    live_server: Any,
    order_world: dict[str, Any],
) -> None:
    w = order_world
    requester, supplier = w["users"]["requester"], w["users"]["supplier_user"]
    services.cart_add(actor=requester, member=w["wernigerode"], article=w["notebook"], quantity=1)
    (delivered,) = services.checkout(actor=requester, member=w["wernigerode"])
    today = timezone.localdate()
    fulfilment.confirm(actor=supplier, order=delivered, delivery_date=today + dt.timedelta(days=2))
    line = delivered.lines.get()
    fulfilment.ship(actor=supplier, order=delivered, quantities={line.pk: 1}, shipped_on=today)
    services.cart_add(actor=requester, member=w["wernigerode"], article=w["notebook"], quantity=2)
    (rejected,) = services.checkout(actor=requester, member=w["wernigerode"])
    services.reject(actor=w["users"]["approver"], order=rejected, reason="Bitte über den Standardwarenkorb bestellen")
    for size in SIZES:
        context = browser.new_context(viewport=size, locale="de-DE", bypass_csp=True)  # bypass: axe injection
        page = context.new_page()
        page.goto(live_server.url + "/konto/anmelden/")
        page.get_by_label("E-Mail-Adresse").fill("requester@test.example")
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(live_server.url + "/")
        items = page.locator(".kern-task-list__item")
        assert items.count() == 2
        assert "Wareneingang buchen: Lieferung 1" in items.nth(0).inner_text()  # the older one first
        assert f"Bestellung {rejected.number} wurde abgelehnt" in items.nth(1).inner_text()
        assert page.locator(".kitu-task-count").inner_text() == "2 Aufgaben"
        for path in ("/", "/aufgaben/", "/aufgaben/?art=goods_receipt", "/konto/"):
            page.goto(live_server.url + path)
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], (path, size, width)
            check_accessibility(page)
            if os.environ.get("KITU_SCREENSHOTS") and path == "/":
                folder = Path(os.environ["KITU_SCREENSHOTS"])
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / f"start-tasks-{size['width']}.png"), full_page=True)
        page.goto(live_server.url + "/")
        page.get_by_role(
            "link", name=f"Wareneingang buchen: Lieferung 1 zu Bestellung {delivered.number}", exact=False
        ).click()
        page.wait_for_url(live_server.url + f"/bestellungen/{delivered.pk}/")
        context.close()
