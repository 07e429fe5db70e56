"""The task inbox of representatives (an open poll waiting for the member's vote, an invitation to register
for) and the demo data (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_member, make_user
from kitu.accounts.models import Organisation, User
from kitu.accounts.roles import OrgKind, Role
from kitu.demo.data import DEMO_DOMAIN
from kitu.demo.governance import UPCOMING, seed_governance
from kitu.governance.models import Assembly, Attendance, BodyMember, Participation, Representative, Resolution
from kitu.governance.rules import PollStatus
from kitu.governance.services import assemblies, voting
from kitu.tasks.tests.conftest import tasks_of as tasks_for  # counted too: the header must agree

pytestmark = pytest.mark.django_db


def _kinds(user: Any) -> list[tuple[str, str]]:
    return [(t.kind, t.title) for t in tasks_for(User.objects.get(pk=user.pk)) if t.kind.startswith("assembly_")]


def test_open_poll_waits_for_the_members_vote(gov: dict[str, Any]) -> None:
    w = gov
    titles = [title for kind, title in _kinds(w["rep_w"]) if kind == "assembly_vote"]
    assert titles == [
        "Abstimmen für Stadt Wernigerode: Feststellung (Ordentliche Generalversammlung 2027)",
        "Abstimmen für Stadt Wernigerode: Satzungsänderung § 5 (Ordentliche Generalversammlung 2027)",
    ]
    voting.vote_cast(actor=w["rep_w2"], poll=w["open_poll"], member=w["wernigerode"], choice="yes")
    assert [t for k, t in _kinds(w["rep_w"]) if k == "assembly_vote"] == titles[1:]  # the other rep voted
    assert _kinds(w["users"]["member_admin"]) == [] and _kinds(w["admin"]) == []


def test_invitation_task_until_registered(gov: dict[str, Any]) -> None:
    w = gov
    assert [k for k, _t in _kinds(w["rep_z"]) if k == "assembly_invitation"] == []  # not invited yet
    Assembly.objects.filter(pk=w["assembly"].pk).update(invited_at=timezone.now())
    assert [k for k, _t in _kinds(w["rep_z"]) if k == "assembly_invitation"] == ["assembly_invitation"]
    assemblies.attendance_register(actor=w["rep_z"], assembly=w["assembly"], member=w["zeitz"])
    assert [k for k, _t in _kinds(w["rep_z"]) if k == "assembly_invitation"] == []


def test_demo_seed_is_idempotent() -> None:
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="Kommunale IT-UNION eG")
    admin = make_user(f"admin@{DEMO_DOMAIN}", [(coop, Role.COOP_ADMIN)], is_superuser=True)
    for name, email in (("Stadt Wernigerode", "wernigerode"), ("Stadt Zeitz", "zeitz")):
        member = make_member(name, admin=admin)
        make_user(f"representative.{email}@{DEMO_DOMAIN}", [(member.organisation, Role.REPRESENTATIVE)])
    today = dt.date(2026, 12, 6)
    assert seed_governance(today) == 5 + 2 + 1 + 1

    def counts() -> tuple[int, ...]:
        return tuple(
            m.objects.count() for m in (Assembly, Resolution, BodyMember, Representative, Participation, Attendance)
        )

    first = counts()
    assert seed_governance(today) == 0
    assert counts() == first
    past = Assembly.objects.get(title="Ordentliche Generalversammlung 2025 (Demo)")
    assert past.minutes and past.minutes_signed_by
    assert list(past.resolutions.values_list("status", "adopted")) == [(PollStatus.COUNTED, True)] * 3
    upcoming = Assembly.objects.get(title=UPCOMING)
    assert upcoming.is_demo and upcoming.resolutions.filter(status=PollStatus.OPEN, procedure="written").count() == 1
    rep = User.objects.get(email=f"representative.zeitz@{DEMO_DOMAIN}")
    assert [t.kind for t in tasks_for(rep)] == ["assembly_vote"]
