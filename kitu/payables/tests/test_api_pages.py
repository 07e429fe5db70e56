"""GET /api/v1/inbound-invoices (issue 23.4): paged like the other lists (kitu.core.pagination) instead of
cut at 500 — newest first (received, then id), strict parameters, every role sees what it sent or received
only; its query count does not grow with the invoices or the members."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kitu.core.tests.paging import BAD_PAGING, assert_page, query_count
from kitu.members.tests.test_pickers import add_members
from kitu.payables.models import InboundInvoice, InboundInvoiceLine

from .conftest import ALL_ROLES, Z_LEITWEG, good_ubl, post_xml, token_client
from .xmlgen import Item

pytestmark = pytest.mark.django_db
URL = "/api/v1/inbound-invoices"


def _received(numbers_and_ages: list[tuple[str, int]], supplier: Client, *, zeitz: bool = False) -> list[int]:
    """Invoices sent by the world's supplier (to Wernigerode, or Zeitz), received the given number of hours
    ago; their ids."""
    ids = []
    for number, hours in numbers_and_ages:
        if zeitz:
            xml = good_ubl(
                number,
                buyer_reference=Z_LEITWEG,
                order_number="B-2026-00043",
                items=[Item("NB-1", "Notebook", 2, "800.00", 1)],
            )
        else:
            xml = good_ubl(number)
        response = post_xml(supplier, xml)
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
        InboundInvoice.objects.filter(pk=ids[-1]).update(received_at=timezone.now() - dt.timedelta(hours=hours))
    return ids


def _copies(invoice_id: int, count: int) -> None:
    """``count`` copies of a received invoice under new numbers (the list's size; each passed the same checks)."""
    original = InboundInvoice.objects.get(pk=invoice_id)
    copies = []
    for i in range(count):
        original.pk = None
        original.number = f"KOPIE-{invoice_id}-{i}"
        copies.append(
            InboundInvoice(**{f.attname: getattr(original, f.attname) for f in InboundInvoice._meta.concrete_fields})
        )
    InboundInvoice.objects.bulk_create(copies)


@pytest.fixture
def inbox(role_users: dict[str, Any]) -> dict[str, Any]:
    """Three invoices to Wernigerode (received 5, 1 and 3 hours ago) and one to Zeitz (2 hours ago)."""
    supplier = token_client(role_users["supplier_user"])
    w = _received([("RE-1", 5), ("RE-2", 1), ("RE-3", 3)], supplier)
    (z,) = _received([("RE-Z", 2)], supplier, zeitz=True)
    return {"users": role_users, "w": w, "z": z}


def _numbers(response: Any) -> list[str]:
    return [i["number"] for i in response.json()]


def test_pages_walk_the_invoices_newest_first(inbox: dict[str, Any]) -> None:
    client = token_client(inbox["users"]["supplier_user"])
    first = client.get(URL, {"page_size": 3})
    assert_page(first, total=4, page=1, size=3, last=2, keeps={"page_size": "3"})
    assert [(i["number"], i["member"]) for i in first.json()] == [
        ("RE-2", "Stadt Wernigerode"),
        ("RE-Z", "Stadt Zeitz"),
        ("RE-3", "Stadt Wernigerode"),
    ]
    second = client.get(URL, {"page_size": 3, "page": 2})
    assert_page(second, total=4, page=2, size=3, last=2)
    assert _numbers(second) == ["RE-1"]
    assert "lines" not in second.json()[0] and "iban" not in second.json()[0]
    member = token_client(inbox["users"]["approver"])
    mine = member.get(URL, {"page_size": 2, "page": 2})
    assert_page(mine, total=3, page=2, size=2, last=2)
    assert _numbers(mine) == ["RE-1"]
    # received at the same moment: the later row first
    InboundInvoice.objects.update(received_at=timezone.now())
    same = [_numbers(member.get(URL, {"page_size": 1, "page": n})) for n in (1, 2, 3)]
    ordered = list(InboundInvoice.objects.filter(pk__in=inbox["w"]).order_by("-pk").values_list("number", flat=True))
    assert same == [[n] for n in ordered]


@pytest.mark.parametrize(
    ("query", "status", "field"), [*BAD_PAGING, ({"page": "2"}, 400, "page"), ({"status": "matched"}, 422, "status")]
)
def test_bad_parameters_are_named(inbox: dict[str, Any], query: dict[str, str], status: int, field: str) -> None:
    response = token_client(inbox["users"]["member_admin"]).get(URL, query)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field


SEES_W = {"supplier_user", "member_admin", "requester", "approver"}
SEES_Z = {"supplier_user", "other_member_admin", "other_requester"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_sees_which_invoices(inbox: dict[str, Any], role: str | None) -> None:
    before = list(InboundInvoice.objects.order_by("pk").values_list("pk", "status", "number"))
    lines = InboundInvoiceLine.objects.count()
    client = Client() if role is None else token_client(inbox["users"][role])
    response = client.get(URL, {"page_size": 2})
    if role is None:
        assert response.status_code == 401 and "X-Total-Count" not in response
    else:
        expected = [
            i
            for i in ("RE-2", "RE-Z", "RE-3", "RE-1")
            if (i == "RE-Z" and role in SEES_Z) or (i != "RE-Z" and role in SEES_W)
        ]
        assert_page(response, total=len(expected), page=1, size=2, last=max((len(expected) + 1) // 2, 1))
        assert _numbers(response) == expected[:2]
    assert list(InboundInvoice.objects.order_by("pk").values_list("pk", "status", "number")) == before
    assert InboundInvoiceLine.objects.count() == lines == 3 * 2 + 1


@pytest.mark.parametrize("role", ["supplier_user", "approver"])
def test_query_count_does_not_grow_with_invoices_or_members(inbox: dict[str, Any], role: str) -> None:
    client = token_client(inbox["users"][role])
    add_members(5)
    small, response = query_count(client, URL)
    total = int(response["X-Total-Count"])
    _copies(inbox["w"][0], 60)
    _copies(inbox["z"], 10)
    add_members(30, start=5000)
    large, response = query_count(client, URL)
    assert response["X-Total-Count"] == str(total + 60 + (10 if role == "supplier_user" else 0))
    assert len(response.json()) == 50
    assert large == small
