"""The cart and order API, and the permission matrix of the order pages (denied posts change nothing)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import ROLES, STAFF
from kitu.accounts.services import api_token_create
from kitu.contracts.models import VolumeLimit
from kitu.core.actors import SYSTEM
from kitu.core.models import AuditEntry
from kitu.orders import services
from kitu.orders.models import ApprovalPolicy, Approver, CartLine, Order, OrderEvent

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, json.dumps(data) if data is not None else "", content_type="application/json")


def test_api_cart_checkout_approve_reject(order_world: dict[str, Any]) -> None:
    w = order_world
    u = w["users"]
    requester, approver = api(u["requester"]), api(u["approver"])
    assert requester.get("/api/v1/cart").json() == {"member_id": w["wernigerode"].pk, "lines": [], "total": "0"}
    added = post(requester, "/api/v1/cart/lines", {"article_id": w["notebook"].pk, "quantity": 2})
    assert added.status_code == 201
    assert [(x["supplier_pid"], x["quantity"], x["unit_price"], x["total"]) for x in added.json()["lines"]] == [
        ("NB-1", 2, "800.00", "1600.00")
    ]
    assert post(requester, "/api/v1/cart/lines", {"article_id": w["dock"].pk, "quantity": 3}).status_code == 400
    assert post(requester, "/api/v1/cart/lines", {"article_id": "x", "quantity": 1}).status_code == 422
    assert (
        post(
            api(u["other_requester"]), "/api/v1/cart/lines", {"article_id": w["notebook"].pk, "quantity": 1}
        ).status_code
        == 404
    )
    checkout = post(requester, "/api/v1/cart/checkout")
    assert checkout.status_code == 201
    (order,) = checkout.json()
    assert (order["status"], order["total"], order["number"][:7]) == ("pending", "1600.00", "B-2026-")
    assert set(order) >= {"id", "number", "status", "total"}
    assert post(requester, "/api/v1/cart/checkout").json() == {"detail": "Der Warenkorb ist leer.", "field": None}
    # the approver sees it, another member's staff does not
    assert [o["id"] for o in approver.get("/api/v1/orders?status=pending").json()] == [order["id"]]
    assert api(u["other_member_admin"]).get("/api/v1/orders").json() == []
    assert api(u["other_member_admin"]).get(f"/api/v1/orders/{order['id']}").status_code == 404
    assert api(u["supplier_user"]).post(f"/api/v1/orders/{order['id']}/approve").status_code == 404
    assert post(requester, f"/api/v1/orders/{order['id']}/approve").status_code == 403
    detail = approver.get(f"/api/v1/orders/{order['id']}").json()
    assert [(ln["position"], ln["supplier_pid"], ln["quantity"], ln["savings"]) for ln in detail["lines"]] == [
        (1, "NB-1", 2, "400.00")
    ]
    approved = post(approver, f"/api/v1/orders/{order['id']}/approve")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    # a second order is rejected with a reason
    post(requester, "/api/v1/cart/lines", {"article_id": w["notebook"].pk, "quantity": 3})
    (second,) = post(requester, "/api/v1/cart/checkout").json()
    assert post(approver, f"/api/v1/orders/{second['id']}/reject", {}).status_code == 422
    rejected = post(approver, f"/api/v1/orders/{second['id']}/reject", {"reason": "zu teuer"})
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")


def test_api_checkout_answers_409_and_changes_nothing_when_the_volume_is_short(order_world: dict[str, Any]) -> None:
    w = order_world
    u = w["users"]
    requester = api(u["requester"])
    services.cart_add(actor=u["member_admin"], member=w["wernigerode"], article=w["notebook"], quantity=9)
    services.checkout(actor=u["member_admin"], member=w["wernigerode"])
    post(requester, "/api/v1/cart/lines", {"article_id": w["notebook"].pk, "quantity": 2})
    before = (
        Order.objects.count(),
        list(VolumeLimit.objects.values_list("reserved_quantity", "consumed_quantity")),
        list(CartLine.objects.values_list("quantity", flat=True)),
    )
    refused = post(requester, "/api/v1/cart/checkout")
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Die Höchstmenge von Los 1: Notebooks NB-1 ist erreicht: noch 1 verfügbar.",
        "field": "quantity",
    }
    after = (
        Order.objects.count(),
        list(VolumeLimit.objects.values_list("reserved_quantity", "consumed_quantity")),
        list(CartLine.objects.values_list("quantity", flat=True)),
    )
    assert after == before
    assert Client().get("/api/v1/cart").status_code == 401


ORDERING = {"requester", "member_admin"}
SEES_ORDERS = STAFF | {"member_admin", "requester", "approver"}


def _state() -> tuple[Any, ...]:
    return (
        tuple(Order.objects.order_by("pk").values_list("status", "steps_done")),
        tuple(CartLine.objects.order_by("pk").values_list("cart__user", "quantity")),
        tuple(OrderEvent.objects.order_by("pk").values_list("status")),
        tuple(ApprovalPolicy.objects.values_list("auto_approve_up_to", "second_step_from")),
        tuple(Approver.objects.order_by("pk").values_list("user", "step")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_order_pages_permission_matrix(order_world: dict[str, Any], client_for: Any, role: str | None) -> None:
    w = order_world
    u = w["users"]
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["notebook"], quantity=2)
    (order,) = services.checkout(actor=u["requester"], member=w["wernigerode"])
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["notebook"], quantity=1)
    line = CartLine.objects.get()
    approver_row = Approver.objects.get(user=u["approver"])
    client = client_for(role)
    anon = role is None

    def code(allowed: bool, denied: int) -> int:
        return 302 if anon else 200 if allowed else denied

    pages = {
        reverse("orders:list"): code(True, 200),
        reverse("orders:cart"): code(role in ORDERING | {"other_member_admin", "other_requester"}, 404),
        reverse("orders:approvals"): code(True, 200),
        reverse("orders:rules"): code(role in ("member_admin", "other_member_admin"), 403),
        reverse("orders:detail", args=[order.pk]): code(role in SEES_ORDERS, 404),
    }
    for url, status in pages.items():
        assert client.get(url).status_code == status, (url, role)
    if not anon:
        listing = client.get(reverse("orders:list")).content.decode()
        assert (order.number in listing) == (role in SEES_ORDERS), role
    if role == "approver":
        assert order.number in client.get(reverse("orders:approvals")).content.decode()
    before = _state()
    posts = [
        (reverse("orders:cart_add"), {"article": w["notebook"].pk, "quantity": 1, "member": w["wernigerode"].pk}),
        (reverse("orders:cart_line", args=[line.pk]), {"remove": "1"}),
        (reverse("orders:checkout"), {"member": w["wernigerode"].pk}),
        (reverse("orders:cancel", args=[order.pk]), {}),
        (reverse("orders:to_cart", args=[order.pk]), {}),
        (reverse("orders:rules"), {"policy": "1", "auto_approve_up_to": "5000", "member": w["wernigerode"].pk}),
        (reverse("orders:approver_remove", args=[approver_row.pk]), {}),
    ]
    if role != "approver":
        posts += [
            (reverse("orders:approve", args=[order.pk]), {}),
            (reverse("orders:reject", args=[order.pk]), {"reason": "nein"}),
        ]
    skip = {"requester": {0, 1, 2, 3, 4}, "member_admin": {0, 2, 3, 4, 5, 6}}.get(role or "", set())
    for index, (url, data) in enumerate(posts):
        if index in skip:
            continue
        response = client.post(url, data)
        assert response.status_code in (302, 403, 404), (url, role, response.status_code)
    assert _state() == before, role


def submit_reviewed(client: Any, member: Any) -> Any:
    """Open the review page and send what it shows (with its review token), following to the confirmation."""
    page = client.get(reverse("orders:review") + f"?mitglied={member.pk}").content.decode()
    token = re.search(r'name="review_token" value="([0-9a-f]+)"', page)
    assert token is not None, page
    return client.post(reverse("orders:checkout"), {"member": member.pk, "review_token": token[1]}, follow=True)


def test_requester_orders_on_the_pages_and_the_approver_approves(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    requester, approver = client_for("requester"), client_for("approver")
    response = requester.post(reverse("orders:cart_add"), {"article": w["notebook"].pk, "quantity": 2})
    assert response.status_code == 302
    requester.post(reverse("orders:quick_order"), {"supplier_pid": "MON-1", "quantity": 1})
    page = requester.get(reverse("orders:cart")).content.decode()
    assert "Notebook 14 Zoll" in page and "Monitor 27 Zoll" in page and "1.900,00" in page
    response = submit_reviewed(requester, w["wernigerode"])
    text = response.content.decode().replace("\xa0", " ")
    numbers = list(Order.objects.order_by("pk").values_list("number", "status"))
    assert numbers[0][1] == "pending" and numbers[1][1] == "approved"
    assert "2 Bestellungen abgesendet" in text
    assert f"{numbers[0][0]}</a> (Beispiel IT GmbH, 1.600,00 €):" in text
    assert "wartet auf Freigabe (Stufe 1 von 1) durch approver." in text
    assert "ist ohne Freigabe freigegeben und wird an Harz Monitore GmbH übermittelt." in text
    pending = Order.objects.get(number=numbers[0][0])
    assert approver.post(reverse("orders:approve", args=[pending.pk]), {"next": "approvals"})["Location"] == reverse(
        "orders:approvals"
    )
    assert Order.objects.get(pk=pending.pk).status == "approved"
    assert VolumeLimit.objects.get(article_pid="NB-1").consumed_quantity == 2
    csv = requester.get(reverse("orders:list") + "?format=csv").content.decode()
    assert csv.splitlines()[0].startswith("Bestellnummer;Datum;Mitglied")
    assert len(csv.splitlines()) == 3
    assert Decimal(csv.splitlines()[1].split(";")[6].replace(",", ".")) in (Decimal("1600.00"), Decimal("300.00"))


def test_cart_defaults_on_the_page(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    centre = w["wernigerode"].cost_centres.create(code="10-IT", name="IT")
    foreign = w["zeitz"].cost_centres.create(code="99", name="Zeitz")
    requester = client_for("requester")
    page = requester.post(reverse("orders:cart_defaults"), {"cost_centre": foreign.pk}, follow=True).content.decode()
    # not among the member's cost centres: the form refuses it and the cart keeps no default
    assert "Kostenstelle (optional): Bitte eine gültige Auswahl treffen. Dies ist keine gültige Auswahl." in page
    requester.post(reverse("orders:cart_defaults"), {"cost_centre": centre.pk, "site": w["site"].pk})
    services.cart_add(actor=w["users"]["requester"], member=w["wernigerode"], article=w["notebook"], quantity=1)
    (order,) = services.checkout(actor=w["users"]["requester"], member=w["wernigerode"])
    assert [line.cost_centre for line in order.lines.all()] == [centre]
    assert client_for("approver").post(reverse("orders:cart_defaults"), {"cost_centre": centre.pk}).status_code == 404


def test_an_exhausted_article_cannot_be_put_into_the_cart(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    u = w["users"]
    services.cart_add(actor=u["member_admin"], member=w["wernigerode"], article=w["notebook"], quantity=10)
    services.checkout(actor=u["member_admin"], member=w["wernigerode"])  # the NB-1 limit of 10 is now reserved
    refused = post(api(u["requester"]), "/api/v1/cart/lines", {"article_id": w["notebook"].pk, "quantity": 1})
    assert (refused.status_code, refused.json()) == (
        409,
        {
            "detail": "NB-1 kann nicht mehr bestellt werden: "
            "die Höchstmenge von Los 1: Notebooks NB-1 ist ausgeschöpft.",
            "field": "quantity",
        },
    )
    assert CartLine.objects.count() == 0
    page = client_for("requester").get(reverse("catalog:article", args=[w["notebook"].pk])).content.decode()
    assert "dieser Artikel kann nicht mehr bestellt werden" in page and 'name="quantity"' not in page
