"""Issue 17.7/17.8: input the platform cannot store answers a clear 4xx naming the field, never a 500, and
changes nothing; unknown API routes and server errors answer JSON under /api/ and our own page elsewhere."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from kitu.accounts.services import api_token_create
from kitu.core.actors import SYSTEM
from kitu.core.models import AuditEntry
from kitu.members import selectors as member_selectors
from kitu.members.models import Member
from kitu.orders import services as order_services
from kitu.orders.models import CartLine

pytestmark = pytest.mark.django_db
HUGE = str(2**64)


def bearer(user: Any) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=user, name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/invoices?year=0", "year"),
        ("/api/v1/invoices?year=-1", "year"),
        ("/api/v1/invoices?year=10000", "year"),
        (f"/api/v1/invoices?member={HUGE}", "member"),
        (f"/api/v1/invoices/{HUGE}", "invoice_id"),
        (f"/api/v1/members/{HUGE}", "member_id"),
        (f"/api/v1/members/{HUGE}/events", "member_id"),
        (f"/api/v1/contracts/{HUGE}", "contract_id"),
        (f"/api/v1/contracts/{HUGE}/lots", "contract_id"),
        (f"/api/v1/suppliers/{HUGE}", "supplier_id"),
        (f"/api/v1/orders/{HUGE}", "order_id"),
        (f"/api/v1/cart?member={HUGE}", "member"),
        ("/api/v1/orders/0", "order_id"),
    ],
)
def test_out_of_range_numbers_are_422_naming_the_field(world: dict[str, Any], url: str, field: str) -> None:
    response = bearer(world["admin"]).get(url)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


def test_cart_quantity_beyond_the_column_is_422(order_world: dict[str, Any]) -> None:
    client = bearer(order_world["users"]["requester"])
    article = order_world["notebook"].pk
    for quantity in (2**31, 2**63, 10**30, 0, -1):
        response = client.post(
            "/api/v1/cart/lines", json.dumps({"article_id": article, "quantity": quantity}), "application/json"
        )
        assert (response.status_code, response.json()["field"]) == (422, "quantity"), quantity
    response = client.post("/api/v1/cart/lines", json.dumps({"article_id": 2**64, "quantity": 1}), "application/json")
    assert (response.status_code, response.json()["field"]) == (422, "article_id")
    response = client.post(
        "/api/v1/cart/lines", json.dumps({"article_id": article, "quantity": 1, "cost_centre": "x"}), "application/json"
    )
    assert (response.status_code, response.json()["field"]) == (422, "cost_centre")
    assert not CartLine.objects.exists()


def test_nul_bytes_are_400_naming_the_parameter_everywhere(world: dict[str, Any]) -> None:
    api = bearer(world["admin"])
    page = login(Client(), world["admin"])
    before = (AuditEntry.objects.count(), list(Member.objects.values_list("phone", flat=True)))
    cases = [
        (api.get, "/api/v1/members?q=a%00b", "q"),
        (api.get, "/api/v1/catalog/articles?q=%00", "q"),
        (api.get, "/api/v1/orders?status=%00", "status"),
        (page.get, "/mitglieder/?q=%00", "q"),
        (page.get, "/katalog/?q=x%00", "q"),
        (Client().get, "/open311/v2/requests.json?status=%00", "status"),
    ]
    for method, url, field in cases:
        response = method(url)
        assert response.status_code == 400, url
        if url.startswith(("/api/", "/open311/")):
            assert response.json()["field"] == field
            assert "Nullzeichen" in response.json()["detail"]
        else:
            assert f"„{field}“ enthält ein Nullzeichen" in response.content.decode()
    member = world["wernigerode"]
    response = api.patch(f"/api/v1/members/{member.pk}", json.dumps({"phone": "03943\u0000"}), "application/json")
    assert (response.status_code, response.json()["field"]) == (400, "body")
    response = page.post(reverse("accounts:api_tokens"), {"name": "ERP\x00"})
    assert response.status_code == 400
    assert (AuditEntry.objects.count(), list(Member.objects.values_list("phone", flat=True))) == before


def test_api_answers_json_for_unknown_routes_and_server_errors(world: dict[str, Any], monkeypatch: Any) -> None:
    api = bearer(world["admin"])
    response = api.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found", "field": None}

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(member_selectors, "search_members", boom)
    response = api.get("/api/v1/members")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error", "field": None}
    page = login(Client(), world["admin"])
    page.raise_request_exception = False
    response = page.get("/mitglieder/")
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_pages_answer_our_own_403_and_404_in_german(world: dict[str, Any]) -> None:
    page = login(Client(), world["users"]["requester"])
    response = page.get("/gibt-es-nicht/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Seite nicht gefunden" in body and "Zur Startseite" in body and "<nav" in body
    response = page.get(reverse("accounts:audit"))
    assert response.status_code in (403, 404)
    body = response.content.decode()
    assert "Zur Startseite" in body
    assert "Forbidden" not in body


def test_cart_page_quantity_beyond_the_column_changes_nothing(order_world: dict[str, Any]) -> None:
    client = login(Client(), order_world["users"]["requester"])
    client.raise_request_exception = False
    article = order_world["notebook"].pk
    for quantity in (str(2**31), str(2**63), "1e30"):
        response = client.post(reverse("orders:cart_add"), {"article": article, "quantity": quantity})
        assert response.status_code < 500, quantity
    assert not CartLine.objects.exists()
    line = order_services.cart_add(
        actor=order_world["users"]["requester"],
        member=order_world["wernigerode"],
        article=order_world["notebook"],
        quantity=1,
    )
    for quantity in (str(2**31), str(2**63)):
        response = client.post(reverse("orders:cart_line", args=[line.pk]), {"quantity": quantity})
        assert response.status_code < 500, quantity
    assert CartLine.objects.get().quantity == 1
