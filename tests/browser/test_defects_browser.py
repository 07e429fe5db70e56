"""Browser test of the defect reporter: a citizen reports on the map with a photo, a case worker answers
and publishes, the citizen sees the answer — each page checked with axe-core (maps included)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from kitu.defects.models import Report

from .test_browser import _login, browser, check_accessibility  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_reports_on_the_map_and_a_case_worker_answers(
    browser: Any,  # noqa: F811
    live_server: Any,
    defect_world: dict[str, Any],
) -> None:
    strict = browser.new_page(locale="de-DE")  # the map works under the site's Content Security Policy
    errors: list[str] = []
    strict.on("pageerror", lambda error: errors.append(str(error)))
    strict.on(
        "console",
        lambda message: errors.append(f"{message.text} @ {message.location}") if message.type == "error" else None,
    )
    strict.goto(live_server.url + reverse("defects:town", args=["wernigerode"]))
    strict.wait_for_selector(".leaflet-container")
    assert strict.locator(".leaflet-control-zoom-in").count() == 1
    assert errors == [], "\n".join(errors)
    strict.close()
    citizen = browser.new_page(locale="de-DE", bypass_csp=True)  # axe is injected as an inline script
    citizen.on("pageerror", lambda error: errors.append(str(error)))
    citizen.goto(live_server.url + reverse("defects:town", args=["wernigerode"]))
    citizen.wait_for_selector(".leaflet-container")
    check_accessibility(citizen)
    map_view = citizen.locator("#report-map-view")
    box = map_view.bounding_box()
    map_view.click(position={"x": box["width"] / 2, "y": box["height"] / 2})  # the middle of the town's area
    lat, lon = (
        float(citizen.get_by_label(re.compile("^Breite")).input_value()),
        float(citizen.get_by_label(re.compile("^Länge")).input_value()),
    )
    assert 51.80 < lat < 51.88 and 10.70 < lon < 10.86
    citizen.get_by_label("Was ist los?").select_option("Straßenbeleuchtung")
    citizen.get_by_label("Beschreibung", exact=True).fill("Laterne vor dem Rathaus ist aus")
    photo = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(photo, "JPEG")
    citizen.get_by_label(re.compile("^Fotos")).set_input_files(
        [{"name": "laterne.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}]
    )
    citizen.get_by_label(re.compile("^E-Mail für Rückmeldungen")).fill("buerger@example.org")
    citizen.get_by_role("button", name="Meldung absenden").click()
    citizen.wait_for_url(re.compile(r".*/maengel/wernigerode/meldung/.*"))
    assert citizen.get_by_text("Danke! Ihre Meldung ist eingegangen.", exact=False).count() == 1
    assert citizen.get_by_role("img", name="Ihr Foto 1").evaluate("img => img.naturalWidth") == 640
    check_accessibility(citizen)
    report = Report.objects.get()
    assert (report.category.code, report.photos.count()) == ("beleuchtung", 1)
    assert abs(float(report.lat or 0) - lat) < 1e-6

    worker = _login(browser, live_server, "caseworker@test.example")
    worker.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Mängelmeldungen").click()
    worker.wait_for_selector(".leaflet-container")
    check_accessibility(worker)  # the inbox with filters and map
    worker.get_by_role("link", name=f"wernigerode-{report.pk}").click()
    check_accessibility(worker)  # the case page with photo, map, notes and duplicates
    worker.get_by_role("textbox", name="interne Notiz").fill("Bauhof per Telefon informiert")
    worker.get_by_role("button", name="Notiz speichern").click()
    assert worker.get_by_text("Bauhof per Telefon informiert", exact=False).count() == 1
    worker.get_by_label("Status").select_option("in Bearbeitung")
    worker.get_by_role("textbox", name="öffentliche Antwort").fill("Der Bauhof tauscht das Leuchtmittel diese Woche.")
    worker.get_by_label("veröffentlichen").check()
    worker.get_by_role("button", name="Speichern", exact=True).click()
    assert worker.get_by_text("Die Meldung ist gespeichert.").count() == 1
    worker.close()

    citizen.reload()
    assert citizen.get_by_text("Der Bauhof tauscht das Leuchtmittel diese Woche.").count() == 1
    assert citizen.get_by_text("Bauhof per Telefon informiert").count() == 0
    citizen.goto(live_server.url + reverse("defects:town", args=["wernigerode"]))
    assert citizen.locator(".leaflet-interactive").count() >= 1  # the published report on the map
    assert errors == []
    citizen.close()
