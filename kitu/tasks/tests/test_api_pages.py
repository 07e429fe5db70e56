"""GET /api/v1/tasks (issue 23.4): paged like the other lists (kitu.core.pagination) — oldest first with a
total order, the ``kind`` filter kept in the links, strict parameters, every role sees its own only; its
query count does not grow with the number of tasks or of members."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import ROLES
from kitu.accounts.services import api_token_create
from kitu.core.actors import SYSTEM
from kitu.core.tests.paging import BAD_PAGING, assert_page, query_count
from kitu.members.tests.test_pickers import add_members
from kitu.orders import services
from kitu.orders.models import Order

from .conftest import tasks_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/tasks"


def _client(user: Any) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _pending(w: dict[str, Any], ages_in_days: list[int]) -> list[Order]:
    """Orders of Wernigerode waiting for the approver (a monitor for 1,200 EUR each), created the given
    number of days ago."""
    orders = []
    for days in ages_in_days:
        services.cart_add(actor=w["users"]["requester"], member=w["wernigerode"], article=w["monitor"], quantity=4)
        (order,) = services.checkout(actor=w["users"]["requester"], member=w["wernigerode"])
        Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
        orders.append(Order.objects.get(pk=order.pk))
    return orders


def _numbers(response: Any) -> list[str]:
    return [t["title"].split()[1] for t in response.json()]


def test_pages_walk_the_tasks_oldest_first(order_world: dict[str, Any]) -> None:
    w = order_world
    o3, o5, o1, o4 = _pending(w, [3, 5, 1, 4])
    Order.objects.filter(pk=o4.pk).update(created_at=o3.created_at)  # o3 and o4 arose at the same moment
    client = _client(w["users"]["approver"])
    first = client.get(URL, {"page_size": 2})
    assert_page(first, total=4, page=1, size=2, last=2, keeps={"page_size": "2"})
    tie = sorted([o3.number, o4.number])  # same moment: by title, which starts with the number
    assert _numbers(first) == [o5.number, tie[0]]
    second = client.get(URL, {"page_size": 2, "page": 2})
    assert_page(second, total=4, page=2, size=2, last=2)
    assert _numbers(second) == [tie[1], o1.number]
    assert {t["kind"] for t in first.json() + second.json()} == {"order_approval"}
    assert second.json()[1]["url"] == f"/bestellungen/{o1.pk}/"
    assert set(second.json()[0]) == {"kind", "title", "url", "since", "due"}
    expected = [t.title for t in tasks_of(w["users"]["approver"])]
    assert [t["title"] for t in first.json() + second.json()] == expected
    filtered = client.get(URL, {"kind": "order_approval", "page_size": 3, "page": 2})
    assert_page(filtered, total=4, page=2, size=3, last=2, keeps={"kind": "order_approval", "page_size": "3"})
    assert _numbers(filtered) == [o1.number]
    default = client.get(URL)
    assert_page(default, total=4, page=1, size=50, last=1)


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        *BAD_PAGING,
        ({"page": "2"}, 400, "page"),
        ({"kind": "order_approval", "page": "2"}, 400, "page"),
        ({"kind": "nonsense"}, 400, "kind"),
        ({"art": "order_approval"}, 422, "art"),
    ],
)
def test_bad_parameters_are_named(order_world: dict[str, Any], query: dict[str, str], status: int, field: str) -> None:
    response = _client(order_world["users"]["approver"]).get(URL, query)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field


def test_an_empty_inbox_is_an_empty_first_page(order_world: dict[str, Any]) -> None:
    response = _client(order_world["users"]["approver"]).get(URL)
    assert_page(response, total=0, page=1, size=50, last=1)
    assert response.json() == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_pages_through_its_own_tasks_only(order_world: dict[str, Any], role: str | None) -> None:
    w = order_world
    orders = _pending(w, [2, 1])
    before = list(Order.objects.order_by("pk").values_list("pk", "status"))
    client = Client() if role is None else _client(w["users"][role])
    response = client.get(URL, {"page_size": 1})
    if role is None:
        assert response.status_code == 401 and "X-Total-Count" not in response
    else:
        expected = tasks_of(w["users"][role])
        assert_page(response, total=len(expected), page=1, size=1, last=max(len(expected), 1))
        assert [t["title"] for t in response.json()] == [t.title for t in expected[:1]]
        listed = " ".join(t.title for t in expected)
        mine = role == "approver"
        assert all((o.number in listed) == mine for o in orders), (role, listed)
    assert list(Order.objects.order_by("pk").values_list("pk", "status")) == before


def test_query_count_does_not_grow_with_tasks_or_members(order_world: dict[str, Any]) -> None:
    w = order_world
    client = _client(w["users"]["approver"])
    _pending(w, [2, 1])
    add_members(5)
    small, response = query_count(client, URL)
    assert response["X-Total-Count"] == "2"
    _pending(w, list(range(3, 11)))
    add_members(30, start=5000)
    large, response = query_count(client, URL)
    assert response["X-Total-Count"] == "10" and len(response.json()) == 10
    assert large == small
