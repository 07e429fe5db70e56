"""Pages and API of the asset register: the permission matrix over every role, anonymous and another
member's users (nothing changes on a denial), the status transitions, the replacement plan (table and chart
with the same figures), due replacements into a demand campaign, and the XLSX export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kitu.accounts.services import api_token_create
from kitu.assets.models import Asset, AssetSource, AssetStatus
from kitu.bundling.models import DemandLine, DemandReport
from kitu.core.actors import SYSTEM

from .conftest import ROLES, client_as

pytestmark = pytest.mark.django_db

OFFICE = {"coop_admin", "contract_manager", "service_desk"}
W_READERS = {"member_admin", "requester", "approver"}
W_EDITORS = {"member_admin", "requester"}
Z_READERS = {"other_member_admin", "other_requester"}


def device(member: Any, **fields: Any) -> Asset:
    data: dict[str, Any] = {
        "source": AssetSource.MANUAL,
        "description": "Notebook 14 Zoll",
        "eclass_group": "19030104",
        "acquired_on": dt.date(2021, 3, 1),
        "price": Decimal("800.00"),
        "status": AssetStatus.IN_USE,
        "serial_number": "SN-1",
    }
    data.update(fields)
    return Asset.objects.create(member=member, **data)


@pytest.fixture
def devices(asset_world: dict[str, Any]) -> dict[str, Any]:
    return {
        **asset_world,
        "w_asset": device(asset_world["wernigerode"]),
        "z_asset": device(asset_world["zeitz"], description="Monitor 27 Zoll", eclass_group="19020101"),
    }


def state() -> list[tuple[Any, ...]]:
    return list(Asset.objects.order_by("pk").values_list("pk", "status", "serial_number", "responsible", "site_id"))


@pytest.mark.parametrize("role", ROLES)
def test_read_pages(devices: dict[str, Any], role: str | None) -> None:
    client = client_as(devices, role)
    pages = ["/inventar/", "/inventar/austauschplan/", "/inventar/?format=xlsx"]
    answers = [client.get(url).status_code for url in pages]
    detail = client.get(f"/inventar/{devices['w_asset'].pk}/").status_code
    if role is None:
        assert (answers, detail) == ([302, 302, 302], 302)
    elif role in OFFICE | W_READERS | Z_READERS:
        assert answers == [200, 200, 200]
        assert detail == (200 if role in OFFICE | W_READERS else 404)
    else:
        assert (answers, detail) == ([403, 403, 403], 404)


@pytest.mark.parametrize("role", ROLES)
def test_list_is_scoped(devices: dict[str, Any], role: str | None) -> None:
    if role not in OFFICE | W_READERS | Z_READERS:
        return
    text = client_as(devices, role).get("/inventar/").content.decode()
    assert ("Notebook 14 Zoll" in text) is (role in OFFICE | W_READERS)
    assert ("Monitor 27 Zoll" in text) is (role in OFFICE | Z_READERS)


@pytest.mark.parametrize("role", ROLES)
def test_changes_only_by_the_members_editors(devices: dict[str, Any], role: str | None) -> None:
    asset = devices["w_asset"]
    before = state()
    client = client_as(devices, role)
    edit = client.post(f"/inventar/{asset.pk}/", {"serial_number": "NEU-1", "responsible": "Herr Muster"})
    status = client.post(f"/inventar/{asset.pk}/status/", {"status": "defective"})
    new = client.post(
        "/inventar/neu/",
        {"description": "Switch", "acquired_on": "2024-01-02", "status": "in_use", "eclass_group": "19-17-03-01"},
    )
    if role in W_EDITORS:
        assert (edit.status_code, status.status_code, new.status_code) == (302, 302, 302)
        asset.refresh_from_db()
        assert (asset.serial_number, asset.responsible, asset.status) == ("NEU-1", "Herr Muster", "defective")
        created = Asset.objects.get(description="Switch")
        assert (created.member, created.eclass_group, created.source) == (devices["wernigerode"], "19170301", "manual")
        return
    if role is None:
        want = (302, 302, 302)
    elif role in OFFICE | W_READERS:
        want = (403, 403, 403)
    elif role in Z_READERS:
        want = (404, 404, 302 if role == "other_requester" or role == "other_member_admin" else 403)
    else:
        want = (404, 404, 403)
    assert (edit.status_code, status.status_code, new.status_code) == want
    assert [row for row in state() if row[0] in (asset.pk, devices["z_asset"].pk)] == before
    if role in Z_READERS:  # their own member got the device, not Wernigerode
        assert Asset.objects.get(description="Switch").member == devices["zeitz"]


def test_status_transitions_and_retirement_confirmation(devices: dict[str, Any]) -> None:
    asset = devices["w_asset"]
    client = client_as(devices, "member_admin")
    page = client.post(f"/inventar/{asset.pk}/status/", {"status": "retired"})
    assert page.status_code == 200 and "Gerät aussondern?" in page.content.decode()
    assert Asset.objects.get(pk=asset.pk).status == "in_use"
    client.post(f"/inventar/{asset.pk}/status/", {"status": "retired", "bestaetigung": "ja"})
    assert Asset.objects.get(pk=asset.pk).status == "retired"
    response = client.post(f"/inventar/{asset.pk}/status/", {"status": "in_use"}, follow=True)
    assert Asset.objects.get(pk=asset.pk).status == "retired"  # retired is final
    assert "neuer Status" in response.content.decode()


def test_site_of_another_member_is_refused(devices: dict[str, Any]) -> None:
    from kitu.members.models import Site

    other = Site.objects.create(
        member=devices["zeitz"], name="Rathaus Zeitz", street="Altmarkt 1", postcode="06712", city="Zeitz"
    )
    client = client_as(devices, "member_admin")
    response = client.post(f"/inventar/{devices['w_asset'].pk}/", {"site": other.pk})
    assert response.status_code == 200 and "site" in response.context["form"].errors
    assert Asset.objects.get(pk=devices["w_asset"].pk).site_id is None


def test_service_refuses_a_site_or_cost_centre_of_another_member(devices: dict[str, Any]) -> None:
    """The form offers only the member's sites; the service checks it again (API, later callers)."""
    from kitu.assets import services
    from kitu.core.errors import DomainError
    from kitu.members.models import CostCentre, Site

    site = Site.objects.create(
        member=devices["zeitz"], name="Rathaus", street="Altmarkt 1", postcode="06712", city="Zeitz"
    )
    centre = CostCentre.objects.create(member=devices["zeitz"], code="Z-9", name="Zeitz")
    admin = devices["users"]["member_admin"]
    for data, field in (({"site": site}, "site"), ({"cost_centre": centre}, "cost_centre")):
        with pytest.raises(DomainError) as exc:
            services.asset_update(actor=admin, asset=devices["w_asset"], data=data)
        assert exc.value.field == field
        with pytest.raises(DomainError):
            services.asset_create(
                actor=admin,
                member=devices["wernigerode"],
                data={"description": "x", "acquired_on": dt.date(2024, 1, 1), **data},
            )
    assert Asset.objects.get(pk=devices["w_asset"].pk).site_id is None and Asset.objects.count() == 2


def test_plan_table_and_chart_show_the_same_figures(devices: dict[str, Any]) -> None:
    w = devices["wernigerode"]
    year = timezone.localdate().year
    device(w, acquired_on=dt.date(year - 4, 1, 1), price=Decimal("700.00"))  # notebook 48 months: this year
    device(w, acquired_on=dt.date(year - 3, 6, 1), price=Decimal("650.00"))  # next year
    device(w, acquired_on=dt.date(year - 3, 6, 1), status=AssetStatus.RETIRED)  # retired: not in the plan
    device(w, description="Monitor", eclass_group="19020101", acquired_on=dt.date(year - 5, 1, 1), price=None)
    response = client_as(devices, "member_admin").get("/inventar/austauschplan/")
    years = response.context["years"]
    # w_asset (2021-03-01, 48 months: 2025, overdue) and the first device fall in this year
    assert [(y.year, y.counts, y.value) for y in years[:2]] == [
        (year, {"19030104": 2}, Decimal("1500.00")),
        (year + 1, {"19030104": 1, "19020101": 1}, Decimal("650.00")),
    ]
    assert sum(y.total for y in years) == 4
    text = response.content.decode()
    assert "<svg" in text and "Notebook" in text


def test_due_replacements_into_campaign(campaign_world: dict[str, Any], asset_world: dict[str, Any]) -> None:
    w = asset_world
    campaign, items = campaign_world["campaign"], campaign_world["items"]
    items["01"].article = w["notebook"]
    items["01"].save()
    for _ in range(3):
        device(w["wernigerode"], article=w["notebook"], acquired_on=dt.date(2020, 1, 1))
    device(w["wernigerode"], eclass_group="19170301", acquired_on=dt.date(2010, 1, 1))  # no position: not taken
    device(w["zeitz"], article=w["notebook"], acquired_on=dt.date(2020, 1, 1))  # another member's
    client = client_as(w, "requester")
    url = "/inventar/austauschplan/bedarf-melden/"
    page = client.post(url, {"campaign": campaign.pk})
    assert page.status_code == 200 and "Bedarf melden" in page.content.decode()
    assert not DemandReport.objects.exists()
    assert client.post(url, {"campaign": campaign.pk, "bestaetigung": "ja"}).status_code == 302
    line = DemandLine.objects.get()
    assert (line.report.member, line.item.code, line.quantity) == (w["wernigerode"], "01", 3)
    # twice: the same report
    client.post(url, {"campaign": campaign.pk, "bestaetigung": "ja"})
    assert list(DemandLine.objects.values_list("quantity", flat=True)) == [3]
    # who may not answer for the member: nothing
    for role in ("approver", "case_worker", "supplier_user", "coop_admin"):
        client_as(w, role).post(url, {"campaign": campaign.pk, "bestaetigung": "ja"})
    assert list(DemandLine.objects.values_list("quantity", flat=True)) == [3]


def test_export_neutralises_formulas(devices: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    device(devices["wernigerode"], serial_number="=1+2", responsible="@SUMME(A1)")
    response = client_as(devices, "member_admin").get("/inventar/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["Geräte"]
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert "'=1+2" in values and "'@SUMME(A1)" in values and "=1+2" not in values
    assert sheet.max_row == 3  # header + the member's two devices (not Zeitz's)


def api(user: Any) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_api_scope_pagination_filters(devices: dict[str, Any]) -> None:
    w_id, z_id = devices["w_asset"].pk, devices["z_asset"].pk
    for role in ROLES:
        if role is None:
            assert Client().get("/api/v1/assets").status_code == 401
            continue
        ids = {i["id"] for i in api(devices["users"][role]).get("/api/v1/assets").json()["items"]}
        want = (
            {w_id, z_id} if role in OFFICE else {w_id} if role in W_READERS else {z_id} if role in Z_READERS else set()
        )
        assert (role, ids) == (role, want)
    device(devices["wernigerode"], status=AssetStatus.STOCK, serial_number="ABC-9")
    client = api(devices["users"]["member_admin"])
    page = client.get("/api/v1/assets", {"page_size": 1, "page": 2}).json()
    assert (page["count"], len(page["items"]), page["page"]) == (2, 1, 2)
    found = client.get("/api/v1/assets", {"status": "stock", "q": "abc"}).json()["items"]
    assert [i["serial_number"] for i in found] == ["ABC-9"]
    assert found[0]["replacement_due"] == "2025-03-01"
    for query, field in (({"foo": 1}, "foo"), ({"status": "lost"}, "status"), ({"page_size": 500}, "page_size")):
        response = client.get("/api/v1/assets", query)
        assert (response.status_code, response.json()["field"]) == (422, field)
