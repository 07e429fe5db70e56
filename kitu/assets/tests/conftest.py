"""Fixtures of the asset tests: order_world with ECLASS classes and warranty terms on the articles, every
role, and a helper that takes an order through approval, confirmation, shipment and goods receipt."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import EVERY_ROLE, login, make_article, make_user
from kitu.accounts.roles import Role
from kitu.orders import fulfilment, services
from kitu.orders.models import Order, OrderStatus, Shipment

TODAY = dt.date(2026, 11, 22)
ROLES = EVERY_ROLE


def client_as(world: dict[str, Any], role: str | None) -> Client:
    client = Client()
    if role is not None:
        login(client, world["users"][role])
    return client


@pytest.fixture
def asset_world(order_world: dict[str, Any]) -> dict[str, Any]:
    """order_world; NB-1 is a notebook (ECLASS 19-03-01-04, 36 months warranty on the article), DS-1 a
    docking station (19-03-02-90, no article term), PAP-1 copy paper (24-01-02-01: never an asset)."""
    w = order_world
    w["notebook"].eclass_group, w["notebook"].warranty_months = "19030104", 36
    w["notebook"].manufacturer_name = "Dell"
    w["notebook"].save()
    w["dock"].eclass_group = "19030290"
    w["dock"].save()
    w["paper"] = make_article(
        w["contract"], w["lot"], "PAP-1", "4.50", description="Kopierpapier A4", eclass_group="24010201"
    )
    users = w["users"]
    w_org = w["wernigerode"].organisation
    users["service_desk"] = make_user("servicedesk@test.example", [(w["coop"], Role.SERVICE_DESK)])
    users["council_office"] = make_user("councilofficer@test.example", [(w_org, Role.COUNCIL_OFFICE)])
    users["council_member"] = make_user("councillor@test.example", [(w_org, Role.COUNCIL_MEMBER)])
    users["representative"] = make_user("representative@test.example", [(w_org, Role.REPRESENTATIVE)])
    return w


def confirmed_order(w: dict[str, Any], *lines: tuple[str, int]) -> Order:
    u = w["users"]
    for key, qty in lines:
        services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w[key], quantity=qty)
    (order,) = services.checkout(actor=u["requester"], member=w["wernigerode"])
    if order.status == OrderStatus.PENDING:
        services.approve(actor=u["approver"], order=order)
    order = Order.objects.get(pk=order.pk)
    fulfilment.confirm(actor=u["supplier_user"], order=order, delivery_date=TODAY, today=TODAY)
    return Order.objects.get(pk=order.pk)


def ship(
    w: dict[str, Any], order: Order, quantities: dict[str, int], serials: dict[str, list[str]] | None = None
) -> Shipment:
    lines = {line.supplier_pid: line.pk for line in order.lines.all()}
    return fulfilment.ship(
        actor=w["users"]["supplier_user"],
        order=order,
        quantities={lines[pid]: q for pid, q in quantities.items()},
        serials={lines[pid]: s for pid, s in (serials or {}).items()},
        shipped_on=TODAY - dt.timedelta(days=2),
        today=TODAY,
    )


def receive(w: dict[str, Any], shipment: Shipment, capture: Any, day: dt.date = TODAY - dt.timedelta(days=1)) -> None:
    with capture(execute=True):
        fulfilment.receive(actor=w["users"]["requester"], shipment=shipment, received_on=day, today=TODAY)
