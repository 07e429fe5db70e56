"""Phones (issue 18.4): on the demo data, six roles visit every page of their menu and the first detail page
each links to, at 390×844 and 1280×800: no page-level horizontal scroll, axe 0 serious/critical, touch targets of 44 px,
the menu behind its button. The citizen's form and its confirmation at 390×844 and 1280×800, with the
location from the device and without JavaScript. Screenshots go to KITU_SCREENSHOTS (a folder) if set."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from kitu.accounts.models import User
from kitu.defects.models import DefectService, Report
from kitu.demo.data import DEMO_DOMAIN, DEMO_PASSWORD

from .test_browser import _code, browser, check_accessibility  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ROLES = {  # demo login: needs a second factor
    "admin": True,
    "memberadmin.wernigerode": False,
    "requester.wernigerode": False,
    "approver.wernigerode": True,
    "supplier": False,
    "caseworker.wernigerode": False,
}
# What a person taps on a phone (up to 768 px wide): buttons, fields, the menu button and entries, footer links.
TARGETS = (
    "button:not([hidden]), input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, "
    "summary, .kitu-nav__link, .kitu-footer__links a, .leaflet-bar a"
)
MEASURE = """(selector) => {
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || el.closest('.kitu-hp')) continue;
    const label = (el.innerText || el.name || '').trim().slice(0, 40);
    const tag = el.tagName.toLowerCase();
    if (window.innerWidth <= 768 && box.height < 44) small.push(`${tag} "${label}" ${Math.round(box.height)}px`);
  }
  const wide = [];  // the innermost elements past the right edge, outside any box of their own that scrolls
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const past = (el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(el);
  if (document.documentElement.scrollWidth > window.innerWidth) {
    for (const el of document.querySelectorAll('body *')) {
      if (past(el) && ![...el.children].some(past)) {
        wide.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.innerText || '').slice(0, 30)}"`);
      }
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, small: small.slice(0, 5),
          wide: wide.slice(0, 4)};
}"""


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("KITU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(Path(folder) / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"), full_page=True
        )


def _problems(page: Any, name: str) -> list[str]:
    """What is wrong with the page as shown: overflow, small targets, axe findings."""
    found = []
    measured = page.evaluate(MEASURE, TARGETS)
    if measured["scroll"] > measured["inner"]:
        found.append(f"{name}: {measured['scroll']} px wide at {measured['inner']} px: {measured['wide']}")
    if measured["small"]:
        found.append(f"{name}: touch targets under 44 px: {measured['small']}")
    try:
        check_accessibility(page)
    except AssertionError as exc:
        found.append(f"{name}: axe {exc}")
    _shot(page, name)
    return found


def _login(chromium: Any, base: str, login: str, second_factor: bool, **context: Any) -> Any:
    page = chromium.new_context(locale="de-DE", bypass_csp=True, **context).new_page()
    user = User.objects.get(email=f"{login}@{DEMO_DOMAIN}")
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True) if second_factor else None
    page.goto(base + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(user.email)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    if device is not None:
        page.wait_for_url(re.compile(r".*/konto/zwei-faktor/.*"))
        page.get_by_label("Sicherheitscode aus der Authenticator-App").fill(_code(device))
        page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(base + "/")
    return page


def _first_detail(page: Any, path: str) -> str | None:
    """The first link in the page's content to a page below this one (a row of its table or list)."""
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    for href in hrefs:
        target = urlsplit(href).path
        if target.startswith(path) and target != path and not re.search(r"\.(csv|xlsx|pdf|xml|zip)$|/export", target):
            return href
    return None


@pytest.fixture
def demo(db: Any) -> None:
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_every_menu_page_fits_the_screen(
    browser: Any,  # noqa: F811
    live_server: Any,
    demo: None,
    viewport: dict[str, int],
) -> None:
    problems: list[str] = []
    visited = 0
    for login, second_factor in ROLES.items():
        page = _login(browser, live_server.url, login, second_factor, viewport=viewport)
        menu = page.get_by_role("navigation", name="Hauptnavigation")
        if viewport == PHONE:
            assert menu.get_by_role("link").first.is_hidden()  # behind the menu button
            menu.get_by_text("Menü").click()
        else:
            assert menu.get_by_text("Menü").is_hidden()  # wide: the list shows, the button hides
        menu.get_by_role("link", name="Mein Konto").wait_for(state="visible", timeout=10_000)
        problems += _problems(page, f"{login} menu {viewport['width']}")
        urls = page.eval_on_selector_all(".kitu-nav__link", "links => links.map(a => a.getAttribute('href'))")
        for url in urls:
            page.goto(live_server.url + url)
            problems += _problems(page, f"{login} {url} {viewport['width']}")
            visited += 1
            detail = _first_detail(page, url)
            if detail and url != "/":
                response = page.goto(live_server.url + detail if detail.startswith("/") else detail)
                if response is not None and response.headers.get("content-type", "").startswith("text/html"):
                    problems += _problems(page, f"{login} {detail} {viewport['width']}")
                    visited += 1
        page.context.close()
    assert visited > 40
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_citizen_reports_with_the_location_of_the_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    demo: None,
    viewport: dict[str, int],
) -> None:
    context = browser.new_context(
        locale="de-DE",
        bypass_csp=True,
        viewport=viewport,
        geolocation={"latitude": 51.8361, "longitude": 10.7812, "accuracy": 12},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(live_server.url + "/maengel/wernigerode/")
    page.wait_for_selector(".leaflet-container")
    name = f"citizen form {viewport['width']}"
    assert _problems(page, name) == []
    assert page.get_by_label(re.compile("^Breite")).is_hidden()  # coordinates only without JavaScript
    assert page.get_by_label("Was ist los?").input_value() == ""  # nothing preselected
    assert page.locator(".kitu-brand__name").inner_text() == "Stadt Wernigerode"
    page.get_by_role("button", name="Meinen Standort verwenden").click()
    page.get_by_text("Standort übernommen (auf etwa 12 m genau)", exact=False).wait_for()
    page.get_by_label("Was ist los?").select_option("Straßenbeleuchtung")
    page.get_by_label("Beschreibung", exact=True).fill("Laterne aus")
    assert page.get_by_role("link", name="Datenschutzerklärung").count() == 1
    page.get_by_role("button", name="Meldung absenden").click()
    page.wait_for_url(re.compile(r".*/maengel/wernigerode/meldung/.*"))
    report = Report.objects.get(description="Laterne aus")
    assert (float(report.lat or 0), float(report.lon or 0)) == (51.8361, 10.7812)
    assert page.locator("#reference").inner_text() == f"wernigerode-{report.pk}"
    assert _problems(page, f"citizen confirmation {viewport['width']}") == []
    footer = page.get_by_role("navigation", name="Rechtliche Hinweise")
    footer.get_by_role("link", name="Impressum").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Impressum"
    assert _problems(page, f"town imprint {viewport['width']}") == []
    context.close()


def test_citizen_form_without_javascript_shows_the_coordinates(
    browser: Any,  # noqa: F811
    live_server: Any,
    demo: None,
) -> None:
    context = browser.new_context(locale="de-DE", java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/maengel/wernigerode/")
    page.get_by_label(re.compile("^Breite")).wait_for(state="visible", timeout=10_000)
    assert page.get_by_role("button", name="Meinen Standort verwenden").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_member_admin_sets_the_coat_of_arms_on_a_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    demo: None,
) -> None:
    page = _login(browser, live_server.url, "memberadmin.wernigerode", False, viewport=PHONE)
    service = DefectService.objects.get(slug="wernigerode")
    page.goto(live_server.url + reverse("defects:manage_service", args=[service.member_id]))
    page.get_by_role("link", name=re.compile("^Wappen und rechtliche Angaben")).click()
    assert _problems(page, "town page setup 390") == []
    arms = io.BytesIO()
    Image.new("RGBA", (300, 360), (180, 20, 30, 255)).save(arms, "PNG")
    page.locator("#id_coat_of_arms").set_input_files(
        [{"name": "wappen.png", "mimeType": "image/png", "buffer": arms.getvalue()}]
    )
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Wappen und rechtliche Angaben sind gespeichert.").wait_for()
    page.goto(live_server.url + reverse("defects:town", args=["wernigerode"]))
    logo = page.get_by_role("img", name="Wappen: Stadt Wernigerode")
    assert logo.evaluate("img => img.naturalWidth") == 300
    assert _problems(page, "citizen form with arms 390") == []
    page.get_by_role("navigation", name="Rechtliche Hinweise").get_by_role("link", name="Barrierefreiheit").click()
    assert page.get_by_role("link", name="barrierefreiheit@wernigerode.de.example").count() == 1
    assert _problems(page, "town accessibility statement 390") == []
    page.context.close()
