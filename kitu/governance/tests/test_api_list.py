"""GET /api/v1/assemblies: paged like the other plain lists (kitu.core.pagination), unknown parameters 422
naming them, every role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import ROLES
from kitu.governance.models import Assembly
from kitu.governance.services import assemblies

from .test_api import token_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/assemblies"


def _three_more(w: dict[str, Any]) -> None:
    now = timezone.now()
    for years in (1, 2, 3):
        assemblies.assembly_create(
            actor=w["admin"], title=f"GV vor {years} Jahren", starts_at=now - dt.timedelta(days=365 * years), place="M"
        )


def test_pages_with_headers_and_links(gov: dict[str, Any]) -> None:
    _three_more(gov)
    client = token_client(gov["rep_z"])
    first = client.get(URL, {"page_size": 3})
    assert first.status_code == 200
    assert [a["title"] for a in first.json()] == [
        "Ordentliche Generalversammlung 2027",
        "GV vor 1 Jahren",
        "GV vor 2 Jahren",
    ]
    assert (first["X-Total-Count"], first["X-Page"], first["X-Page-Size"]) == ("4", "1", "3")
    assert 'page=2>; rel="next"' in first["Link"] and 'rel="prev"' not in first["Link"]
    second = client.get(URL, {"page_size": 3, "page": 2})
    assert [a["title"] for a in second.json()] == ["GV vor 3 Jahren"]
    assert 'rel="prev"' in second["Link"] and 'rel="next"' not in second["Link"]
    assert set(second.json()[0]) == {"id", "title", "starts_at", "mode", "place", "invited_at", "cancelled_at"}
    default = client.get(URL)
    assert default["X-Page-Size"] == "50" and len(default.json()) == 4


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"status": "open"}, 422, "status"),
        ({"pagesize": "3"}, 422, "pagesize"),
        ({"page": "0"}, 422, "page"),
        ({"page": "x"}, 422, "page"),
        ({"page_size": "201"}, 422, "page_size"),
        ({"page": "3"}, 400, "page"),
    ],
)
def test_bad_parameters_are_named(gov: dict[str, Any], query: dict[str, str], status: int, field: str) -> None:
    response = token_client(gov["rep_z"]).get(URL, query)
    assert response.status_code == status, response.content
    assert field in response.content.decode()


def test_empty_list_is_an_empty_first_page(world: dict[str, Any]) -> None:
    response = token_client(world["admin"]).get(URL)
    assert response.status_code == 200 and response.json() == [] and response["X-Total-Count"] == "0"


@pytest.mark.parametrize("role", ROLES)
def test_who_may_list(gov: dict[str, Any], role: str | None) -> None:
    count = Assembly.objects.count()
    client = Client() if role is None else token_client(gov["users"][role])
    response = client.get(URL)
    expected = {None: 401, "supplier_user": 404}.get(role, 200)
    assert response.status_code == expected, (role, response.status_code)
    if expected == 200:
        assert response["X-Total-Count"] == "1" and len(response.json()) == 1
    assert Assembly.objects.count() == count
