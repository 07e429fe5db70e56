"""Browser test of "confirm, then show progress": the office issues a billing run through the confirmation
page and the progress page to the result, at 390×844 and 1280×800 — no page-level horizontal overflow, axe
without serious or critical findings; the submit button is disabled while its form is being sent."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitu.billing import runs
from kitu.billing.models import Invoice
from kitu.billing.tests.conftest import billing_world  # noqa: F401 - a fixture
from kitu.core.models import Job

from .test_browser import PASSWORD, _code, browser, check_accessibility  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [{"width": 390, "height": 844}, {"width": 1280, "height": 800}]


def _no_overflow(page: Any) -> None:
    page.wait_for_load_state()  # a click may have started a navigation: measure the new page
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url}: {scroll} > {inner}"


def _check(page: Any) -> None:
    _no_overflow(page)
    check_accessibility(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["390", "1280"])
def test_office_issues_a_run_through_confirmation_and_progress(
    browser: Any,  # noqa: F811
    live_server: Any,
    billing_world: dict[str, Any],  # noqa: F811
    viewport: dict[str, int],
) -> None:
    admin = billing_world["admin"]
    run = runs.run_create(actor=admin, period="2026-02").run
    runs.run_review(actor=admin, run=run)
    device = TOTPDevice.objects.create(user=admin, name="App", confirmed=True)
    page = browser.new_page(locale="de-DE", bypass_csp=True, viewport=viewport)  # bypass: axe is injected
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("admin@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_label("Sicherheitscode aus der Authenticator-App").fill(_code(device))
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + f"/leistungen/abrechnung/{run.pk}/")
    _check(page)
    # the button disables while its form is on the way: sent into a frame here, so this page stays to be looked at
    page.evaluate(
        "() => { const sink = document.createElement('iframe'); sink.name = 'sink'; sink.title = 'sink';"
        " document.body.append(sink); document.querySelector('.kitu-toolbar form').target = 'sink'; }"
    )
    page.get_by_role("button", name="Rechnungen ausstellen und verschicken …").click()
    page.wait_for_function("document.querySelector('.kitu-toolbar form button[type=submit]').disabled")
    assert page.evaluate("document.querySelector('.kitu-toolbar form').getAttribute('aria-busy')") == "true"
    page.reload()
    page.get_by_role("button", name="Rechnungen ausstellen und verschicken …").click()
    page.get_by_role("heading", name="Abrechnungslauf 2026-02 ausstellen?").wait_for()
    assert page.get_by_text("2 Rechnungen ausstellen und an 2 Mitglieder senden").count() == 1
    assert Invoice.objects.filter(status="issued").count() == 0 and Job.objects.count() == 0
    _check(page)

    page.get_by_role("button", name="2 Rechnungen ausstellen und verschicken").click()
    page.get_by_text("2 Rechnungen ausgestellt, 2 verschickt.").wait_for()
    job = Job.objects.get()
    assert page.url == live_server.url + f"/fortschritt/{job.pk}/"
    assert (job.status, job.done, job.total) == ("done", 2, 2)
    _check(page)
    page.reload()  # the job id is in the URL: the page survives a reload
    page.get_by_text("2 Rechnungen ausgestellt, 2 verschickt.").wait_for()

    page.get_by_role("link", name="Zum Abrechnungslauf 2026-02 mit allen Rechnungen").click()
    page.wait_for_url(live_server.url + f"/leistungen/abrechnung/{run.pk}/")
    assert list(Invoice.objects.order_by("number").values_list("number", flat=True)) == ["2026-000001", "2026-000002"]
    assert page.get_by_role("cell", name="2026-000001").count() == 1
    _check(page)
