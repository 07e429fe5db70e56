"""Cart, checkout into call-off orders, approval rules, volume reservation/consumption/release."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from celery.exceptions import Retry
from django.core import mail

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.contracts.models import VolumeLimit
from kitu.contracts.services import VolumeExhausted
from kitu.core.errors import DomainError, PermissionDenied
from kitu.orders import approval_rules, opentrans, services, tasks
from kitu.orders.models import CartLine, Order, OrderEvent, OrderStatus

pytestmark = pytest.mark.django_db


def volume(w: dict[str, Any]) -> list[tuple[int, int, Decimal, Decimal]]:
    """(consumed qty, reserved qty, consumed value, reserved value) of the lot limit and the NB-1 limit."""
    return [
        (lim.consumed_quantity, lim.reserved_quantity, lim.consumed_value, lim.reserved_value)
        for lim in VolumeLimit.objects.filter(pk__in=[w["lot_limit"].pk, w["article_limit"].pk]).order_by("pk")
    ]


def order_of(w: dict[str, Any], *lines: tuple[str, int], who: str = "requester") -> list[Order]:
    actor = w["users"][who]
    for key, qty in lines:
        services.cart_add(actor=actor, member=w["wernigerode"], article=w[key], quantity=qty)
    return services.checkout(actor=actor, member=w["wernigerode"])


def test_cart_applies_quantity_rules_and_scale_prices(order_world: dict[str, Any]) -> None:
    w = order_world
    u, member = w["users"], w["wernigerode"]
    with pytest.raises(DomainError, match="Mindestbestellmenge von DS-1: 2"):
        services.cart_add(actor=u["requester"], member=member, article=w["dock"], quantity=1)
    with pytest.raises(DomainError, match="in Schritten von 2"):
        services.cart_add(actor=u["requester"], member=member, article=w["dock"], quantity=3)
    services.cart_add(actor=u["requester"], member=member, article=w["dock"], quantity=4)
    services.cart_add(actor=u["requester"], member=member, article=w["notebook"], quantity=2)
    line = services.cart_quick_add(actor=u["requester"], member=member, supplier_pid=" NB-1 ", quantity=3)
    assert line.quantity == 5  # added to the existing line: the 750 EUR tier
    with pytest.raises(DomainError, match="Keine Artikelnummer XX-9"):
        services.cart_quick_add(actor=u["requester"], member=member, supplier_pid="XX-9", quantity=1)
    with pytest.raises(PermissionDenied):
        services.cart_add(actor=u["approver"], member=member, article=w["dock"], quantity=2)  # approvers do not order
    with pytest.raises(PermissionDenied):
        services.cart_add(actor=u["other_requester"], member=member, article=w["dock"], quantity=2)
    with pytest.raises(DomainError, match="RV-2025-01 kann Stadt Zeitz nicht abrufen"):
        services.cart_add(actor=u["other_requester"], member=w["zeitz"], article=w["dock"], quantity=2)
    (order,) = services.checkout(actor=u["requester"], member=member)
    assert [(ln.supplier_pid, ln.quantity, ln.unit_price, ln.total, ln.savings) for ln in order.lines.all()] == [
        ("DS-1", 4, Decimal("150.00"), Decimal("600.00"), Decimal("200.00")),
        ("NB-1", 5, Decimal("750.00"), Decimal("3750.00"), Decimal("1250.00")),
    ]
    assert (order.total, order.savings, order.status, order.steps_required) == (
        Decimal("4350.00"),
        Decimal("1450.00"),
        OrderStatus.PENDING,
        1,
    )
    assert order.legal_basis == (
        "Abruf aus Rahmenvertrag RV-2025-01 (Rahmenvereinbarung nach § 15 UVgO (unterhalb der EU-Schwellenwerte))"
    )
    assert not CartLine.objects.exists()


def test_checkout_splits_per_contract_and_auto_approves_small_orders(order_world: dict[str, Any]) -> None:
    w = order_world
    orders = order_of(w, ("notebook", 1), ("monitor", 2))
    assert [(o.contract.number, o.supplier.organisation.name, o.total, o.status) for o in orders] == [
        ("RV-2025-01", "Beispiel IT GmbH", Decimal("800.00"), OrderStatus.APPROVED),
        ("RV-2025-03", "Harz Monitore GmbH", Decimal("600.00"), OrderStatus.APPROVED),
    ]
    assert orders[0].number.startswith("B-") and orders[1].number != orders[0].number
    assert volume(w) == [(1, 0, Decimal("800.00"), Decimal("0.00"))] * 2  # consumed at once
    assert [e.status for e in orders[0].events.all()] == ["pending", "approved"]


def test_one_step_approval_reserves_then_consumes_and_mails(
    order_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = order_world
    u = w["users"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = order_of(w, ("notebook", 2))
    assert (order.status, order.total) == (OrderStatus.PENDING, Decimal("1600.00"))
    assert volume(w) == [(0, 2, Decimal("0.00"), Decimal("1600.00"))] * 2
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([u["approver"].email], f"Freigabe erbeten: Bestellung {order.number} (1.600,00\u00a0€)")
    ]
    with pytest.raises(PermissionDenied):
        services.approve(actor=w["approver2"], order=order)  # a step-2 approver, not step 1
    with pytest.raises(PermissionDenied):
        services.approve(actor=u["other_member_admin"], order=order)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(actor=u["approver"], order=order)
    order.refresh_from_db()
    # approved, the volume consumed, and at once sent to the supplier as openTRANS
    assert order.status == OrderStatus.SENT and order.approved_at is not None and order.sent_at is not None
    assert volume(w) == [(2, 0, Decimal("1600.00"), Decimal("0.00"))] * 2
    approved_mail, dispatch, sent_mail = mail.outbox[1:]
    assert (dispatch.to, dispatch.subject) == (
        ["orders@beispiel-it.example"],
        f"Abrufbestellung {order.number} (RV-2025-01)",
    )
    name, content, mimetype = dispatch.attachments[0]
    assert (name, mimetype) == (f"{order.number}.xml", "application/xml")
    assert content == opentrans.order_xml(order) and opentrans.validate(content) == []
    # the requester hears of each change: the approval (by whom, which step) and the dispatch
    assert (approved_mail.to, approved_mail.subject) == (
        [u["requester"].email],
        f"Bestellung {order.number}: freigegeben",
    )
    assert (
        f"Neuer Stand Ihrer Bestellung für Stadt Wernigerode: freigegeben (Stufe 1) durch {u['approver'].full_name}."
        in (approved_mail.body)
    )
    assert (sent_mail.to, sent_mail.subject) == (
        [u["requester"].email],
        f"Bestellung {order.number}: an den Lieferanten übermittelt",
    )
    assert [e.status for e in order.events.all()] == ["pending", "approved", "sent"]
    with pytest.raises(DomainError, match="wartet nicht auf Freigabe"):
        services.approve(actor=u["approver"], order=order)


def test_two_steps_need_two_people_and_a_substitute_may_act(order_world: dict[str, Any]) -> None:
    w = order_world
    u = w["users"]
    (order,) = order_of(w, ("notebook", 8))
    assert (order.total, order.steps_required) == (Decimal("6000.00"), 1)  # under 10,000: one step
    approval_rules.policy_save(
        actor=u["member_admin"],
        member=w["wernigerode"],
        auto_approve_up_to=Decimal("0"),
        second_step_from=Decimal("5000"),
    )
    (big,) = order_of(w, ("dock", 40))
    assert (big.total, big.steps_required) == (Decimal("6000.00"), 2)
    # approver2 is also named substitute of step 1: it may approve step 1, but then not step 2
    approval_rules.approver_set(
        actor=u["member_admin"], member=w["wernigerode"], user=w["approver2"], step=1, is_substitute=True
    )
    services.approve(actor=w["approver2"], order=big)
    with pytest.raises(PermissionDenied, match="andere Person"):
        services.approve(actor=w["approver2"], order=big)
    with pytest.raises(PermissionDenied):
        services.approve(actor=u["approver"], order=big)  # step 2 is not the approver's
    approval_rules.approver_set(actor=u["member_admin"], member=w["wernigerode"], user=u["approver"], step=2)
    services.approve(actor=u["approver"], order=big)
    big.refresh_from_db()
    assert (big.status, big.steps_done) == (OrderStatus.APPROVED, 2)
    assert [(e.status, e.step, e.actor) for e in big.events.all()] == [
        ("pending", None, u["requester"]),
        ("approved", 1, w["approver2"]),
        ("approved", 2, u["approver"]),
    ]


def test_nobody_approves_their_own_order(order_world: dict[str, Any]) -> None:
    w = order_world
    org = w["wernigerode"].organisation
    both = make_user("both@test.example", [(org, Role.REQUESTER), (org, Role.APPROVER)])
    approval_rules.approver_set(actor=w["users"]["member_admin"], member=w["wernigerode"], user=both, step=1)
    services.cart_add(actor=both, member=w["wernigerode"], article=w["notebook"], quantity=2)
    (order,) = services.checkout(actor=both, member=w["wernigerode"])
    with pytest.raises(PermissionDenied, match="eigene Bestellung"):
        services.approve(actor=both, order=order)
    services.approve(actor=w["users"]["approver"], order=order)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.APPROVED


def test_reject_releases_and_the_order_can_go_back_to_the_cart(order_world: dict[str, Any]) -> None:
    w = order_world
    u = w["users"]
    (order,) = order_of(w, ("notebook", 3))
    with pytest.raises(DomainError, match="begründen"):
        services.reject(actor=u["approver"], order=order, reason="  ")
    with pytest.raises(PermissionDenied):
        services.reject(actor=u["requester"], order=order, reason="x")
    services.reject(actor=u["approver"], order=order, reason="Bitte über die Schul-IT bestellen.")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.REJECTED
    assert volume(w) == [(0, 0, Decimal("0.00"), Decimal("0.00"))] * 2
    assert OrderEvent.objects.filter(order=order, status="rejected").get().note == "Bitte über die Schul-IT bestellen."
    services.order_to_cart(actor=u["requester"], order=order)
    assert list(CartLine.objects.values_list("article__supplier_pid", "quantity")) == [("NB-1", 3)]


def test_cancel_releases_reserved_or_consumed_volume(order_world: dict[str, Any]) -> None:
    w = order_world
    u = w["users"]
    (pending,) = order_of(w, ("notebook", 2))
    (approved,) = order_of(w, ("notebook", 1))
    assert volume(w) == [(1, 2, Decimal("800.00"), Decimal("1600.00"))] * 2
    with pytest.raises(PermissionDenied):
        services.cancel(actor=u["approver"], order=pending)
    services.cancel(actor=u["requester"], order=pending)
    services.cancel(actor=u["member_admin"], order=approved, reason="doppelt bestellt")
    assert volume(w) == [(0, 0, Decimal("0.00"), Decimal("0.00"))] * 2
    with pytest.raises(DomainError, match="nicht mehr storniert"):
        services.cancel(actor=u["requester"], order=pending)


def test_volume_too_small_refuses_the_whole_checkout_with_what_is_left(order_world: dict[str, Any]) -> None:
    w = order_world
    u = w["users"]
    order_of(w, ("notebook", 7))
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["monitor"], quantity=1)
    services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["notebook"], quantity=4)
    before = (Order.objects.count(), volume(w), list(CartLine.objects.values_list("article_id", "quantity")))
    with pytest.raises(VolumeExhausted, match="Höchstmenge von Los 1: Notebooks NB-1 ist erreicht: noch 3 verfügbar"):
        services.checkout(actor=u["requester"], member=w["wernigerode"])
    assert (Order.objects.count(), volume(w), list(CartLine.objects.values_list("article_id", "quantity"))) == before
    CartLine.objects.filter(article=w["notebook"]).update(quantity=3)
    services.checkout(actor=u["requester"], member=w["wernigerode"])
    with pytest.raises(VolumeExhausted, match="NB-1 kann nicht mehr bestellt werden"):
        order_of(w, ("notebook", 1))  # used up: not even into the cart


def test_warnings_for_direct_award_limit_and_budget(order_world: dict[str, Any]) -> None:
    w = order_world
    u = w["users"]
    centre = w["wernigerode"].cost_centres.create(code="10-IT", name="IT", annual_budget=Decimal("2000"))
    cart_line = services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["monitor"], quantity=5)
    services.cart_line_update(actor=u["requester"], line=cart_line, quantity=5, cost_centre=centre)
    (first,) = services.checkout(actor=u["requester"], member=w["wernigerode"])
    assert first.warnings == []
    # orders further on (here: confirmed by the supplier) still count against the budget
    Order.objects.filter(pk=first.pk).update(status=OrderStatus.CONFIRMED)
    cart_line = services.cart_add(actor=u["requester"], member=w["wernigerode"], article=w["monitor"], quantity=60)
    services.cart_line_update(actor=u["requester"], line=cart_line, quantity=60, cost_centre=centre)
    (big,) = services.checkout(actor=u["requester"], member=w["wernigerode"])
    assert big.warnings == [
        "Der Auftragswert von 18000.00 EUR übersteigt die Wertgrenze für Direktaufträge (15000 EUR); "
        "der Abruf stützt sich auf den Rahmenvertrag RV-2025-03.",
        "Kostenstelle 10-IT IT: mit dieser Bestellung 19500.00 EUR von 2000.00 EUR Haushaltsansatz 2026.",
    ]


def test_dispatch_is_retried_when_the_mail_server_fails(order_world: dict[str, Any], monkeypatch: Any) -> None:
    w = order_world
    (order,) = order_of(w, ("notebook", 1))  # approved without approval; the dispatch runs below
    assert order.status == OrderStatus.APPROVED
    send = mail.EmailMessage.send

    def down(self: Any, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(mail.EmailMessage, "send", down)
    mail.outbox.clear()
    with pytest.raises(Retry, match="Retry in"):  # the worker schedules the next try with backoff
        tasks.dispatch_order.apply(args=[order.pk], throw=True)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.APPROVED and mail.outbox == []
    monkeypatch.setattr(mail.EmailMessage, "send", send)
    assert tasks.dispatch_order.apply(args=[order.pk]).result == "orders@beispiel-it.example"
    assert len(mail.outbox) == 1 and Order.objects.get(pk=order.pk).status == OrderStatus.SENT
    # a second run (e.g. a duplicate delivery of the task) sends nothing
    assert tasks.dispatch_order.apply(args=[order.pk]).result == "" and len(mail.outbox) == 1
