"""Browser test of the register: the member admin on a phone (390 px) filters the list, opens a device and
retires it through the confirmation page; the office (service desk) reads the replacement plan, chart and
table with the same figures. Every page checked with axe-core."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.assets.models import Asset, AssetSource, AssetStatus
from tests.browser.test_browser import _login, browser, check_accessibility  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_page_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"{page.url}: {width} px of horizontal page scroll"


def device(member: Any, description: str, eclass: str, acquired: dt.date, serial: str, price: str) -> Asset:
    return Asset.objects.create(
        member=member,
        source=AssetSource.MANUAL,
        description=description,
        eclass_group=eclass,
        acquired_on=acquired,
        serial_number=serial,
        price=Decimal(price),
        status=AssetStatus.IN_USE,
    )


def test_member_admin_retires_a_device_and_the_office_reads_the_plan(
    browser: Any,  # noqa: F811
    live_server: Any,
    world: dict[str, Any],
) -> None:
    make_user("servicedesk@test.example", [(world["coop"], Role.SERVICE_DESK)])
    this_year = dt.date.today().year
    old = device(world["wernigerode"], "Notebook Dell Latitude 5420", "19030104", dt.date(2020, 3, 2), "DL-4711", "899")
    device(world["wernigerode"], "Monitor 27 Zoll", "19020101", dt.date(this_year - 1, 5, 4), "MN-0815", "250")
    device(world["zeitz"], "Notebook Zeitz", "19030104", dt.date(2020, 3, 2), "ZZ-1", "900")

    admin = _login(browser, live_server, "memberadmin@test.example")
    admin.set_viewport_size({"width": 390, "height": 844})
    admin.goto(live_server.url + "/inventar/")
    check_accessibility(admin)
    no_page_scroll(admin)
    assert admin.get_by_role("heading", name="2 Geräte").count() == 1  # not Zeitz's
    admin.get_by_label(re.compile("^Suche")).fill("DL-4711")
    admin.get_by_role("button", name="Filtern").click()
    admin.wait_for_url(re.compile(r".*q=DL-4711.*"))
    assert admin.get_by_role("heading", name="1 Gerät").count() == 1
    check_accessibility(admin)
    admin.get_by_role("link", name="Notebook Dell Latitude 5420").click()
    admin.wait_for_url(re.compile(rf".*/inventar/{old.pk}/$"))
    check_accessibility(admin)
    no_page_scroll(admin)
    admin.get_by_label("neuer Status").select_option("retired")
    admin.get_by_role("button", name="Status ändern").click()
    admin.get_by_role("button", name="Gerät aussondern").wait_for()
    assert Asset.objects.get(pk=old.pk).status == AssetStatus.IN_USE  # asked first, nothing changed yet
    check_accessibility(admin)
    no_page_scroll(admin)
    admin.get_by_role("button", name="Gerät aussondern").click()
    admin.wait_for_url(re.compile(rf".*/inventar/{old.pk}/$"))
    assert Asset.objects.get(pk=old.pk).status == AssetStatus.RETIRED
    check_accessibility(admin)

    office = _login(browser, live_server, "servicedesk@test.example")
    office.goto(live_server.url + "/inventar/austauschplan/")
    check_accessibility(office)
    assert office.locator("svg.kitu-chart").count() == 1
    table = office.get_by_role("table")
    # the retired notebook no longer counts; Zeitz's overdue notebook does (this year), the monitor later
    first = table.get_by_role("row").nth(1)
    assert first.get_by_role("rowheader").inner_text() == str(this_year)
    assert "900,00" in first.inner_text()
    office.set_viewport_size({"width": 390, "height": 844})
    office.reload()
    no_page_scroll(office)
    check_accessibility(office)
