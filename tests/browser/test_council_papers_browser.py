"""Browser test of the council office's papers on a 390 px phone screen: it writes a paper, attaches a PDF
(whose text the search then finds), plans its consultations and moves one up, and opens the delete
confirmation. axe-core finds no WCAG 2.1 A/AA violation on the pages used, and no page scrolls sideways."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from kitu.council.models import Paper
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
        page.screenshot(path=str(Path(folder) / f"council-papers-{slug}.png"), full_page=True)


def test_office_writes_a_paper_with_a_file_and_consultations_on_a_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    council_world: dict[str, Any],  # noqa: F811
    tmp_path: Path,
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

    page.goto(live_server.url + reverse("council:office_papers", args=["wernigerode"]))
    _check(page, "list", problems)
    page.get_by_role("link", name="Neue Vorlage").click()
    _check(page, "new", problems)
    page.get_by_role("button", name="Vorlage anlegen").click()  # nothing filled in: the error summary
    page.wait_for_load_state()
    assert page.locator(".kitu-error-summary").count() == 1
    _check(page, "new with errors", problems)
    page.get_by_label("Betreff").fill("Neubau der Feuerwache Hasserode")
    page.get_by_label("Art der Vorlage").select_option("Beschlussvorlage")
    page.get_by_label("Datum").fill("2026-05-04")
    page.get_by_label("Dr. Anna Schmidt").check()
    page.get_by_role("button", name="Vorlage anlegen").click()
    page.wait_for_url(re.compile(r".*/sitzungsdienst/wernigerode/vorlagen/\d+/$"))
    paper = Paper.objects.get(name="Neubau der Feuerwache Hasserode")
    assert paper.reference == "BV/0151/2026"
    _check(page, "paper", problems)

    pdf = tmp_path / "Begründung.pdf"
    pdf.write_bytes(minimal_pdf("Loeschfahrzeug Hasserode"))
    page.locator("#id_datei-file").set_input_files(str(pdf))
    page.get_by_label("Hauptdokument").check()
    page.get_by_role("button", name="Datei hochladen").click()
    page.wait_for_url(re.compile(r".*/vorlagen/\d+/#dateien$"))
    assert page.get_by_text("Begründung.pdf").count() == 1
    paper.refresh_from_db()
    assert "Loeschfahrzeug Hasserode" in paper.search_text

    for organization, role in (("Bau- und Umweltausschuss", "Vorberatung"), ("Stadtrat", "Entscheidung")):
        consultation = page.locator("form[action$='/beratungen/']")
        consultation.get_by_label(organization).check()
        consultation.get_by_label("Beratung zur").select_option(role)
        consultation.get_by_role("button", name="Beratung einplanen").click()
        page.wait_for_url(re.compile(r".*#beratungen$"))
    page.get_by_role("button", name="Schritt 2 nach oben").click()
    page.wait_for_url(re.compile(r".*#beratungen$"))
    path = [list(c.organizations.values_list("name", flat=True)) for c in paper.consultations.order_by("order")]
    assert path == [["Stadtrat"], ["Bau- und Umweltausschuss"]]
    _check(page, "paper with file and consultations", problems)

    page.get_by_role("link", name="Vorlage bearbeiten").click()
    _check(page, "edit", problems)
    page.goto(live_server.url + reverse("council:office_paper", args=["wernigerode", paper.pk]))
    page.get_by_role("button", name="Vorlage löschen …").click()
    page.wait_for_load_state()
    assert "Vorlage BV/0151/2026 löschen?" in page.content()
    _check(page, "delete confirmation", problems)
    page.get_by_role("link", name="Abbrechen").click()
    assert not Paper.objects.get(pk=paper.pk).deleted

    assert errors == []
    assert problems == []
