"""GET /api/v1/members/{id}/events (issue 23.4): paged like the other lists (kitu.core.pagination), in date
order, strict parameters, every role; its query count does not grow with the events or the register."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import OWN, ROLES, STAFF
from kitu.core.tests.paging import BAD_PAGING, assert_page, query_count
from kitu.members import services
from kitu.members.models import MembershipEvent
from kitu.members.tests.test_api import bearer
from kitu.members.tests.test_pickers import add_members

pytestmark = pytest.mark.django_db


def _url(member: Any) -> str:
    return f"/api/v1/members/{member.pk}/events"


def _increases(world: dict[str, Any], member: Any, count: int) -> None:
    """``count`` further shares, one a month from January 2019 (notes "#1", "#2", …)."""
    for i in range(count):
        services.shares_change(
            actor=world["admin"],
            member=member,
            effective_date=dt.date(2019 + i // 12, i % 12 + 1, 1),
            delta=1,
            note=f"#{i + 1}",
        )


def test_pages_walk_the_events_in_date_order(world: dict[str, Any]) -> None:
    zeitz = world["zeitz"]
    _increases(world, zeitz, 3)
    client = bearer(world, "coop_admin")
    first = client.get(_url(zeitz), {"page_size": 3})
    assert_page(first, total=7, page=1, size=3, last=3, keeps={"page_size": "3"})
    assert [(e["kind"], e["effective_date"]) for e in first.json()] == [
        ("application", "2018-09-01"),
        ("admission", "2018-10-01"),
        ("shares_subscribed", "2018-10-01"),
    ]
    second = client.get(_url(zeitz), {"page_size": 3, "page": 2})
    assert_page(second, total=7, page=2, size=3, last=3)
    assert [(e["kind"], e["effective_date"], e["amount"], e["note"]) for e in second.json()] == [
        ("share_payment", "2018-10-01", "5000.00", ""),
        ("shares_increased", "2019-01-01", None, "#1"),
        ("shares_increased", "2019-02-01", None, "#2"),
    ]
    third = client.get(_url(zeitz), {"page_size": 3, "page": 3})
    assert_page(third, total=7, page=3, size=3, last=3)
    assert [(e["kind"], e["share_delta"], e["note"]) for e in third.json()] == [("shares_increased", 1, "#3")]
    assert set(third.json()[0]) == {
        "id",
        "kind",
        "effective_date",
        "share_delta",
        "amount",
        "exit_date",
        "member_number",
        "successor_id",
        "note",
        "recorded_at",
    }
    ids = [e["id"] for page in (first, second, third) for e in page.json()]
    assert ids == list(
        MembershipEvent.objects.filter(member=zeitz).order_by("effective_date", "id").values_list("id", flat=True)
    )
    default = client.get(_url(zeitz))
    assert_page(default, total=7, page=1, size=50, last=1)
    assert len(default.json()) == 7


def test_same_day_events_keep_the_order_they_were_recorded_in(world: dict[str, Any]) -> None:
    zeitz = world["zeitz"]
    for note in ("c", "a", "b"):
        services.shares_change(
            actor=world["admin"], member=zeitz, effective_date=dt.date(2020, 5, 5), delta=1, note=note
        )
    client = bearer(world, "coop_admin")
    pages = [client.get(_url(zeitz), {"page_size": 2, "page": n}).json() for n in (1, 2, 3, 4)]
    assert [e["note"] for e in pages[2] + pages[3]] == ["c", "a", "b"]


@pytest.mark.parametrize(
    ("query", "status", "field"), [*BAD_PAGING, ({"page": "2"}, 400, "page"), ({"kind": "exit"}, 422, "kind")]
)
def test_bad_parameters_are_named(world: dict[str, Any], query: dict[str, str], status: int, field: str) -> None:
    response = bearer(world, "coop_admin").get(_url(world["zeitz"]), query)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field


def test_another_members_events_stay_hidden_whatever_the_parameters(world: dict[str, Any]) -> None:
    client = bearer(world, "member_admin")
    for query in ({}, {"page": "2"}, {"seite": "1"}):
        assert client.get(_url(world["zeitz"]), query).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_who_may_list_the_events(world: dict[str, Any], role: str | None) -> None:
    before = list(MembershipEvent.objects.order_by("pk").values_list("pk", "kind", "amount"))
    client = Client() if role is None else bearer(world, role)
    response = client.get(_url(world["wernigerode"]), {"page_size": 2})
    expected = 401 if role is None else 200 if role in STAFF | OWN else 404
    assert response.status_code == expected, (role, response.content)
    if expected == 200:
        assert_page(response, total=4, page=1, size=2, last=2)
        assert [e["kind"] for e in response.json()] == ["application", "admission"]
    else:
        assert "X-Total-Count" not in response
    assert list(MembershipEvent.objects.order_by("pk").values_list("pk", "kind", "amount")) == before


@pytest.mark.parametrize("role", ["coop_admin", "member_admin"])
def test_query_count_does_not_grow_with_events_or_register(world: dict[str, Any], role: str) -> None:
    client = bearer(world, role)
    url = _url(world["wernigerode"])
    _increases(world, world["wernigerode"], 2)
    add_members(5)
    small, response = query_count(client, url)
    assert response["X-Total-Count"] == "6"
    _increases(world, world["zeitz"], 20)
    _increases(world, world["wernigerode"], 20)
    add_members(30, start=5000)
    large, response = query_count(client, url)
    assert response["X-Total-Count"] == "26" and len(response.json()) == 26
    assert large == small
