"""Browser test: the office on a phone (390 px) ends a board member's term (confirmation page), records a
supervisory board resolution with its signed PDF, and calls off an assembly after its confirmation page;
every page checked with axe-core and without horizontal page scroll."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitu.governance.models import Assembly, BodyMember, Resolution
from kitu.governance.rules import PollStatus
from kitu.governance.services import assemblies, voting
from tests.browser.test_browser import _login, browser, check_accessibility  # noqa: F401 - browser is a fixture

from .conftest import PDF
from .test_browser import no_page_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _checked(page: Any) -> None:
    check_accessibility(page)
    no_page_scroll(page)


def test_office_keeps_bodies_and_cancels_an_assembly_on_a_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    gov: dict[str, Any],
    tmp_path: Path,
) -> None:
    w = gov
    person = assemblies.body_member_add(
        actor=w["admin"], body="board", full_name="Petra Lindner", function="chair", term_start=dt.date(2024, 7, 1)
    )
    for poll in (w["open_poll"], w["secret_poll"]):
        voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.CLOSED)
    device = TOTPDevice.objects.create(user=w["admin"], name="App", confirmed=True)
    page = _login(browser, live_server, "admin@test.example", device)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/genossenschaft/")
    page.get_by_role("link", name="Vorstand und Aufsichtsrat pflegen").click()
    page.get_by_role("heading", name="Vorstand und Aufsichtsrat pflegen").wait_for()
    _checked(page)
    page.get_by_label("Ende für Petra Lindner").fill("2026-06-30")
    page.get_by_role("button", name="Beenden …").click()
    page.get_by_role("heading", name="Amtszeit beenden?").wait_for()
    _checked(page)
    assert BodyMember.objects.get(pk=person.pk).term_end is None
    page.get_by_role("button", name="Amtszeit beenden").click()
    page.get_by_role("heading", name="Vorstand und Aufsichtsrat pflegen").wait_for()
    assert BodyMember.objects.get(pk=person.pk).term_end == dt.date(2026, 6, 30)

    signed = tmp_path / "beschluss.pdf"
    signed.write_bytes(PDF)
    form = page.locator(
        "form", has=page.get_by_role("heading", name="Beschluss von Vorstand oder Aufsichtsrat eintragen")
    )
    form.get_by_label("Organ").select_option("supervisory")
    form.get_by_label("Beschlussgegenstand").fill("Prüfung der Rechenzentrumsverträge")
    form.get_by_label("Datum der Sitzung").fill("2026-03-04")
    form.get_by_label("Ja-Stimmen").fill("4")
    form.get_by_label("Nein-Stimmen").fill("1")
    form.get_by_label("Enthaltungen").fill("0")
    form.get_by_label("unterschriebener Beschluss (PDF, freiwillig)").set_input_files(str(signed))
    form.get_by_role("button", name="Beschluss eintragen …").click()
    page.get_by_role("heading", name="Beschluss ins Beschlussregister eintragen?").wait_for()
    _checked(page)
    assert not Resolution.objects.filter(title="Prüfung der Rechenzentrumsverträge").exists()
    page.get_by_label("unterschriebener Beschluss (PDF, bitte erneut wählen)").set_input_files(str(signed))
    page.get_by_role("button", name="Beschluss eintragen", exact=True).click()
    page.wait_for_url(re.compile(r".*/genossenschaft/beschluesse/\?body=supervisory$"))
    page.get_by_role("link", name="unterschriebener Beschluss, PDF").wait_for()
    _checked(page)
    assert Resolution.objects.get(title="Prüfung der Rechenzentrumsverträge").document_name == "beschluss.pdf"

    page.goto(live_server.url + f"/genossenschaft/versammlungen/{w['assembly'].pk}/")
    page.get_by_role("link", name="Termin, Tagesordnung bearbeiten oder absagen").click()
    page.get_by_role("heading", name="Versammlung absagen").wait_for()
    _checked(page)
    page.get_by_label("Grund der Absage (steht in der Mail an die Vertretungen)").fill("Hochwasser in Magdeburg")
    page.get_by_role("button", name="Absagen …").click()
    page.get_by_role("heading", name="Versammlung absagen?").wait_for()
    _checked(page)
    assert Assembly.objects.get(pk=w["assembly"].pk).cancelled_at is None
    page.get_by_role("button", name=re.compile("Versammlung absagen und 0 Absagen verschicken")).click()
    page.get_by_text("Abgesagt am").wait_for()
    _checked(page)
    assert Assembly.objects.get(pk=w["assembly"].pk).cancel_reason == "Hochwasser in Magdeburg"
