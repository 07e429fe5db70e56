"""GET /api/v1/contracts/{id}/lots (issue 23.4): paged like the other lists (kitu.core.pagination), by lot
number with each lot's limits, strict parameters, every role; its query count does not grow with the lots,
their limits or the register."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import OWN, ROLES
from kitu.accounts.services import api_token_create
from kitu.contracts import services
from kitu.contracts.models import Lot, VolumeLimit
from kitu.core.actors import SYSTEM
from kitu.core.tests.paging import BAD_PAGING, assert_page, query_count
from kitu.members.tests.test_pickers import add_members

pytestmark = pytest.mark.django_db
MANAGERS = {"coop_admin", "contract_manager"}
SEES_CONTRACT = MANAGERS | OWN | {"supplier_user"}  # Wernigerode is eligible; the supplier is a partner


def _client(w: dict[str, Any], role: str | None) -> Client:
    if role is None:
        return Client()
    _token, secret = api_token_create(actor=SYSTEM, user=w["users"][role], name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _url(contract: Any) -> str:
    return f"/api/v1/contracts/{contract.pk}/lots"


def _add_lots(w: dict[str, Any], numbers: list[int]) -> None:
    """Lots with these numbers (in this order of creation), each with a lot limit of 100 × its number; lot 3
    also with article limits ZZ-9 and AA-1 (created in that order)."""
    for number in numbers:
        lot = services.lot_save(
            actor=w["admin"], contract=w["contract"], number=number, title=f"Los {number}", supplier=w["supplier"]
        )
        services.limit_save(actor=w["admin"], lot=lot, max_quantity=100 * number)
        if number == 3:
            for pid in ("ZZ-9", "AA-1"):
                services.limit_save(actor=w["admin"], lot=lot, article_pid=pid, max_quantity=7)


def _limits(lot: dict[str, Any]) -> list[tuple[str, int]]:
    return [(limit["article_pid"], limit["max_quantity"]) for limit in lot["limits"]]


def test_pages_walk_the_lots_by_number_with_their_limits(contract_world: dict[str, Any]) -> None:
    w = contract_world
    _add_lots(w, [5, 3, 2, 4])
    client = _client(w, "requester")
    first = client.get(_url(w["contract"]), {"page_size": 2})
    assert_page(first, total=5, page=1, size=2, last=3, keeps={"page_size": "2"})
    assert [(lot["number"], lot["title"], _limits(lot)) for lot in first.json()] == [
        (1, "Notebooks", [("", 100), ("NB-1", 10)]),
        (2, "Los 2", [("", 200)]),
    ]
    second = client.get(_url(w["contract"]), {"page_size": 2, "page": 2})
    assert_page(second, total=5, page=2, size=2, last=3)
    assert [(lot["number"], _limits(lot)) for lot in second.json()] == [
        (3, [("", 300), ("AA-1", 7), ("ZZ-9", 7)]),
        (4, [("", 400)]),
    ]
    third = client.get(_url(w["contract"]), {"page_size": 2, "page": 3})
    assert_page(third, total=5, page=3, size=2, last=3)
    assert [(lot["number"], lot["supplier_id"], _limits(lot)) for lot in third.json()] == [
        (5, w["supplier"].pk, [("", 500)])
    ]
    assert set(third.json()[0]) == {"id", "number", "title", "supplier_id", "limits"}
    assert set(third.json()[0]["limits"][0]) == {
        "article_pid",
        "estimated_quantity",
        "max_quantity",
        "estimated_value",
        "max_value",
        "consumed_quantity",
        "consumed_value",
        "percent_used",
    }
    default = client.get(_url(w["contract"]))
    assert_page(default, total=5, page=1, size=50, last=1)
    assert [lot["number"] for lot in default.json()] == [1, 2, 3, 4, 5]
    # the same lots and limits as the contract's detail
    detail = client.get(f"/api/v1/contracts/{w['contract'].pk}").json()
    assert detail["lots"] == default.json()


@pytest.mark.parametrize(
    ("query", "status", "field"), [*BAD_PAGING, ({"page": "2"}, 400, "page"), ({"number": "1"}, 422, "number")]
)
def test_bad_parameters_are_named(
    contract_world: dict[str, Any], query: dict[str, str], status: int, field: str
) -> None:
    response = _client(contract_world, "contract_manager").get(_url(contract_world["contract"]), query)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field


def test_a_draft_contracts_lots_stay_hidden_whatever_the_parameters(contract_world: dict[str, Any]) -> None:
    draft = contract_world["draft"]
    services.lot_save(
        actor=contract_world["admin"], contract=draft, number=1, title="Drucker", supplier=contract_world["supplier"]
    )
    assert _client(contract_world, "contract_manager").get(_url(draft)).status_code == 200
    for query in ({}, {"page": "2"}, {"seite": "1"}):
        assert _client(contract_world, "other_requester").get(_url(draft), query).status_code == 404
        assert _client(contract_world, "requester").get(_url(draft), query).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_who_may_list_the_lots(contract_world: dict[str, Any], role: str | None) -> None:
    before = (
        list(Lot.objects.order_by("pk").values_list("pk", "number", "title")),
        list(VolumeLimit.objects.order_by("pk").values_list("pk", "max_quantity", "consumed_quantity")),
    )
    response = _client(contract_world, role).get(_url(contract_world["contract"]))
    expected = 401 if role is None else 200 if role in SEES_CONTRACT else 404
    assert response.status_code == expected, (role, response.content)
    if expected == 200:
        assert_page(response, total=1, page=1, size=50, last=1)
        assert [(lot["number"], _limits(lot)) for lot in response.json()] == [(1, [("", 100), ("NB-1", 10)])]
    else:
        assert "X-Total-Count" not in response
    after = (
        list(Lot.objects.order_by("pk").values_list("pk", "number", "title")),
        list(VolumeLimit.objects.order_by("pk").values_list("pk", "max_quantity", "consumed_quantity")),
    )
    assert after == before


@pytest.mark.parametrize("role", ["contract_manager", "requester", "supplier_user"])
def test_query_count_does_not_grow_with_lots_limits_or_register(contract_world: dict[str, Any], role: str) -> None:
    w = contract_world
    client = _client(w, role)
    _add_lots(w, [2, 3])
    add_members(5)
    small, response = query_count(client, _url(w["contract"]))
    assert response["X-Total-Count"] == "3"
    _add_lots(w, list(range(4, 30)))
    add_members(30, start=5000)
    large, response = query_count(client, _url(w["contract"]))
    assert response["X-Total-Count"] == "29" and len(response.json()) == 29
    assert large == small
