"""Plain language (issue 18.7) in the browser: the optimiser result and an invoice at 390×844 and 1280×800 —
words instead of codes, the readable chart, no page-level horizontal scroll, axe 0 serious/critical."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitu.billing import runs
from kitu.billing.models import Invoice
from kitu.billing.tests.conftest import billing_world  # noqa: F401 - a fixture
from kitu.bundling import services
from kitu.bundling.tests.test_campaigns import enter_offers, report_demo

from .test_browser import _login, browser, check_accessibility  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 800}}
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _fits(page: Any, name: str) -> None:
    folder = os.environ.get("KITU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
    page.wait_for_load_state()
    wide, inner = page.evaluate(OVERFLOW)
    assert wide <= inner, f"{page.url}: {wide} px wide at {inner} px"
    check_accessibility(page)


@pytest.mark.parametrize("size", VIEWPORTS, ids=list(VIEWPORTS))
def test_optimiser_result_and_invoice_in_words(
    browser: Any,  # noqa: F811
    live_server: Any,
    campaign_world: dict[str, Any],
    billing_world: dict[str, Any],  # noqa: F811
    size: str,
) -> None:
    w = campaign_world
    report_demo(w, w["today"])
    services.campaign_close(actor=w["admin"], campaign=w["campaign"])
    enter_offers(w)
    run = services.optimiser_run(actor=w["admin"], campaign=w["campaign"])
    billing = runs.run_create(actor=w["admin"], period="2026-Q1").run
    runs.run_review(actor=w["admin"], run=billing)
    runs.run_issue(actor=w["admin"], run=billing, today=dt.date(2026, 4, 2))
    invoice = Invoice.objects.get(member=w["wernigerode"])

    device = TOTPDevice.objects.create(user=w["admin"], name="App", confirmed=True)
    page = _login(browser, live_server, "admin@test.example", device)
    page.set_viewport_size(VIEWPORTS[size])

    page.goto(live_server.url + reverse("bundling:run", args=[w["campaign"].pk, run.pk]))
    main = page.get_by_role("main")
    main.get_by_text("nachweislich günstigste Vergabe").wait_for()
    text = main.inner_text().replace("\xa0", " ")
    assert "Rechenzeit" in text and " s" in text and "Lücke" not in text
    assert "40 Stück" in text and "35.400,00 €" in text
    chart = page.get_by_role("img", name="Kosten gebündelt und Einsparung je Mitglied (EUR)")
    chart.wait_for(state="visible", timeout=10_000)
    assert "Stadt Wernigerode" in chart.inner_html() and "Kosten in € (netto)" in chart.inner_html()
    _fits(page, f"optimiser-result-{size}")

    page.goto(live_server.url + reverse("billing:invoice", args=[invoice.pk]))
    page.get_by_role("heading", name=f"Rechnung {invoice.number}").wait_for()
    status = page.locator(".kern-badge").first
    assert status.inner_text() in ("offen", "überfällig")
    assert "2 Tage à 480,00 €" in page.get_by_role("main").inner_text().replace("\xa0", " ")
    _fits(page, f"invoice-{size}")


def test_who_may_call_off_is_a_rule_in_words_at_390_px(
    browser: Any,  # noqa: F811
    live_server: Any,
    contract_world: dict[str, Any],
) -> None:
    device = TOTPDevice.objects.create(user=contract_world["admin"], name="App", confirmed=True)
    page = _login(browser, live_server, "admin@test.example", device)
    page.set_viewport_size(VIEWPORTS["390"])
    page.goto(live_server.url + reverse("contracts:create"))
    rules = [page.get_by_label(label, exact=True) for label in ("alle Mitglieder", "alle Mitglieder einer Art")]
    selected = page.get_by_label("ausgewählte Mitglieder", exact=True)
    assert selected.is_checked() and not any(rule.is_checked() for rule in rules)  # the default
    rules[0].check()
    assert rules[0].is_checked() and not selected.is_checked()
    assert "später zugelassen" in page.get_by_role("main").inner_text()
    assert page.locator('input[type="checkbox"][name="eligible_members"]').count() == 0  # no list of every member
    _fits(page, "contract-form-390")
