"""Browser test of a mini-competition at 390 px: the requester's cart review refuses the line and leads to
"Kleinwettbewerb starten", the request is created and sent through the confirmation page, a supplier
answers in the portal, and after the deadline the requester sees the comparison; every page checked with
axe-core and without horizontal page scroll."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kitu.competitions.models import Competition, Offer, Status
from kitu.orders.models import Cart, CartLine
from tests.browser.test_browser import _login, browser, check_accessibility  # noqa: F401 - browser is a fixture

from .conftest import pass_deadline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_page_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"{page.url}: {width} px of horizontal page scroll"


def check(page: Any) -> None:
    check_accessibility(page)
    no_page_scroll(page)


def test_request_offer_and_comparison_on_a_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    comp_world: dict[str, Any],
    tmp_path: Any,
) -> None:
    w = comp_world
    cart, _c = Cart.objects.get_or_create(user=w["users"]["requester"], member=w["wernigerode"])
    CartLine.objects.create(
        cart=cart, lot=w["mc_lot"], description="Rechner Typ A", unit_price=Decimal("700"), quantity=10
    )
    member = _login(browser, live_server, "requester@test.example")
    member.set_viewport_size({"width": 390, "height": 844})
    member.goto(live_server.url + "/bestellungen/warenkorb/pruefen/")
    check(member)
    member.get_by_role("link", name="Kleinwettbewerb starten").click()
    member.wait_for_url(re.compile(r".*/kleinwettbewerbe/neu/.*"))
    check(member)
    member.get_by_label("Gegenstand").fill("10 Rechner für das Bürgerbüro")
    member.get_by_label("Gewünschter Liefertermin").fill((timezone.localdate() + dt.timedelta(days=40)).isoformat())
    member.get_by_label(re.compile("^Angebotsfrist")).fill(
        (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    )
    member.get_by_role("button", name="Anfrage anlegen").click()
    assert member.locator(".kitu-error-summary").count() == 1  # too short a deadline
    check(member)
    member.get_by_label(re.compile("^Angebotsfrist")).fill(
        (timezone.localtime() + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    )
    member.get_by_label(re.compile("^Weitere Zuschlagskriterien")).fill("Lieferzeit: 30")
    member.get_by_role("button", name="Anfrage anlegen").click()
    member.wait_for_url(re.compile(r".*/kleinwettbewerbe/\d+/$"))
    check(member)
    member.get_by_role("button", name="Anfrage versenden").click()
    assert member.get_by_text("3 Lieferanten werden eingeladen", exact=False).count() == 1
    check(member)
    member.get_by_role("button", name="3 Lieferanten einladen").click()
    member.wait_for_url(re.compile(r".*/kleinwettbewerbe/\d+/$"))
    assert member.get_by_text("Angebote werden bis", exact=False).count() == 1
    check(member)
    competition = Competition.objects.get()
    assert competition.status == Status.OPEN

    supplier = _login(browser, live_server, "portal@harz.example")
    supplier.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Kleinwettbewerbe").click()
    supplier.set_viewport_size({"width": 390, "height": 844})
    check(supplier)
    supplier.get_by_role("link", name="10 Rechner für das Bürgerbüro").click()
    check(supplier)
    supplier.get_by_label(re.compile("^Pos. 1: Einzelpreis")).fill("689,50")
    supplier.get_by_label("Liefertermin").fill((timezone.localdate() + dt.timedelta(days=14)).isoformat())
    document = tmp_path / "angebot.pdf"
    document.write_bytes(b"%PDF-1.4 Angebot")
    supplier.get_by_label(re.compile("^Angebotsdokument")).set_input_files(str(document))
    supplier.get_by_role("button", name="Angebot abgeben").click()
    supplier.wait_for_url(re.compile(r".*/kleinwettbewerbe/\d+/$"))
    assert supplier.get_by_text("6.895,00", exact=False).count() == 1
    check(supplier)
    assert Offer.objects.count() == 1

    pass_deadline(competition)
    member.reload()
    assert member.get_by_role("heading", name="Preisspiegel").count() == 1
    check(member)
