"""Browser test of billing: the office runs a month on the pages (compute, review, issue), records a
payment; the member's admin finds the invoice with its downloads and requests a service — every page
checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitu.billing.models import Invoice, SubscriptionRequest
from kitu.billing.tests.conftest import billing_world  # noqa: F401 - a fixture

from .test_browser import _login, browser, check_accessibility  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_bills_a_month_and_the_member_finds_its_invoice(
    browser: Any,  # noqa: F811
    live_server: Any,
    billing_world: dict[str, Any],  # noqa: F811
) -> None:
    device = TOTPDevice.objects.create(user=billing_world["admin"], name="App", confirmed=True)
    office = _login(browser, live_server, "admin@test.example", device)
    office.goto(live_server.url + "/leistungen/abrechnung/")
    check_accessibility(office)
    office.get_by_label("Zeitraum").fill("2026-02")
    office.get_by_role("button", name="Berechnen").click()
    office.get_by_role("button", name="Als geprüft markieren").click()
    office.get_by_role("button", name="Rechnungen ausstellen und verschicken …").click()
    office.get_by_role("button", name="2 Rechnungen ausstellen und verschicken").click()  # the confirmation
    office.get_by_text("2 Rechnungen ausgestellt, 2 verschickt.").wait_for()
    check_accessibility(office)
    assert list(Invoice.objects.order_by("number").values_list("number", flat=True)) == ["2026-000001", "2026-000002"]
    office.goto(live_server.url + "/leistungen/rechnungen/")
    check_accessibility(office)  # receivables with the chart
    office.get_by_role("link", name="2026-000001", exact=True).click()
    office.get_by_role("button", name="Buchen").click()
    office.get_by_text("Der Zahlungseingang ist gebucht.").wait_for()
    check_accessibility(office)
    assert Invoice.objects.get(number="2026-000001").paid_on is not None

    member = _login(browser, live_server, "memberadmin@test.example")
    member.goto(live_server.url + "/leistungen/rechnungen/")
    check_accessibility(member)
    assert member.get_by_role("link", name="2026-000002", exact=True).count() == 0  # Zeitz's
    with member.expect_download() as download:
        member.get_by_role("link", name="XRechnung (UBL) 2026-000001").click()
    assert download.value.suggested_filename == "2026-000001-xrechnung-ubl.xml"
    member.goto(live_server.url + "/leistungen/")
    check_accessibility(member)
    member.get_by_label("Leistung", exact=True).select_option(label="Schulungstag")
    member.get_by_label("Beginn").fill("2027-01-12")
    member.get_by_role("button", name="Beantragen").click()
    member.get_by_text("Ihr Antrag ist eingegangen").wait_for()
    check_accessibility(member)
    assert SubscriptionRequest.objects.get().service.code == "schulung"
