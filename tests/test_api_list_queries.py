"""The query count of the paged API lists that were paged first (orders, invoices, contracts, suppliers,
assemblies) does not grow with their rows or with the register (issue 23.4; members: kitu/members/tests/
test_scale.py; the other lists: their apps' test_*_pages.py). Each is asked by the roles that see it: the
office, a member's users and the supplier."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_published_contract
from kitu.accounts.models import Organisation
from kitu.accounts.roles import OrgKind
from kitu.accounts.services import api_token_create
from kitu.billing.models import Invoice, InvoiceStatus
from kitu.contracts.models import Supplier
from kitu.core.actors import SYSTEM
from kitu.core.tests.paging import query_count
from kitu.governance.services import assemblies
from kitu.members.tests.test_pickers import add_members
from kitu.orders import services as orders

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _orders(w: dict[str, Any], count: int) -> None:
    """Orders of Wernigerode at both suppliers: two docks (approved at once), four monitors (pending: above
    1,000 EUR)."""
    for _ in range(count):
        requester = w["users"]["requester"]
        orders.cart_add(actor=requester, member=w["wernigerode"], article=w["dock"], quantity=2)
        orders.cart_add(actor=requester, member=w["wernigerode"], article=w["monitor"], quantity=4)
        orders.checkout(actor=requester, member=w["wernigerode"])


def _invoices(w: dict[str, Any], count: int, start: int) -> None:
    """Issued invoices, alternately to Wernigerode and Zeitz."""
    today = timezone.localdate()
    for i in range(start, start + count):
        Invoice.objects.create(
            member=w["wernigerode"] if i % 2 else w["zeitz"],
            number=f"RE-2026-{i:05d}",
            status=InvoiceStatus.ISSUED,
            issue_date=today - dt.timedelta(days=i),
            issued_at=timezone.now() - dt.timedelta(days=i),
            due_date=today + dt.timedelta(days=30 - i),
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 1, 31),
            gross_total=Decimal("119.00"),
        )


def _contracts(w: dict[str, Any], count: int, start: int) -> None:
    """Published contracts for Wernigerode, each with a supplier of its own (with a contact) and the world's."""
    for i in range(start, start + count):
        org = Organisation.objects.create(kind=OrgKind.SUPPLIER, name=f"Lieferant {i:03d} GmbH")
        supplier = Supplier.objects.create(
            organisation=org, street="Weg 1", postcode="39104", city="Magdeburg", order_email=f"l{i}@x.example"
        )
        supplier.contacts.create(name="Vertrieb", email=f"v{i}@x.example")
        contract, _lot, _limit = make_published_contract(
            w["admin"], supplier, number=f"RV-2026-{i:03d}", eligible=[w["wernigerode"]], max_quantity=10
        )
        contract.suppliers.add(w["supplier"])


def _grows_not(client: Client, url: str, grow: Any) -> None:
    add_members(5)
    small, response = query_count(client, url)
    before = int(response["X-Total-Count"])
    grow()
    add_members(30, start=5000)
    large, response = query_count(client, url)
    assert int(response["X-Total-Count"]) > before, url
    assert len(response.json()) == min(int(response["X-Total-Count"]), 50)
    assert large == small, url


@pytest.mark.parametrize("role", ["coop_admin", "requester", "approver", "supplier_user"])
def test_orders(order_world: dict[str, Any], role: str) -> None:
    """The supplier (of the docks) sees its approved orders; the monitors' pending orders are another's."""
    w = order_world
    _orders(w, 1)
    _grows_not(_client(w["users"][role]), "/api/v1/orders", lambda: _orders(w, 6))


@pytest.mark.parametrize("role", ["coop_admin", "member_admin", "other_member_admin", "approver"])
def test_invoices(contract_world: dict[str, Any], role: str) -> None:
    w = contract_world
    _invoices(w, 4, 1)
    _grows_not(_client(w["users"][role]), "/api/v1/invoices", lambda: _invoices(w, 60, 10))


@pytest.mark.parametrize("role", ["contract_manager", "requester", "supplier_user"])
@pytest.mark.parametrize("url", ["/api/v1/contracts", "/api/v1/suppliers"])
def test_contracts_and_suppliers(contract_world: dict[str, Any], role: str, url: str) -> None:
    w = contract_world
    _contracts(w, 2, 1)
    _grows_not(_client(w["users"][role]), url, lambda: _contracts(w, 12, 10))


@pytest.mark.parametrize("role", ["coop_admin", "member_admin", "other_requester"])
def test_assemblies(world: dict[str, Any], role: str) -> None:
    def add(count: int, start: int) -> None:
        for years in range(start, start + count):
            assemblies.assembly_create(
                actor=world["admin"],
                title=f"GV vor {years} Jahren",
                starts_at=timezone.now() - dt.timedelta(days=365 * years),
                place="Magdeburg",
            )

    add(2, 1)
    _grows_not(_client(world["users"][role]), "/api/v1/assemblies", lambda: add(10, 10))
