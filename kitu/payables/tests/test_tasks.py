"""Received e-invoices in the task inbox: the factual check for requesters and member admins, then the
arithmetic check for approvers and member admins — not for the person who confirmed the first step."""

from __future__ import annotations

from typing import Any

import pytest

from kitu.payables import services
from kitu.tasks.tests.conftest import tasks_of as tasks_for  # counted too: the header must agree

from .conftest import good_ubl

pytestmark = pytest.mark.django_db


def invoice_tasks(user: Any) -> list[str]:
    return [task.title for task in tasks_for(user) if task.kind == "inbound_invoice"]


def test_each_step_waits_with_the_people_who_must_do_it(role_users: dict[str, Any]) -> None:
    u = role_users
    invoice = services.receive(actor=u["supplier_user"], data=good_ubl())
    factual = [f"Eingangsrechnung {invoice.number} von {invoice.seller_name} sachlich prüfen"]
    assert invoice_tasks(u["requester"]) == factual and invoice_tasks(u["member_admin"]) == factual
    for role in ("approver", "other_member_admin", "supplier_user", "coop_admin", "council_office"):
        assert invoice_tasks(u[role]) == [], role
    services.confirm_factual(actor=u["member_admin"], invoice=invoice)
    arithmetic = [f"Eingangsrechnung {invoice.number} von {invoice.seller_name} rechnerisch prüfen"]
    assert invoice_tasks(u["approver"]) == arithmetic
    assert invoice_tasks(u["member_admin"]) == []  # confirmed the first step: not the second
    assert invoice_tasks(u["requester"]) == []
    services.confirm_arithmetic(actor=u["approver"], invoice=invoice)
    assert [invoice_tasks(u[r]) for r in ("requester", "approver", "member_admin")] == [[], [], []]
