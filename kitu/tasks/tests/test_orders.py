"""Task kinds around orders: approvals (also as substitute, and the second step), goods receipts, rejected
orders, and the supplier's confirmations and shipments — each appears when its condition holds and is gone
when the work is done; nobody sees another member's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.orders import approval_rules, fulfilment, services
from kitu.orders.models import Order, OrderStatus

from .conftest import tasks_of, titles


def _order(w: dict[str, Any], article_key: str, quantity: int, requester: str = "requester") -> Order:
    user = w["users"][requester]
    services.cart_add(actor=user, member=w["wernigerode"], article=w[article_key], quantity=quantity)
    (order,) = services.checkout(actor=user, member=w["wernigerode"])
    return order


def test_an_order_to_approve_is_the_approvers_task_until_approved(order_world: dict[str, Any]) -> None:
    w = order_world
    users = w["users"]
    order = _order(w, "notebook", 2)  # 1,600 EUR: one step
    (task,) = tasks_of(users["approver"], "order_approval")
    assert task.title == (
        f"Bestellung {order.number} freigeben: Stadt Wernigerode, 1.600,00\u00a0€, bestellt von requester"
    )
    assert (task.url, task.since, task.due) == (f"/bestellungen/{order.pk}/", order.created_at, None)
    for role in ("requester", "member_admin", "coop_admin", "supplier_user", "other_member_admin", "case_worker"):
        assert tasks_of(users[role], "order_approval") == [], role
    assert tasks_of(w["approver2"], "order_approval") == []  # step 2 is not due
    # a substitute of step 1 has the task too
    substitute = make_user("vertretung@test.example", [(w["wernigerode"].organisation, Role.APPROVER)])
    approval_rules.approver_set(
        actor=users["member_admin"], member=w["wernigerode"], user=substitute, step=1, is_substitute=True
    )
    assert [t.kind for t in tasks_of(substitute)] == ["order_approval"]
    services.approve(actor=users["approver"], order=order)
    assert tasks_of(users["approver"], "order_approval") == []
    assert tasks_of(substitute, "order_approval") == []


def test_the_second_step_is_the_second_approvers_task_from_the_first_approval(order_world: dict[str, Any]) -> None:
    w = order_world
    order = _order(w, "monitor", 40)  # 12,000 EUR: two steps
    assert tasks_of(w["approver2"], "order_approval") == []
    services.approve(actor=w["users"]["approver"], order=order)
    (task,) = tasks_of(w["approver2"], "order_approval")
    assert task.title.endswith("(2. Freigabe)")
    assert task.since == order.events.get(status=OrderStatus.APPROVED, step=1).at  # since the first approval
    assert tasks_of(w["users"]["approver"], "order_approval") == []  # the first approver cannot do step 2
    services.approve(actor=w["approver2"], order=order)
    assert tasks_of(w["approver2"], "order_approval") == []


def test_who_approved_the_first_step_has_no_task_for_the_second(order_world: dict[str, Any]) -> None:
    w = order_world
    approver = w["users"]["approver"]
    approval_rules.approver_set(actor=w["users"]["member_admin"], member=w["wernigerode"], user=approver, step=2)
    order = _order(w, "monitor", 40)
    services.approve(actor=approver, order=order)
    assert tasks_of(approver, "order_approval") == []  # the second approval must be another person's
    assert len(tasks_of(w["approver2"], "order_approval")) == 1


def test_goods_receipt_and_the_suppliers_tasks_follow_the_order(order_world: dict[str, Any]) -> None:
    w = order_world
    users = w["users"]
    supplier = users["supplier_user"]
    order = _order(w, "notebook", 1)  # 800 EUR: approved at once
    assert order.status == OrderStatus.APPROVED
    assert titles(supplier, "order_confirm") == [f"Bestellung {order.number} von Stadt Wernigerode bestätigen"]
    assert tasks_of(supplier, "order_ship") == []
    today = timezone.localdate()
    fulfilment.confirm(actor=supplier, order=order, delivery_date=today + dt.timedelta(days=5))
    assert tasks_of(supplier, "order_confirm") == []
    (ship,) = tasks_of(supplier, "order_ship")
    assert (ship.title, ship.due) == (
        f"Bestellung {order.number} an Stadt Wernigerode liefern",
        today + dt.timedelta(days=5),
    )
    assert tasks_of(users["requester"], "goods_receipt") == []
    line = order.lines.get()
    shipment = fulfilment.ship(actor=supplier, order=order, quantities={line.pk: 1}, shipped_on=today)
    assert tasks_of(supplier, "order_ship") == []  # everything shipped
    expected = f"Wareneingang buchen: Lieferung 1 zu Bestellung {order.number} von Beispiel IT GmbH"
    assert titles(users["requester"], "goods_receipt") == [expected]
    assert titles(users["member_admin"], "goods_receipt") == [expected]  # the member admin: all of the member
    for role in ("approver", "other_requester", "other_member_admin", "coop_admin", "supplier_user"):
        assert tasks_of(users[role], "goods_receipt") == [], role
    # another requester of the same member does not get the colleague's receipt
    colleague = make_user("kollege@test.example", [(w["wernigerode"].organisation, Role.REQUESTER)])
    assert tasks_of(colleague, "goods_receipt") == []
    fulfilment.receive(actor=users["requester"], shipment=shipment, received_on=today)
    assert tasks_of(users["requester"], "goods_receipt") == []
    assert tasks_of(users["member_admin"], "goods_receipt") == []


def test_a_rejected_order_is_a_task_until_submitted_again(order_world: dict[str, Any]) -> None:
    w = order_world
    users = w["users"]
    order = _order(w, "notebook", 2)
    services.reject(actor=users["approver"], order=order, reason="Budget erschöpft")
    (task,) = tasks_of(users["requester"], "order_rejected")
    assert task.title == (f"Bestellung {order.number} wurde abgelehnt: ändern und erneut absenden (Budget erschöpft)")
    assert task.since == order.events.get(status=OrderStatus.REJECTED).at
    assert [t.title for t in tasks_of(users["member_admin"], "order_rejected")] == [task.title]
    assert tasks_of(users["other_member_admin"], "order_rejected") == []
    assert tasks_of(users["approver"], "order_rejected") == []
    services.order_to_cart(actor=users["requester"], order=order)
    services.checkout(actor=users["requester"], member=w["wernigerode"])
    assert tasks_of(users["requester"], "order_rejected") == []


def test_a_rejection_older_than_the_window_is_no_task(order_world: dict[str, Any]) -> None:
    w = order_world
    order = _order(w, "notebook", 2)
    services.reject(actor=w["users"]["approver"], order=order, reason="nein")
    order.events.filter(status=OrderStatus.REJECTED).update(at=timezone.now() - dt.timedelta(days=31))
    assert tasks_of(w["users"]["requester"], "order_rejected") == []
