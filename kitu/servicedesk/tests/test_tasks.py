"""Task inbox kinds of the service desk: waiting for the member, assigned to me, near a breach."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from kitu.servicedesk import services
from kitu.tasks.tests.conftest import tasks_of as tasks_for  # counted too: the header must agree

from .conftest import report

pytestmark = pytest.mark.django_db


def kinds(user: Any) -> list[tuple[str, str]]:
    return sorted((t.kind, t.url) for t in tasks_for(user) if t.kind.startswith("ticket_"))


def test_ticket_tasks(desk: dict[str, Any]) -> None:
    now = timezone.now()
    ticket = report(desk, now=now - timezone.timedelta(days=10))  # long overdue: near breach for the desk
    url = f"/servicedesk/tickets/{ticket.pk}/"
    users = desk["users"]
    assert kinds(desk["desk_user"]) == [("ticket_near_breach", url)]  # its team's, unassigned
    assert kinds(users["coop_admin"]) == []  # not in the team
    services.ticket_assign(actor=desk["desk_user"], ticket=ticket, team=desk["teams"][0], assignee=users["coop_admin"])
    assert kinds(users["coop_admin"]) == [("ticket_assigned", url), ("ticket_near_breach", url)]
    assert kinds(desk["desk_user"]) == []
    services.transition(actor=users["coop_admin"], ticket=ticket, to_status="waiting")
    for role in ("requester", "member_admin"):
        assert kinds(users[role]) == [("ticket_waiting", url)]
    for role in ("approver", "other_member_admin", "supplier_user"):
        assert kinds(users[role]) == []  # not the reporter / another member
    assert kinds(users["coop_admin"]) == []  # waiting: not the desk's work
