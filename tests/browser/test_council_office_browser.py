"""Browser test of the council office: it plans a meeting, puts a paper and further items on the agenda,
orders them, invites (late, with a reason), records attendance and results and publishes — on a 390 px
phone screen. axe-core finds no WCAG 2.1 A/AA violation of any impact on the office pages used, and no page
scrolls sideways."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kitu.council.models import Meeting, MeetingState
from kitu.council.tests.conftest import council_world  # noqa: F401 - a fixture
from kitu.council.tests.factories import minimal_pdf

from .test_browser import AXE, PASSWORD, browser  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _check(page: Any, name: str, problems: list[str]) -> None:
    page.wait_for_load_state()  # a click may have started a navigation: measure the new page
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        problems.append(f"{name}: {width[0]} px wide at {width[1]} px")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', "
        "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    if violations:
        problems.append(f"{name}: axe {violations}")
    folder = os.environ.get("KITU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower())
        page.screenshot(path=str(Path(folder) / f"council-office-{slug}.png"), full_page=True)


def test_office_plans_invites_records_and_publishes(
    browser: Any,  # noqa: F811
    live_server: Any,
    council_world: dict[str, Any],  # noqa: F811
) -> None:
    problems: list[str] = []
    page = browser.new_page(locale="de-DE", viewport=PHONE, bypass_csp=True)  # axe is injected inline
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("ratsbuero@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + reverse("council:office_meetings", args=["wernigerode"]))
    _check(page, "list", problems)
    page.get_by_role("link", name="Neue Sitzung planen").click()
    _check(page, "new", problems)
    start = timezone.localtime(timezone.now() + dt.timedelta(days=2)).replace(hour=17, minute=0)
    page.get_by_label("Bezeichnung").fill("5. Sitzung des Stadtrates")
    page.get_by_label("Beginn").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Stadtrat").check()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(re.compile(r".*/sitzungsdienst/wernigerode/sitzungen/\d+/$"))
    meeting = Meeting.objects.get(name="5. Sitzung des Stadtrates")

    # the agenda: a paper, a free item, a non-public item; the free item moves to the top
    paper_form = page.locator("form", has=page.locator("#h-add-paper"))
    paper_form.get_by_label("Vorlage").select_option(label="BV/0150/2026 – Haushaltssatzung 2027")
    paper_form.get_by_role("button", name="Vorlage anfügen").click()
    page.wait_for_load_state()
    free_form = page.locator("form", has=page.locator("#h-add-free"))
    free_form.get_by_label("Gegenstand").fill("Einwohnerfragestunde")
    free_form.get_by_role("button", name="Punkt anfügen").click()
    page.wait_for_load_state()
    free_form = page.locator("form", has=page.locator("#h-add-free"))
    free_form.get_by_label("Gegenstand").fill("Personalangelegenheit")
    free_form.get_by_label("öffentlich beraten").uncheck()
    free_form.get_by_role("button", name="Punkt anfügen").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="nach oben (TOP 2)").click()
    page.wait_for_load_state()
    rows = page.locator(".council-agenda > li")
    assert rows.nth(0).get_by_role("heading").inner_text() == "TOP 1 Einwohnerfragestunde"
    assert rows.nth(1).get_by_role("heading").inner_text() == "TOP 2 Haushaltssatzung 2027"
    assert "Vorlage BV/0150/2026" in rows.nth(1).inner_text()
    assert "nichtöffentlich" in rows.nth(2).inner_text()
    _check(page, "work page (planning)", problems)

    # the invitation is late: the confirmation page warns, the reason is recorded
    page.get_by_role("button", name="Einladen …").click()
    page.wait_for_load_state()
    assert "Ladungsfrist von 7 Tagen ist unterschritten" in page.content()
    _check(page, "invite confirmation", problems)
    page.get_by_label("Grund der verkürzten Ladung").fill("Fristablauf Fördermittelantrag")
    page.get_by_role("button", name="Einladung an 1 Person senden").click()
    page.wait_for_url(re.compile(r".*/sitzungen/\d+/$"))
    assert page.get_by_text("Fristablauf Fördermittelantrag", exact=False).count() == 1
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert any(name == "sitzung.ics" for name, _content, _type in mail.outbox[0].attachments)

    # the meeting took place an hour ago
    Meeting.objects.filter(pk=meeting.pk).update(start=timezone.now() - dt.timedelta(hours=1), end=None)
    page.reload()
    page.get_by_role("link", name="Anwesenheit erfassen").click()
    _check(page, "attendance", problems)
    page.get_by_label("Tobias Kascha").select_option("present")
    page.get_by_label("Dr. Anna Schmidt").select_option("present")
    page.get_by_role("button", name="Anwesenheit speichern").click()
    page.wait_for_url(re.compile(r".*/sitzungen/\d+/#h-attendance$"))
    assert "2 anwesend" in page.content()

    page.get_by_role("link", name="Ergebnis erfassen (TOP 1)").click()
    _check(page, "result", problems)
    page.get_by_label("Ergebnis", exact=True).select_option(label="zur Kenntnis genommen")
    page.get_by_role("button", name="Ergebnis speichern").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Ergebnis erfassen (TOP 2)").click()
    page.get_by_label("Ergebnis", exact=True).select_option(label="beschlossen")
    page.get_by_label("Beschlusstext").fill("Die Haushaltssatzung 2027 wird beschlossen.")
    page.get_by_label("Ja-Stimmen").fill("3")  # only 2 present: refused at the field
    page.get_by_role("button", name="Ergebnis speichern").click()
    page.wait_for_load_state()
    assert page.locator("#id_votes_yes-error").count() == 1
    _check(page, "result with error", problems)
    page.get_by_label("Ja-Stimmen").fill("2")
    page.get_by_role("button", name="Ergebnis speichern").click()
    page.wait_for_url(re.compile(r".*/sitzungen/\d+/#h-agenda$"))
    assert "beschlossen (2 Ja, 0 Nein, 0 Enthaltungen)" in page.content()

    page.get_by_label("Ergebnisprotokoll (PDF)").set_input_files(
        [{"name": "protokoll.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf("Protokoll")}]
    )
    page.get_by_role("button", name="Protokoll hochladen").click()
    page.wait_for_url(re.compile(r".*#h-minutes$"))
    _check(page, "work page (held)", problems)
    page.get_by_role("button", name="Ergebnisse veröffentlichen …").click()
    page.wait_for_load_state()
    _check(page, "publish confirmation", problems)
    page.get_by_role("button", name="Ergebnisse veröffentlichen", exact=True).click()
    page.wait_for_url(re.compile(r".*/sitzungen/\d+/$"))
    assert page.get_by_text("Die Ergebnisse sind veröffentlicht.").count() == 1
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PUBLISHED and meeting.invitation_late
    _check(page, "work page (published)", problems)
    assert problems == [], "\n".join(problems)
    assert errors == [], "\n".join(errors)
    page.close()
