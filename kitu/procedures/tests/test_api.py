"""GET /api/v1/procedures: scoped per member (coop staff all), paginated, filtered; unknown or bad query
parameters are 422 naming the field; anonymous 401."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kitu.accounts.services import api_token_create
from kitu.core.actors import SYSTEM

from .conftest import ROLES, make_procedure

pytestmark = pytest.mark.django_db

URL = "/api/v1/procedures"


def api(user: Any) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_scope_over_all_roles(proc_world: dict[str, Any]) -> None:
    w_id, z_id = proc_world["w_proc"].pk, proc_world["z_proc"].pk
    office = {"coop_admin", "contract_manager", "service_desk"}
    w_readers = {"member_admin", "requester", "approver", "case_worker", "workgroup_member"}
    w_readers |= {"council_office", "representative"}
    for role in ROLES:
        if role is None:
            assert Client().get(URL).status_code == 401
            continue
        body = api(proc_world["users"][role]).get(URL).json()
        ids = {item["id"] for item in body["items"]}
        if role in office:
            want = {w_id, z_id}
        elif role in w_readers:
            want = {w_id}
        elif role.startswith("other_"):
            want = {z_id}
        else:
            want = set()
        assert (role, ids, body["count"]) == (role, want, len(want))


def test_pagination_and_filters(proc_world: dict[str, Any]) -> None:
    w = proc_world["wernigerode"]
    for version in ("23.1", "23.2", "23.3"):
        make_procedure(w, name=f"Kasse {version}", version=version)
    client = api(proc_world["users"]["coop_admin"])
    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(URL, {"page_size": 2, "page": 3}).json()
    assert (first["count"], len(first["items"]), first["page"], first["page_size"]) == (5, 2, 1, 2)
    assert (second["count"], len(second["items"]), second["page"]) == (5, 1, 3)
    only = client.get(URL, {"product": "h&h prodoppik", "version": "23.2"}).json()
    assert [i["name"] for i in only["items"]] == ["Kasse 23.2"]
    assert client.get(URL, {"area": "hr"}).json()["count"] == 1
    assert client.get(URL, {"member": w.pk}).json()["count"] == 4
    item = only["items"][0]
    assert (item["member"], item["protection_need"], item["has_dpa_document"]) == ("Stadt Wernigerode", "high", False)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"area": "astrology"}, "area"),
        ({"page_size": 0}, "page_size"),
        ({"page": "x"}, "page"),
        ({"member": 2**64}, "member"),
    ],
)
def test_bad_query_is_422_naming_the_field(proc_world: dict[str, Any], query: dict[str, Any], field: str) -> None:
    response = api(proc_world["users"]["member_admin"]).get(URL, query)
    assert (response.status_code, response.json()["field"]) == (422, field)
