"""Demo data of the service desk: tickets in every state with a breach, two teams, canned replies, time recorded
and billed, all marked as demo; seeding twice gives the same counts."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.billing.models import InvoiceLine
from kitu.demo.data import DEMO_DOMAIN
from kitu.demo.servicedesk import seed_servicedesk
from kitu.servicedesk.models import CannedReply, SlaEvent, Team, Ticket, TimeEntry

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (Ticket.objects.count(), Team.objects.count(), CannedReply.objects.count(), TimeEntry.objects.count())


def test_seeding_twice_gives_the_same_service_desk(world: dict[str, Any]) -> None:
    w_org, z_org = world["wernigerode"].organisation, world["zeitz"].organisation
    make_user(f"admin@{DEMO_DOMAIN}", [(world["coop"], Role.COOP_ADMIN)])
    for name, org, role in (
        ("requester.wernigerode", w_org, Role.REQUESTER),
        ("memberadmin.wernigerode", w_org, Role.MEMBER_ADMIN),
        ("requester.zeitz", z_org, Role.REQUESTER),
        ("approver.zeitz", z_org, Role.APPROVER),
    ):
        make_user(f"{name}@{DEMO_DOMAIN}", [(org, role)])
    for member in (world["wernigerode"], world["zeitz"]):
        member.leitweg_ids.create(
            value="04011000-1234512345-06" if member == world["wernigerode"] else "992-90009-96", is_default=True
        )
    assert seed_servicedesk() == 7
    assert counts() == (7, 2, 3, 4)
    assert seed_servicedesk() == 0 and counts() == (7, 2, 3, 4)
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses == {"new", "in_progress", "waiting", "resolved", "closed", "merged"}
    assert SlaEvent.objects.filter(kind="breach").exists()
    assert not Ticket.objects.filter(is_demo=False).exists()
    billed = TimeEntry.objects.filter(invoice_line__isnull=False)
    assert billed.count() == 3 and InvoiceLine.objects.filter(service__code="unterstuetzung-fachpersonal").count() == 3
