"""Fixtures of the inbound e-invoice tests: Leitweg-IDs for both members and delivered orders."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from conftest import login, make_user
from kitu.accounts.roles import Role
from kitu.accounts.services import api_token_create
from kitu.core.actors import SYSTEM
from kitu.members.models import CostCentre, LeitwegId
from kitu.members.validators import leitweg_check_digits
from kitu.orders.models import Order, OrderLine, OrderStatus

from .xmlgen import Item, cii, require_samples, ubl

W_LEITWEG = "15085370-0001-" + leitweg_check_digits("150853700001")
Z_LEITWEG = "15084590-0001-" + leitweg_check_digits("150845900001")


def make_order(
    world: dict[str, Any], *, number: str, member: Any, supplier: Any, lot: Any, lines: list[tuple]
) -> Order:
    """An order as delivered: lines (pid, description, quantity, unit price, received quantity, cost centre)."""
    total = sum((Decimal(q) * Decimal(p) for _pid, _d, q, p, _r, _c in lines), Decimal("0"))
    order = Order.objects.create(
        number=number,
        member=member,
        contract=lot.contract,
        supplier=supplier,
        requester=world["users"]["requester"],
        status=OrderStatus.RECEIVED,
        legal_basis="Abruf aus Rahmenvertrag",
        total=total,
    )
    for position, (pid, description, quantity, price, received, cost_centre) in enumerate(lines, start=1):
        OrderLine.objects.create(
            order=order,
            position=position,
            lot=lot,
            supplier_pid=pid,
            description=description,
            order_unit="C62",
            quantity=quantity,
            unit_price=Decimal(price),
            total=Decimal(price) * quantity,
            shipped_quantity=received,
            received_quantity=received,
            cost_centre=cost_centre,
        )
    return order


@pytest.fixture
def payables_world(order_world: dict[str, Any]) -> dict[str, Any]:
    """order_world plus: Leitweg-IDs of Wernigerode and Zeitz; order B-2026-00042 of Wernigerode at the world's
    supplier (NB-1: 5 ordered at 750, 4 received; DS-1: 4 at 150, 4 received; cost centre 4711); order
    B-2026-00043 of Zeitz at the same supplier; order B-2026-00044 of Wernigerode at another supplier."""
    require_samples()
    w = order_world
    wernigerode, zeitz = w["wernigerode"], w["zeitz"]
    LeitwegId.objects.create(member=wernigerode, value=W_LEITWEG, is_default=True)
    LeitwegId.objects.create(member=zeitz, value=Z_LEITWEG, is_default=True)
    it = CostCentre.objects.create(member=wernigerode, code="4711", name="IT-Service")
    order = make_order(
        w,
        number="B-2026-00042",
        member=wernigerode,
        supplier=w["supplier"],
        lot=w["lot"],
        lines=[("NB-1", "Notebook 14 Zoll", 5, "750.00", 4, it), ("DS-1", "Dockingstation", 4, "150.00", 4, None)],
    )
    zeitz_order = make_order(
        w,
        number="B-2026-00043",
        member=zeitz,
        supplier=w["supplier"],
        lot=w["lot"],
        lines=[("NB-1", "Notebook", 2, "800.00", 2, None)],
    )
    monitor = w["monitor"]
    other_order = make_order(
        w,
        number="B-2026-00044",
        member=wernigerode,
        supplier=monitor.supplier,
        lot=monitor.lot,
        lines=[("MON-1", "Monitor", 3, "300.00", 3, None)],
    )
    return {**w, "order": order, "zeitz_order": zeitz_order, "other_order": other_order, "cost_centre": it}


GOOD_ITEMS = [Item("NB-1", "Notebook 14 Zoll", 4, "750.00", 1), Item("DS-1", "Dockingstation", 4, "150.00", 2)]


def good_ubl(number: str = "RE-2026-1001", **kwargs: Any) -> bytes:
    args = {"buyer_reference": W_LEITWEG, "order_number": "B-2026-00042", "items": GOOD_ITEMS} | kwargs
    return ubl(number=number, **args)


def good_cii(number: str = "RE-2026-2001", **kwargs: Any) -> bytes:
    args = {"buyer_reference": W_LEITWEG, "order_number": "B-2026-00042", "items": GOOD_ITEMS} | kwargs
    return cii(number=number, **args)


def token_client(user: Any) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post_xml(client: Client, data: bytes, content_type: str = "application/xml") -> Any:
    return client.post("/api/v1/inbound-invoices", data=data, content_type=content_type)


ALL_ROLES = (
    None,
    "coop_admin",
    "contract_manager",
    "member_admin",
    "requester",
    "approver",
    "case_worker",
    "workgroup_member",
    "supplier_user",
    "other_member_admin",
    "other_requester",
    "council_office",
    "councillor",
    "other_councillor",
)


@pytest.fixture
def role_users(payables_world: dict[str, Any]) -> dict[str, Any]:
    """The world's users plus the council office and a councillor of Wernigerode and a councillor of Zeitz."""
    w_org, z_org = payables_world["wernigerode"].organisation, payables_world["zeitz"].organisation
    users = dict(payables_world["users"])
    users["council_office"] = make_user("office@test.example", [(w_org, Role.COUNCIL_OFFICE)])
    users["councillor"] = make_user("councillor@test.example", [(w_org, Role.COUNCIL_MEMBER)])
    users["other_councillor"] = make_user("councillor.zeitz@test.example", [(z_org, Role.COUNCIL_MEMBER)])
    return users


def client_as(users: dict[str, Any], role: str | None) -> Client:
    client = Client()
    if role is not None:
        login(client, users[role])
    return client
