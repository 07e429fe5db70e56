"""The supplier's shipment through the API (POST /api/v1/orders/{id}/shipments) with serial numbers per line:
checked like the portal's form (at most one per unit shipped, unique within the line, 80 characters), strict
body, nothing written on a refusal; the serials reach the devices at the goods receipt."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.accounts.services import api_token_create
from kitu.assets.models import Asset
from kitu.core.actors import SYSTEM
from kitu.orders.models import Order, Shipment, ShipmentLine

from .conftest import ROLES, TODAY, confirmed_order, receive

pytestmark = pytest.mark.django_db
SHIPPED = (TODAY - dt.timedelta(days=2)).isoformat()


def api(user: Any) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client: Client, order: Order, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/orders/{order.pk}/shipments", json.dumps(body), content_type="application/json")


def body(line_id: int, quantity: int, serials: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    line: dict[str, Any] = {"line_id": line_id, "quantity": quantity}
    if serials is not None:
        line["serial_numbers"] = serials
    return {"shipped_on": SHIPPED, "lines": [line], **extra}


def test_supplier_ships_with_serials_and_the_devices_get_them(
    asset_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = asset_world
    order = confirmed_order(w, ("notebook", 3))
    line = order.lines.get()
    response = post(api(w["users"]["supplier_user"]), order, body(line.pk, 2, [" SN-1 ", "SN-2"], delivery_note="LS-7"))
    assert response.status_code == 201, response.content
    shipment = Shipment.objects.get()
    assert response.json() == {
        "id": shipment.pk,
        "number": 1,
        "shipped_on": SHIPPED,
        "delivery_note": "LS-7",
        "order_status": "partly_shipped",
        "lines": [{"line_id": line.pk, "quantity": 2, "serial_numbers": ["SN-1", "SN-2"]}],
    }
    receive(w, shipment, django_capture_on_commit_callbacks)
    assert list(Asset.objects.order_by("unit").values_list("unit", "serial_number")) == [(1, "SN-1"), (2, "SN-2")]
    # the rest without serials: the field is optional
    assert post(api(w["users"]["supplier_user"]), order, body(line.pk, 1)).status_code == 201
    assert ShipmentLine.objects.get(shipment__number=2).serial_numbers == ""


BAD_SERIALS = (
    (["A", "B", "C"], 2),  # more serials than units shipped
    (["A", "A"], 2),  # twice the same
    (["A", " A "], 2),  # the same after trimming
)
NOT_SCHEMA: tuple[dict[str, Any], ...] = (
    {"lines": [{"line_id": 0, "quantity": 1}]},  # bad id
    {"lines": [{"line_id": 1, "quantity": 1, "serials": ["A"]}]},  # unknown field in a line
    {"lines": [{"line_id": 1, "quantity": 1, "serial_numbers": ["X" * 81]}]},  # too long
    {"lines": [{"line_id": 1, "quantity": 1, "serial_numbers": [""]}]},  # empty
    {"lines": [{"line_id": 1, "quantity": 1, "serial_numbers": "A"}]},  # not a list
    {"lines": []},
    {"carrier": "DHL"},  # unknown field
    {"shipped_on": "gestern"},
)


def test_bad_input_is_4xx_naming_the_field_and_nothing_is_written(asset_world: dict[str, Any]) -> None:
    w = asset_world
    order = confirmed_order(w, ("notebook", 3))
    line = order.lines.get()
    client = api(w["users"]["supplier_user"])
    for serials, quantity in BAD_SERIALS:
        response = post(client, order, body(line.pk, quantity, serials))
        assert response.status_code == 400, serials
        assert response.json()["field"] == f"serials_{line.pk}"
        assert "Pos. 1" in response.json()["detail"]
    for change in NOT_SCHEMA:
        data = {**body(line.pk, 1), **change}
        for item in data["lines"]:
            if item.get("line_id") == 1:
                item["line_id"] = line.pk
        assert post(client, order, data).status_code == 422, change
    assert not Shipment.objects.exists()
    assert Order.objects.get(pk=order.pk).lines.get().shipped_quantity == 0


def test_a_line_twice_and_a_quantity_above_open_are_400(asset_world: dict[str, Any]) -> None:
    w = asset_world
    order = confirmed_order(w, ("notebook", 3))
    line = order.lines.get()
    client = api(w["users"]["supplier_user"])
    twice = {"shipped_on": SHIPPED, "lines": [{"line_id": line.pk, "quantity": 1}] * 2}
    assert post(client, order, twice).json()["field"] == "lines[1].line_id"
    too_many = post(client, order, body(line.pk, 4))
    assert (too_many.status_code, too_many.json()["field"]) == (400, f"quantity_{line.pk}")
    assert not Shipment.objects.exists()


def test_permission_over_all_roles(asset_world: dict[str, Any]) -> None:
    """Only the order's supplier ships; the member's people 403, the office 403, another supplier and
    another member's users 404, anonymous 401 — and nothing is written on a denial."""
    w = asset_world
    other = w["monitor_contract"].suppliers.get()
    w["users"]["other_supplier_user"] = make_user("supplier2@test.example", [(other.organisation, Role.SUPPLIER_USER)])
    order = confirmed_order(w, ("notebook", 3))
    line = order.lines.get()
    # who sees the order but is not its supplier: 403; who does not see it: 404
    forbidden = {"coop_admin", "contract_manager", "member_admin", "requester", "approver"}
    for role in (*ROLES, "other_supplier_user"):
        if role == "supplier_user":
            continue
        if role is None:
            response = post(Client(), order, body(line.pk, 1))
            assert response.status_code == 401
            continue
        response = post(api(w["users"][role]), order, body(line.pk, 1, ["S"]))
        assert response.status_code == (403 if role in forbidden else 404), role
    assert not Shipment.objects.exists()
    assert post(api(w["users"]["supplier_user"]), order, body(line.pk, 1, ["S"])).status_code == 201
