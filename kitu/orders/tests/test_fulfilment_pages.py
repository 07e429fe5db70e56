"""Pages of the supplier portal, the goods receipt, standard baskets, savings and the XLSX export: the
permission matrix (denied posts change nothing) and the flows on the pages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import ROLES, STAFF
from kitu.core.models import AuditEntry
from kitu.orders import baskets, fulfilment, services
from kitu.orders.models import CartLine, Order, OrderLine, Shipment, StandardBasket, StandardBasketLine
from kitu.orders.tests.test_api_pages import submit_reviewed

pytestmark = pytest.mark.django_db

ORDERING = {"requester", "member_admin"}
SEES_ORDERS = STAFF | {"member_admin", "requester", "approver"}


def _state() -> tuple[Any, ...]:
    return (
        tuple(Order.objects.order_by("pk").values_list("status", "total", "delivery_date")),
        tuple(OrderLine.objects.order_by("pk").values_list("rejected_reason", "shipped_quantity", "received_quantity")),
        tuple(Shipment.objects.order_by("pk").values_list("received_on")),
        tuple(StandardBasket.objects.order_by("pk").values_list("name", "is_active")),
        tuple(StandardBasketLine.objects.order_by("pk").values_list("article", "quantity")),
        tuple(CartLine.objects.order_by("pk").values_list("cart__user", "quantity")),
        AuditEntry.objects.count(),
    )


def _world(w: dict[str, Any]) -> dict[str, Any]:
    """An approved order to confirm, a confirmed one with an unreceived shipment, and a basket."""
    u = w["users"]
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["notebook"], quantity=1)
    (to_confirm,) = services.checkout(actor=u["requester"], member=w["wernigerode"])  # auto-approved
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["dock"], quantity=4)
    (shipping,) = services.checkout(actor=u["requester"], member=w["wernigerode"])  # 600 EUR, auto-approved
    fulfilment.confirm(actor=u["supplier_user"], order=shipping, delivery_date=timezone.localdate())
    line = shipping.lines.get()
    shipment = fulfilment.ship(
        actor=u["supplier_user"], order=shipping, quantities={line.pk: 2}, shipped_on=timezone.localdate()
    )
    basket = baskets.basket_save(actor=u["contract_manager"], name="Standard-Arbeitsplatz")
    baskets.basket_line_set(actor=u["contract_manager"], basket=basket, article=w["notebook"], quantity=1)
    return {"to_confirm": to_confirm, "shipping": shipping, "line": line, "shipment": shipment, "basket": basket}


@pytest.mark.parametrize("role", ROLES)
def test_fulfilment_and_basket_pages_permission_matrix(
    order_world: dict[str, Any], client_for: Any, role: str | None
) -> None:
    w = order_world
    x = _world(w)
    client = client_for(role)
    anon = role is None

    def code(allowed: bool, denied: int) -> int:
        return 302 if anon else 200 if allowed else denied

    sees = SEES_ORDERS | {"supplier_user"}
    pages = {
        reverse("orders:detail", args=[x["to_confirm"].pk]): code(role in sees, 404),
        reverse("orders:detail", args=[x["shipping"].pk]): code(role in sees, 404),
        reverse("orders:baskets"): code(role in STAFF | ORDERING | {"other_member_admin", "other_requester"}, 403),
        reverse("orders:basket", args=[x["basket"].pk]): code(role in STAFF, 403),
        reverse("orders:savings"): code(
            role in STAFF | {"member_admin", "requester", "approver", "other_member_admin", "other_requester"}, 403
        ),
    }
    for url, status in pages.items():
        assert client.get(url).status_code == status, (url, role)
    detail = "" if anon else client.get(reverse("orders:detail", args=[x["to_confirm"].pk])).content.decode()
    assert ("Bestellung bestätigen" in detail) == (role == "supplier_user"), role
    shipping = "" if anon else client.get(reverse("orders:detail", args=[x["shipping"].pk])).content.decode()
    assert ("Lieferung erfassen" in shipping) == (role == "supplier_user"), role
    assert ("Wareneingang buchen" in shipping) == (role in ORDERING), role
    before = _state()
    today = f"{timezone.localdate():%Y-%m-%d}"
    posts = {
        "confirm": (reverse("orders:confirm", args=[x["to_confirm"].pk]), {"delivery_date": today}),
        "ship": (
            reverse("orders:ship", args=[x["shipping"].pk]),
            {"shipped_on": today, f"quantity_{x['line'].pk}": "2"},
        ),
        "receive": (
            reverse("orders:receive", args=[x["shipping"].pk, x["shipment"].pk]),
            {f"s{x['shipment'].pk}-received_on": today},
        ),
        "basket_new": (reverse("orders:baskets"), {"name": "Schul-Notebook"}),
        "basket_edit": (reverse("orders:basket", args=[x["basket"].pk]), {"basket": "1", "name": "Neu"}),
        "basket_to_cart": (
            reverse("orders:basket_to_cart", args=[x["basket"].pk]),
            {"member": w["wernigerode"].pk, "times": "2"},
        ),
    }
    allowed = {
        "supplier_user": {"confirm", "ship"},
        "requester": {"receive", "basket_to_cart"},
        "member_admin": {"receive", "basket_to_cart"},
        "coop_admin": {"basket_new", "basket_edit"},
        "contract_manager": {"basket_new", "basket_edit"},
    }.get(role or "", set())
    for name, (url, data) in posts.items():
        if name in allowed:
            continue
        response = client.post(url, data)
        assert response.status_code in (302, 403, 404), (name, role, response.status_code)
    assert _state() == before, role


def test_supplier_and_member_work_the_order_on_the_pages(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    u = w["users"]
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["notebook"], quantity=3)
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["dock"], quantity=2)
    (order,) = services.checkout(actor=u["requester"], member=w["wernigerode"])
    services.approve(actor=u["approver"], order=order)
    nb, dock = order.lines.order_by("position")
    supplier, requester = client_for("supplier_user"), client_for("requester")
    today = timezone.localdate()
    # a past delivery date is refused with the reason, nothing changes
    page = supplier.post(
        reverse("orders:confirm", args=[order.pk]),
        {"delivery_date": f"{today - dt.timedelta(1):%Y-%m-%d}"},
        follow=True,
    ).content.decode()
    assert "Der Liefertermin liegt in der Vergangenheit." in page
    supplier.post(
        reverse("orders:confirm", args=[order.pk]),
        {"delivery_date": f"{today + dt.timedelta(5):%Y-%m-%d}", f"reason_{dock.pk}": "nicht mehr lieferbar"},
    )
    order.refresh_from_db()
    assert (order.status, order.total) == ("confirmed", Decimal("2400.00"))
    page = supplier.post(
        reverse("orders:ship", args=[order.pk]),
        {"shipped_on": f"{today:%Y-%m-%d}", "delivery_note": "LS-1", f"quantity_{nb.pk}": "3"},
        follow=True,
    ).content.decode()
    assert "Die Lieferung ist erfasst." in page
    shipment = order.shipments.get()
    page = requester.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "nicht mehr lieferbar" in page and "Lieferung 1 vom" in page and "Wareneingang buchen" in page
    requester.post(
        reverse("orders:receive", args=[order.pk, shipment.pk]),
        {f"s{shipment.pk}-received_on": f"{today:%Y-%m-%d}", f"s{shipment.pk}-note": "vollständig"},
    )
    order.refresh_from_db()
    assert order.status == "received"
    assert "Wareneingang am" in requester.get(reverse("orders:detail", args=[order.pk])).content.decode()
    # the history as XLSX: one sheet of orders, one of lines
    response = requester.get(reverse("orders:list") + "?format=xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    orders_sheet, lines_sheet = book["Bestellungen"], book["Positionen"]
    assert [c.value for c in orders_sheet[2]][:8] == [
        order.number,
        dt.datetime.combine(timezone.localtime(order.created_at).date(), dt.time()),
        "Stadt Wernigerode",
        "RV-2025-01",
        "Beispiel IT GmbH",
        "Wareneingang gebucht",
        2400,
        600,
    ]
    assert [
        (r[1].value, r[2].value, r[10].value, r[11].value, r[12].value) for r in lines_sheet.iter_rows(min_row=2)
    ] == [
        (1, "NB-1", 3, 3, None),
        (2, "DS-1", 0, 0, "nicht mehr lieferbar"),
    ]
    filtered = requester.get(reverse("orders:list") + "?format=xlsx&year=2001")
    assert load_workbook(io.BytesIO(filtered.content))["Bestellungen"].max_row == 1


def test_placeholder_and_basket_on_the_pages(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    u = w["users"]
    requester = client_for("requester")
    page = requester.post(
        reverse("orders:placeholder_add"),
        {
            "lot": w["lot"].pk,
            "description": "Notebook mit LTE-Modem",
            "quantity": "2",
            "unit_price": "1.234,50",
            "attachment": SimpleUploadedFile("angebot.pdf", b"%PDF-1.4 x"),
        },
        follow=True,
    ).content.decode()
    assert "Die Freitextposition ist im Warenkorb." in page and "Notebook mit LTE-Modem" in page
    assert "2.469,00" in page
    basket = baskets.basket_save(actor=u["contract_manager"], name="Standard-Arbeitsplatz")
    baskets.basket_line_set(actor=u["contract_manager"], basket=basket, article=w["dock"], quantity=2)
    listing = requester.get(reverse("orders:baskets")).content.decode()
    assert "Standard-Arbeitsplatz" in listing and "Dockingstation" in listing
    requester.post(reverse("orders:basket_to_cart", args=[basket.pk]), {"times": "3"})
    assert sorted(CartLine.objects.values_list("description", "article__supplier_pid", "quantity")) == [
        ("", "DS-1", 6),
        ("Notebook mit LTE-Modem", None, 2),
    ]
    submit_reviewed(requester, w["wernigerode"])
    order = Order.objects.get()
    line = order.lines.get(article__isnull=True)
    download = client_for("approver").get(reverse("orders:attachment", args=[order.pk, line.pk]))
    assert (download.status_code, b"".join(download.streaming_content)) == (200, b"%PDF-1.4 x")
    assert (
        client_for("other_member_admin").get(reverse("orders:attachment", args=[order.pk, line.pk])).status_code == 404
    )
    # the office edits the basket on its page
    office = client_for("contract_manager")
    page = office.post(
        reverse("orders:basket", args=[basket.pk]),
        {"line": "1", "contract": w["contract"].pk, "supplier_pid": "XX-1", "quantity": "1"},
    ).content.decode()
    assert "Im Rahmenvertrag RV-2025-01 gibt es keine Artikelnummer XX-1." in page
    office.post(
        reverse("orders:basket", args=[basket.pk]),
        {"line": "1", "contract": w["contract"].pk, "supplier_pid": "NB-1", "quantity": "1"},
    )
    assert sorted(basket.lines.values_list("article__supplier_pid", "quantity")) == [("DS-1", 2), ("NB-1", 1)]


def test_savings_page_sums_per_member_and_year(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    u = w["users"]
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["dock"], quantity=2)
    services.checkout(actor=u["requester"], member=w["wernigerode"])  # 300 EUR, 100 saved, auto-approved
    page = client_for("member_admin").get(reverse("orders:savings")).content.decode()
    assert "<svg" in page and "Stadt Wernigerode" in page and "300,00" in page and "100,00" in page
    assert "Stadt Wernigerode" not in client_for("other_member_admin").get(reverse("orders:savings")).content.decode()


def test_search_results_go_into_the_cart(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    requester = client_for("requester")
    page = requester.get(reverse("catalog:search") + "?q=Notebook").content.decode()
    add = reverse("orders:cart_add")
    pk = w["notebook"].pk
    # a plain form (next: back to the results) that htmx posts in place when JavaScript runs
    form = f'<form method="post" action="{add}" id="cart-{pk}" hx-post="{add}" hx-target="#added-{pk}"'
    assert form in page and f'form="cart-{pk}"' in page and '<input type="hidden" name="next"' in page
    assert form not in client_for("approver").get(reverse("catalog:search") + "?q=Notebook").content.decode()
    response = requester.post(
        reverse("orders:cart_add"), {"article": w["notebook"].pk, "member": w["wernigerode"].pk, "quantity": "2"}
    )
    assert response.status_code == 302
    assert list(CartLine.objects.values_list("article__supplier_pid", "quantity")) == [("NB-1", 2)]
