"""After approval: the supplier confirms (rejecting lines), ships in parts, the member books the goods
receipt; placeholder lines priced on quotation; standard baskets; savings per member and year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from kitu.accounts.models import Organisation
from kitu.accounts.roles import Role
from kitu.contracts.models import VolumeLimit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.orders import baskets, fulfilment, opentrans, selectors, services
from kitu.orders.models import CartLine, Order, OrderLine, OrderStatus, Shipment

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 22)


def volume(w: dict[str, Any]) -> list[tuple[int, int]]:
    """(consumed, reserved) quantity of the lot limit and the NB-1 article limit."""
    return [
        (lim.consumed_quantity, lim.reserved_quantity)
        for lim in VolumeLimit.objects.filter(pk__in=[w["lot_limit"].pk, w["article_limit"].pk]).order_by("pk")
    ]


def approved_order(w: dict[str, Any], *lines: tuple[str, int]) -> Order:
    """An order of the requester, approved by the approver (above the 1,000 EUR auto-approval)."""
    u = w["users"]
    for key, qty in lines:
        services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w[key], quantity=qty)
    (order,) = services.checkout(actor=u["requester"], member=w["wernigerode"])
    if order.status == OrderStatus.PENDING:
        services.approve(actor=u["approver"], order=order)
    return Order.objects.get(pk=order.pk)


def test_supplier_confirms_rejecting_a_line_which_gives_its_volume_back(
    order_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = order_world
    u = w["users"]
    order = approved_order(w, ("notebook", 3), ("dock", 4))  # 2,400 + 600
    dock = order.lines.get(position=2)
    assert (order.total, volume(w)) == (Decimal("3000.00"), [(7, 0), (3, 0)])
    other_supplier_user = make_user(
        "monitore@test.example",
        [(Organisation.objects.get(name="Harz Monitore GmbH"), Role.SUPPLIER_USER)],
    )
    for intruder in (other_supplier_user, u["requester"], u["coop_admin"]):
        with pytest.raises(PermissionDenied):
            fulfilment.confirm(actor=intruder, order=order, delivery_date=TODAY, today=TODAY)
    with pytest.raises(DomainError, match="Vergangenheit"):
        fulfilment.confirm(actor=u["supplier_user"], order=order, delivery_date=TODAY - dt.timedelta(1), today=TODAY)
    with pytest.raises(DomainError, match=r"Pos\. 2: bitte begründen") as exc:
        fulfilment.confirm(
            actor=u["supplier_user"], order=order, delivery_date=TODAY, rejected={dock.pk: " "}, today=TODAY
        )
    assert exc.value.field == f"reason_{dock.pk}"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.APPROVED and volume(w) == [(7, 0), (3, 0)]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.confirm(
            actor=u["supplier_user"],
            order=order,
            delivery_date=dt.date(2026, 12, 4),
            rejected={dock.pk: "Modell abgekündigt"},
            today=TODAY,
        )
    order.refresh_from_db()
    assert (order.status, order.delivery_date, order.total, order.savings) == (
        OrderStatus.CONFIRMED,
        dt.date(2026, 12, 4),
        Decimal("2400.00"),
        Decimal("600.00"),
    )
    assert OrderLine.objects.get(pk=dock.pk).rejected_reason == "Modell abgekündigt"
    assert volume(w) == [(3, 0), (3, 0)]  # the 4 docks are free again; NB-1 untouched
    event = order.events.last()
    assert event is not None
    assert (event.status, event.actor, event.note) == (
        "confirmed",
        u["supplier_user"],
        "Liefertermin voraussichtlich 04.12.2026; Pos. 2 abgelehnt: Modell abgekündigt",
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([u["requester"].email], f"Bestellung {order.number}: vom Lieferanten bestätigt")
    ]
    assert "Pos. 2 abgelehnt: Modell abgekündigt" in mail.outbox[0].body
    with pytest.raises(DomainError, match="nicht mehr bestätigt"):
        fulfilment.confirm(actor=u["supplier_user"], order=order, delivery_date=TODAY, today=TODAY)


def test_supplier_rejecting_every_line_rejects_the_order(order_world: dict[str, Any]) -> None:
    w = order_world
    u = w["users"]
    order = approved_order(w, ("notebook", 2))
    (line,) = order.lines.all()
    fulfilment.confirm(
        actor=u["supplier_user"], order=order, delivery_date=TODAY, rejected={line.pk: "nicht lieferbar"}, today=TODAY
    )
    order.refresh_from_db()
    assert (order.status, order.total, volume(w)) == (OrderStatus.REJECTED, Decimal("0"), [(0, 0), (0, 0)])
    # still visible to the supplier, who rejected it
    assert list(selectors.visible_orders(u["supplier_user"])) == [order]


def test_partial_shipments_and_goods_receipt(
    order_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = order_world
    u = w["users"]
    order = approved_order(w, ("notebook", 3), ("dock", 4))
    nb, dock = order.lines.order_by("position")
    with pytest.raises(DomainError, match="keine Lieferung"):
        fulfilment.ship(actor=u["supplier_user"], order=order, quantities={nb.pk: 1}, shipped_on=TODAY, today=TODAY)
    fulfilment.confirm(actor=u["supplier_user"], order=order, delivery_date=TODAY, today=TODAY)
    with pytest.raises(DomainError, match=r"Pos\. 1: höchstens 3 offen"):
        fulfilment.ship(actor=u["supplier_user"], order=order, quantities={nb.pk: 4}, shipped_on=TODAY, today=TODAY)
    with pytest.raises(DomainError, match="mindestens eine"):
        fulfilment.ship(actor=u["supplier_user"], order=order, quantities={nb.pk: 0}, shipped_on=TODAY, today=TODAY)
    with pytest.raises(DomainError, match="Zukunft"):
        fulfilment.ship(
            actor=u["supplier_user"],
            order=order,
            quantities={nb.pk: 1},
            shipped_on=TODAY + dt.timedelta(1),
            today=TODAY,
        )
    with pytest.raises(PermissionDenied):
        fulfilment.ship(actor=u["requester"], order=order, quantities={nb.pk: 1}, shipped_on=TODAY, today=TODAY)
    assert not Shipment.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = fulfilment.ship(
            actor=u["supplier_user"],
            order=order,
            quantities={nb.pk: 2, dock.pk: 4},
            shipped_on=TODAY,
            delivery_note="LS-4711",
            today=TODAY,
        )
    order.refresh_from_db()
    assert (order.status, first.number) == (OrderStatus.PARTLY_SHIPPED, 1)
    expected = "Lieferung 1 vom 22.11.2026, Lieferschein LS-4711 (Pos. 1: 2 Stück, Pos. 2: 4 Stück)"
    assert order.events.values_list("note", flat=True).last() == expected
    assert mail.outbox[0].subject == f"Bestellung {order.number}: teilweise geliefert"
    # the member books the receipt of the first shipment; the supplier cannot
    with pytest.raises(PermissionDenied):
        fulfilment.receive(actor=u["supplier_user"], shipment=first, received_on=TODAY, today=TODAY)
    with pytest.raises(DomainError, match="zwischen Lieferdatum und heute"):
        fulfilment.receive(actor=u["requester"], shipment=first, received_on=TODAY - dt.timedelta(1), today=TODAY)
    fulfilment.receive(
        actor=u["requester"], shipment=first, received_on=TODAY, note="ein Karton beschädigt", today=TODAY
    )
    order.refresh_from_db()
    assert (order.status, order.received_at) == (OrderStatus.PARTLY_RECEIVED, None)
    with pytest.raises(DomainError, match="schon gebucht"):
        fulfilment.receive(actor=u["requester"], shipment=first, received_on=TODAY, today=TODAY)
    second = fulfilment.ship(
        actor=u["supplier_user"], order=order, quantities={nb.pk: 1}, shipped_on=TODAY, today=TODAY
    )
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    fulfilment.receive(actor=u["member_admin"], shipment=second, received_on=TODAY, today=TODAY)
    order.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED and order.received_at is not None
    assert [(ln.quantity, ln.shipped_quantity, ln.received_quantity) for ln in order.lines.order_by("position")] == [
        (3, 3, 3),
        (4, 4, 4),
    ]
    assert [(e.status, e.actor) for e in order.events.all()][-5:] == [
        ("confirmed", u["supplier_user"]),
        ("partly_shipped", u["supplier_user"]),
        ("partly_received", u["requester"]),
        ("shipped", u["supplier_user"]),
        ("received", u["member_admin"]),
    ]


def test_supplier_sees_only_its_own_approved_orders(order_world: dict[str, Any]) -> None:
    w = order_world
    u = w["users"]
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["notebook"], quantity=2)
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["monitor"], quantity=4)
    own_pending, monitors = services.checkout(actor=u["requester"], member=w["wernigerode"])
    assert own_pending.supplier == w["supplier"] and own_pending.status == OrderStatus.PENDING
    approved = approved_order(w, ("notebook", 1))  # auto-approved (800 EUR)
    services.approve(actor=u["approver"], order=monitors)
    assert list(selectors.visible_orders(u["supplier_user"])) == [approved]
    harz = make_user(
        "monitore@test.example", [(Organisation.objects.get(name="Harz Monitore GmbH"), Role.SUPPLIER_USER)]
    )
    assert list(selectors.visible_orders(harz)) == [monitors]
    assert selectors.visible_orders(u["supplier_user"]).filter(pk=own_pending.pk).count() == 0


def test_placeholder_line_priced_on_quotation(order_world: dict[str, Any], tmp_path: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    w = order_world
    u, member = w["users"], w["wernigerode"]
    quote = SimpleUploadedFile("angebot-4711.pdf", b"%PDF-1.4 Angebot", content_type="application/pdf")
    with pytest.raises(DomainError, match="Dateityp nicht erlaubt") as exc:
        services.cart_add_placeholder(
            actor=u["requester"],
            member=member,
            lot=w["lot"],
            description="Notebook mit 64 GB",
            quantity=2,
            unit_price=Decimal("1450"),
            attachment=SimpleUploadedFile("angebot.exe", b"MZ"),
        )
    assert exc.value.field == "attachment"
    with pytest.raises(DomainError, match="Einzelpreis"):
        services.cart_add_placeholder(
            actor=u["requester"], member=member, lot=w["lot"], description="x", quantity=1, unit_price=Decimal("0")
        )
    with pytest.raises(DomainError, match="RV-2025-01 kann Stadt Zeitz nicht abrufen"):
        services.cart_add_placeholder(
            actor=u["other_requester"],
            member=w["zeitz"],
            lot=w["lot"],
            description="x",
            quantity=1,
            unit_price=Decimal("1"),
        )
    assert not CartLine.objects.exists()
    services.cart_add_placeholder(
        actor=u["requester"],
        member=member,
        lot=w["lot"],
        description="Notebook mit 64 GB Arbeitsspeicher",
        quantity=2,
        unit_price=Decimal("1450"),
        attachment=quote,
    )
    services.cart_add(actor=u["requester"], member=member, article=w["notebook"], quantity=1)
    (order,) = services.checkout(actor=u["requester"], member=member)
    placeholder, _notebook = order.lines.order_by("position")
    assert (placeholder.article, placeholder.supplier_pid, placeholder.order_unit, placeholder.total) == (
        None,
        "",
        "C62",
        Decimal("2900.00"),
    )
    assert placeholder.attachment.read() == b"%PDF-1.4 Angebot"
    assert order.total == Decimal("3700.00")
    # the lot carries both lines, the NB-1 article limit only the catalog notebook
    assert volume(w) == [(0, 3), (0, 1)]
    xml = opentrans.order_xml(order)
    assert opentrans.validate(xml) == []
    assert b"Freitextposition, Preis laut Ihrem Angebot (Anlage angebot-4711" in xml
    services.reject(actor=u["approver"], order=order, reason="bitte zweites Angebot")
    services.order_to_cart(actor=u["requester"], order=order)
    assert sorted(CartLine.objects.values_list("description", "quantity", "unit_price")) == [
        ("", 1, None),
        ("Notebook mit 64 GB Arbeitsspeicher", 2, Decimal("1450.00")),
    ]


def test_standard_basket_goes_into_the_cart_all_or_nothing(order_world: dict[str, Any]) -> None:
    w = order_world
    u = w["users"]
    with pytest.raises(PermissionDenied):
        baskets.basket_save(actor=u["member_admin"], name="Standard-Arbeitsplatz")
    basket = baskets.basket_save(actor=u["contract_manager"], name="Standard-Arbeitsplatz", description="Notebook+Dock")
    with pytest.raises(DomainError, match="gibt es schon"):
        baskets.basket_save(actor=u["contract_manager"], name="standard-arbeitsplatz")
    baskets.basket_line_set(actor=u["contract_manager"], basket=basket, article=w["notebook"], quantity=1)
    with pytest.raises(DomainError, match="Schritten von 2"):
        baskets.basket_line_set(actor=u["contract_manager"], basket=basket, article=w["dock"], quantity=3)
    baskets.basket_line_set(actor=u["contract_manager"], basket=basket, article=w["dock"], quantity=2)
    baskets.basket_to_cart(actor=u["requester"], member=w["wernigerode"], basket=basket, times=3)
    assert sorted(CartLine.objects.values_list("article__supplier_pid", "quantity")) == [("DS-1", 6), ("NB-1", 3)]
    # Zeitz may not call off RV-2025-01: nothing lands in its cart
    zeitz_requester = u["other_requester"]
    with pytest.raises(DomainError, match="RV-2025-01 kann Stadt Zeitz nicht abrufen"):
        baskets.basket_to_cart(actor=zeitz_requester, member=w["zeitz"], basket=basket)
    assert CartLine.objects.filter(cart__user=zeitz_requester).count() == 0
    baskets.basket_line_set(actor=u["contract_manager"], basket=basket, article=w["dock"], quantity=0)
    assert list(basket.lines.values_list("article__supplier_pid", flat=True)) == ["NB-1"]
    with pytest.raises(DomainError, match="zwischen 1 und 500"):
        baskets.basket_to_cart(actor=u["requester"], member=w["wernigerode"], basket=basket, times=0)


def test_savings_are_summed_per_member_and_year(order_world: dict[str, Any]) -> None:
    w = order_world
    u = w["users"]
    approved_order(w, ("notebook", 5))  # 5 × 750, list 1,000: 1,250 saved
    approved_order(w, ("dock", 2))  # auto-approved: 300, 100 saved
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["dock"], quantity=20)
    services.checkout(actor=u["requester"], member=w["wernigerode"])  # pending: not counted
    rows = selectors.savings_by_member_year(selectors.visible_orders(u["coop_admin"]))
    year = Order.objects.values_list("created_at", flat=True)[0].year
    assert rows == [selectors.SavingsRow("Stadt Wernigerode", year, 2, Decimal("4050.00"), Decimal("1350.00"))]
    assert selectors.savings_by_member_year(selectors.visible_orders(u["other_member_admin"])) == []
