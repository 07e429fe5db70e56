"""Browser test of inbound invoices: the supplier uploads a broken and then a good XRechnung from the order
list, the requester confirms the factual correctness through the confirmation page; every page checked with
axe-core, and the upload and invoice pages at 390 px without horizontal page scroll."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kitu.payables.models import InboundInvoice, InvoiceStatus
from tests.browser.test_browser import _login, browser, check_accessibility  # noqa: F401 - browser is a fixture

from .conftest import good_ubl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_page_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"{page.url}: {width} px of horizontal page scroll"


def test_supplier_uploads_and_requester_confirms(
    browser: Any,  # noqa: F811
    live_server: Any,
    payables_world: dict[str, Any],
    tmp_path: Any,
) -> None:
    supplier = _login(browser, live_server, "supplier@test.example")
    supplier.set_viewport_size({"width": 390, "height": 844})
    supplier.goto(live_server.url + "/bestellungen/")
    supplier.get_by_role("link", name="Rechnung einreichen (XRechnung)").click()
    supplier.wait_for_url(re.compile(r".*/eingangsrechnungen/einreichen/$"))
    check_accessibility(supplier)
    no_page_scroll(supplier)
    bad = tmp_path / "falsch.xml"
    bad.write_bytes(
        good_ubl().replace(b'PayableAmount currencyID="EUR">4284.00', b'PayableAmount currencyID="EUR">1.00')
    )
    supplier.get_by_label(re.compile("^XRechnung")).set_input_files(str(bad))
    supplier.get_by_role("button", name="Prüfen und einreichen").click()
    supplier.get_by_role("heading", name="Die Rechnung wurde nicht angenommen").wait_for()
    assert supplier.get_by_text("BR-CO-16", exact=False).count() >= 1
    check_accessibility(supplier)
    no_page_scroll(supplier)
    assert InboundInvoice.objects.count() == 0
    good = tmp_path / "rechnung.xml"
    good.write_bytes(good_ubl())
    supplier.get_by_label(re.compile("^XRechnung")).set_input_files(str(good))
    supplier.get_by_role("button", name="Prüfen und einreichen").click()
    supplier.wait_for_url(re.compile(r".*/eingangsrechnungen/\d+/$"))
    assert supplier.get_by_text("Die Rechnung ist eingegangen und passt zur Bestellung.").count() == 1
    check_accessibility(supplier)
    no_page_scroll(supplier)
    invoice = InboundInvoice.objects.get()

    requester = _login(browser, live_server, "requester@test.example")
    requester.goto(live_server.url + "/bestellungen/")
    requester.get_by_role("link", name="Eingangsrechnungen").click()
    check_accessibility(requester)
    requester.get_by_role("link", name=re.compile("RE-2026-1001")).click()
    check_accessibility(requester)
    requester.get_by_role("button", name="Sachlich richtig …").click()
    requester.get_by_role("heading", name="Sachliche Richtigkeit bestätigen?").wait_for()
    check_accessibility(requester)
    requester.get_by_role("button", name="Sachlich richtig bestätigen").click()
    requester.wait_for_url(live_server.url + f"/eingangsrechnungen/{invoice.pk}/")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.FACTUALLY_APPROVED
