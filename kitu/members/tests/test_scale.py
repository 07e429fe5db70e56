"""Eleven thousand tenants (issue 23.4): paged API lists, the paged § 30 list with a streamed CSV that
has the same figures as before, and pages whose query count does not grow with the register."""

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import ROLES, STAFF, login, make_member
from kitu.members import exports, selectors
from kitu.members.register import csv_chunks, iter_rows, register_members, register_rows
from kitu.members.tests.test_pickers import _queries, add_members

pytestmark = pytest.mark.django_db
API = "/api/v1/members"


def _api(client: Client, **params: Any) -> Any:
    return client.get(API, params)


def test_api_pages_walk_the_whole_list(world: dict[str, Any], client_for: Any) -> None:
    add_members(7)
    client = client_for("coop_admin")
    seen: list[int] = []
    response = _api(client, page_size=4)
    assert response.status_code == 200
    assert response["X-Total-Count"] == "9" and response["X-Page"] == "1" and response["X-Page-Size"] == "4"
    assert 'rel="next"' in response["Link"] and 'rel="prev"' not in response["Link"]
    assert "page=3" in response["Link"].split('rel="last"')[0].rsplit("<", 1)[-1]
    for page in (1, 2, 3):
        body = _api(client, page_size=4, page=page).json()
        assert len(body) == (4 if page < 3 else 1)
        assert set(body[0]) >= {"id", "name", "member_type", "member_number", "status", "city", "leitweg_id"}
        seen += [m["id"] for m in body]
    assert len(seen) == len(set(seen)) == 9
    last = _api(client, page_size=4, page=3)
    assert 'rel="prev"' in last["Link"] and 'rel="next"' not in last["Link"]
    filtered = _api(client, q="Zeitz")
    assert [m["name"] for m in filtered.json()] == ["Stadt Zeitz"] and filtered["X-Total-Count"] == "1"
    assert "q=Zeitz" in filtered["Link"]


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"page": 2}, 400, "page"),
        ({"page": 0}, 422, None),
        ({"page_size": 201}, 422, None),
        ({"page_size": 0}, 422, None),
        ({"pagesize": 10}, 422, "pagesize"),
        ({"page": "zwei"}, 422, None),
    ],
)
def test_api_bad_paging_is_a_clear_4xx(
    params: dict[str, Any], status: int, field: str | None, world: dict[str, Any], client_for: Any
) -> None:
    response = _api(client_for("coop_admin"), **params)
    assert response.status_code == status
    if field:
        assert response.json()["field"] == field


def test_api_page_one_of_nothing_is_empty(world: dict[str, Any], client_for: Any) -> None:
    response = _api(client_for("coop_admin"), q="Atlantis")
    assert response.status_code == 200 and response.json() == [] and response["X-Total-Count"] == "0"


@pytest.mark.parametrize("role", ROLES)
def test_api_list_permission_unchanged(role: str | None, world: dict[str, Any], client_for: Any) -> None:
    response = _api(client_for(role))
    if role is None:
        assert response.status_code == 401
        return
    names = {m["name"] for m in response.json()}
    if role in STAFF:
        assert names == {"Stadt Wernigerode", "Stadt Zeitz"}
    elif role == "supplier_user":
        assert names == set()
    else:
        assert names == {"Stadt Zeitz" if role.startswith("other_") else "Stadt Wernigerode"}
    assert response["X-Total-Count"] == str(len(names))


def test_orders_and_invoices_and_contracts_are_paged(contract_world: dict[str, Any], client_for: Any) -> None:
    client = client_for("coop_admin")
    for url, allowed in (("/api/v1/orders", "status"), ("/api/v1/invoices", "year"), ("/api/v1/contracts", None)):
        response = client.get(url, {"page_size": 1})
        assert response.status_code == 200, url
        assert int(response["X-Total-Count"]) >= len(response.json())
        assert client.get(url, {"seite": 1}).json()["field"] == "seite"
        if allowed:
            assert client.get(url, {allowed: ""}).status_code in (200, 422)
    contracts = client.get("/api/v1/contracts", {"page_size": 1})
    assert contracts["X-Total-Count"] == "2" and len(contracts.json()) == 1


def test_register_rows_equal_the_old_selector(world: dict[str, Any]) -> None:
    make_member("Landkreis Harz", admin=world["admin"], member_type="landkreis", number=7, shares=3)
    make_member("Gemeinde Ilsenburg", admin=world["admin"], member_type="gemeinde", joined=None)  # no member yet
    for day in (dt.date(2014, 1, 1), dt.date.today()):
        for former in (False, True):
            old = selectors.register_as_of(day, include_former=former)
            new = list(iter_rows(day, include_former=former))
            assert [(r.member_number, r.name, r.member_type, r.shares, r.paid_in, r.exit_date) for r in new] == [
                (r.member_number, r.name, r.member_type, r.shares, r.paid_in, r.exit_date) for r in old
            ]
            assert "".join(csv_chunks(day, exports.header(), include_former=former)) == exports.register_csv(old)
    harz = next(r for r in iter_rows(dt.date.today()) if r.member_number == 7)
    assert (harz.member_type, harz.shares, harz.paid_in) == ("Landkreis", 3, Decimal("15000.00"))


def test_register_page_is_paged_and_counts_all(world: dict[str, Any], client: Client) -> None:
    from kitu.members.views import REGISTER_PAGE

    add_members(REGISTER_PAGE + 3)
    login(client, world["users"]["coop_admin"])
    page = client.get(reverse("members:register")).content.decode()
    total = REGISTER_PAGE + 5
    assert f"{total} Einträge" in page and "Seite 1 von 2" in page
    assert page.count('class="kern-table__row"') == REGISTER_PAGE + 1  # the header row and one page
    second = client.get(reverse("members:register"), {"page": 2}).content.decode()
    assert second.count('class="kern-table__row"') == 5 + 1
    csv = client.get(reverse("members:register"), {"format": "csv"})
    assert csv.streaming
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert len(lines) == total + 1 and lines[0].startswith("Mitgliedsnummer;")


@pytest.mark.parametrize("role", ROLES)
def test_register_permission_unchanged(role: str | None, world: dict[str, Any], client_for: Any) -> None:
    for params in ({}, {"format": "csv"}):
        response = client_for(role).get(reverse("members:register"), params)
        assert response.status_code == (302 if role is None else 200 if role in STAFF else 403)


def test_register_page_and_api_do_not_grow_with_the_register(world: dict[str, Any], client: Client) -> None:
    login(client, world["users"]["coop_admin"])
    add_members(10)
    small = [_queries(client, url)[0] for url in (reverse("members:register"), API, reverse("members:list"))]
    add_members(30, start=5000)
    large = [_queries(client, url)[0] for url in (reverse("members:register"), API, reverse("members:list"))]
    assert large == small
    assert len(json.loads(client.get(API).content)) == 42
    assert len(register_rows(register_members(dt.date.today())[:5], dt.date.today())) == 5
