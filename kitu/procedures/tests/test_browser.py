"""Browser test of the register: the member admin adds a procedure on a phone (390 px), the office (service
desk) filters the matrix by product and version; every page checked with axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kitu.procedures.models import Procedure
from tests.browser.test_browser import _login, browser, check_accessibility  # noqa: F401 - browser is a fixture

from .conftest import add_roles, make_procedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_page_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"{page.url}: {width} px of horizontal page scroll"


def test_member_admin_adds_a_procedure_and_the_office_filters_the_matrix(
    browser: Any,  # noqa: F811
    live_server: Any,
    world: dict[str, Any],
) -> None:
    add_roles(world)
    make_procedure(world["zeitz"], version="23.2")
    admin = _login(browser, live_server, "memberadmin@test.example")
    admin.set_viewport_size({"width": 390, "height": 844})
    admin.goto(live_server.url + "/fachverfahren/")
    check_accessibility(admin)
    no_page_scroll(admin)
    admin.get_by_role("link", name="Fachverfahren erfassen").click()
    admin.wait_for_url(re.compile(r".*/fachverfahren/neu/$"))
    check_accessibility(admin)
    no_page_scroll(admin)
    admin.get_by_label("Bezeichnung").fill("Finanzwesen")
    admin.get_by_label("Hersteller", exact=True).fill("H&H Datenverarbeitungs- und Beratungsgesellschaft mbH")
    admin.get_by_label("Produkt", exact=True).fill("H&H proDoppik")
    admin.get_by_label(re.compile("^Version")).fill("24.1")
    admin.get_by_label("Fachbereich").select_option("finance")
    admin.get_by_label("Betrieb").select_option("coop_dc")
    admin.get_by_label("Schutzbedarf (BSI)").select_option("high")
    admin.get_by_role("button", name="Speichern").click()
    admin.wait_for_url(re.compile(r".*/fachverfahren/\d+/$"))
    assert admin.get_by_text("Das Fachverfahren ist gespeichert.").count() == 1
    check_accessibility(admin)
    no_page_scroll(admin)
    created = Procedure.objects.get(member=world["wernigerode"])
    assert (created.product, created.version, created.protection_need) == ("H&H proDoppik", "24.1", "high")

    office = _login(browser, live_server, "servicedesk@test.example")
    office.goto(live_server.url + "/fachverfahren/matrix/")
    check_accessibility(office)
    assert office.get_by_role("cell", name="23.2").count() == 1
    office.get_by_label(re.compile("^Version")).fill("24.1")
    office.get_by_role("button", name="Filtern").click()
    office.wait_for_url(re.compile(r".*version=24\.1.*"))
    assert office.get_by_role("columnheader", name="Stadt Wernigerode").count() == 1
    assert office.get_by_role("columnheader", name="Stadt Zeitz").count() == 0
    check_accessibility(office)
