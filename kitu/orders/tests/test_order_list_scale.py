"""The order list at the size of every German municipality (issue 23.4): a page of 50 newest first without
counting every order, what the rows show read in one query, and a query count that does not grow with the
number of members and orders."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kitu.members.models import Member
from kitu.members.tests.test_pickers import _queries, add_members
from kitu.orders.models import Order, OrderStatus
from kitu.orders.views.orders import ORDERS_PAGE

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r'href="/bestellungen/\d+/">(T\d{5})<')


def add_orders(world: dict[str, Any], members: list[Member], each: int, start: int = 0) -> list[Order]:
    """``each`` orders per member, one minute apart, the last one newest."""
    base = timezone.now() - dt.timedelta(days=1)
    orders = Order.objects.bulk_create(
        Order(
            number=f"T{start + i * each + k:05d}",
            member=member,
            contract=world["contract"],
            supplier=world["supplier"],
            requester=world["users"]["requester"],
            status=OrderStatus.RECEIVED,
            legal_basis="UVgO",
            total=Decimal("100.00"),
        )
        for i, member in enumerate(members)
        for k in range(each)
    )
    for n, order in enumerate(orders):  # created_at is set on insert; spread it so the order is defined
        Order.objects.filter(pk=order.pk).update(created_at=base + dt.timedelta(minutes=start + n))
    return orders


def test_the_office_pages_through_every_order_newest_first(contract_world: dict[str, Any], client_for: Any) -> None:
    add_orders(contract_world, add_members(12), each=10)  # 120 orders, T00000 oldest, T00119 newest
    office = client_for("coop_admin")
    first = office.get(reverse("orders:list")).content.decode()
    assert NUMBER.findall(first) == [f"T{n:05d}" for n in range(119, 119 - ORDERS_PAGE, -1)]
    assert "Seite 1" in first and "?page=2" in first and "vorherige Seite" not in first
    third = office.get(reverse("orders:list"), {"page": 3}).content.decode()
    assert NUMBER.findall(third) == [f"T{n:05d}" for n in range(19, -1, -1)]
    assert "?page=2" in third and "nächste Seite" not in third
    assert NUMBER.findall(office.get(reverse("orders:list"), {"page": "zwei"}).content.decode())[0] == "T00119"
    assert NUMBER.findall(office.get(reverse("orders:list"), {"page": 9}).content.decode()) == []
    filtered = office.get(reverse("orders:list"), {"number": "T0001", "page": 1}).content.decode()
    assert len(NUMBER.findall(filtered)) == 10 and "nächste Seite" not in filtered
    assert 'href="?number=T0001&amp;format=csv"' in filtered  # the export takes the filters, not the page


def test_the_order_list_does_not_grow_with_members_and_orders(contract_world: dict[str, Any], client: Client) -> None:
    from conftest import login

    login(client, contract_world["users"]["coop_admin"])
    add_orders(contract_world, add_members(10), each=10)
    small = _queries(client, reverse("orders:list"))
    add_orders(contract_world, add_members(30, start=5000), each=10, start=100)
    large = _queries(client, reverse("orders:list"))
    assert large[0] == small[0]
    assert abs(large[1] - small[1]) < 200  # one page of 50 rows either way (the page link is new)
