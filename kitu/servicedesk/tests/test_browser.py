"""Browser test of the service desk: a member reports a ticket on a phone (390 px), the desk answers with a
public reply and an internal note, the member sees the reply but not the note; every page checked with axe-core
and without horizontal page scroll."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitu.servicedesk.models import CannedReply, Team, Ticket
from tests.browser.test_browser import _login, browser, check_accessibility  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_page_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"{page.url}: {width} px of horizontal page scroll"


def test_member_reports_on_a_phone_and_the_desk_answers(
    browser: Any,  # noqa: F811
    live_server: Any,
    desk: dict[str, Any],
) -> None:
    member = _login(browser, live_server, "requester@test.example")
    member.set_viewport_size({"width": 390, "height": 844})
    member.goto(live_server.url + "/servicedesk/")
    check_accessibility(member)
    no_page_scroll(member)
    member.get_by_role("link", name="Ticket melden").click()
    check_accessibility(member)
    no_page_scroll(member)
    member.get_by_label("Betreff").fill("Scanner im Bürgeramt")
    member.get_by_label("Beschreibung").fill("Der Scanner meldet „Papierstau“, obwohl kein Papier drin ist.")
    member.get_by_label("Art").select_option("incident")
    member.get_by_label("Auswirkung").select_option("low")
    member.get_by_label("Dringlichkeit").select_option("high")
    member.get_by_role("button", name="Ticket absenden").click()
    member.wait_for_url(re.compile(r".*/servicedesk/tickets/\d+/$"))
    ticket = Ticket.objects.get()
    assert member.get_by_role("heading", name=re.compile(ticket.number)).count() == 1
    check_accessibility(member)
    no_page_scroll(member)

    staff = _login(browser, live_server, "servicedesk@test.example")
    staff.goto(live_server.url + "/servicedesk/")
    check_accessibility(staff)
    staff.get_by_role("link", name=ticket.number).click()
    staff.get_by_label("Nachricht").fill("Intern: Treiber neu installieren")
    staff.get_by_label(re.compile("interne Notiz")).check()
    staff.get_by_role("button", name="Senden").click()
    staff.get_by_text("Notiz gespeichert.").wait_for()
    staff.get_by_label("Nachricht").fill("Wir schicken heute jemanden vorbei.")
    staff.get_by_role("button", name="Senden").click()
    staff.get_by_text("Nachricht gesendet.").wait_for()
    check_accessibility(staff)
    staff.goto(live_server.url + "/servicedesk/uebersicht/")
    check_accessibility(staff)

    member.reload()
    assert member.get_by_text("Wir schicken heute jemanden vorbei.").count() == 1
    assert member.get_by_text("Treiber neu installieren", exact=False).count() == 0
    check_accessibility(member)
    no_page_scroll(member)


def test_office_edits_a_team_and_retires_a_canned_reply_on_a_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    desk: dict[str, Any],
) -> None:
    CannedReply.objects.create(title="Neustart", body="Bitte starten Sie den Rechner neu.")
    device = TOTPDevice.objects.create(user=desk["users"]["coop_admin"], name="App", confirmed=True)
    page = _login(browser, live_server, "admin@test.example", device)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/servicedesk/")
    page.get_by_role("link", name="Einstellungen").click()
    check_accessibility(page)
    no_page_scroll(page)
    page.get_by_role("link", name="Neues Team").click()
    check_accessibility(page)
    page.get_by_label("Bezeichnung").fill("Telefonie")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Team gespeichert.").wait_for()
    page.get_by_role("button", name="„Neustart“ außer Gebrauch nehmen").click()
    check_accessibility(page)
    no_page_scroll(page)
    page.get_by_role("button", name="Außer Gebrauch nehmen").click()
    page.get_by_text("Textbaustein außer Gebrauch genommen.").wait_for()
    assert Team.objects.filter(name="Telefonie").exists()
    assert CannedReply.objects.get().retired_at is not None
