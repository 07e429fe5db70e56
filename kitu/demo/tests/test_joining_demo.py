"""The demo's online application in progress: pending with the office, idempotent."""

from __future__ import annotations

import pytest

from kitu.accounts.models import Organisation
from kitu.accounts.roles import OrgKind
from kitu.demo.joining import NAME, seed_joining
from kitu.members.models import ApplicationStatus, EventKind, JoiningApplication, Member, MembershipEvent

pytestmark = pytest.mark.django_db


def test_seed_twice_gives_one_pending_application() -> None:
    Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="Kommunale IT-UNION eG")
    assert seed_joining() == 1
    counts = (JoiningApplication.objects.count(), Member.objects.count(), MembershipEvent.objects.count())
    assert seed_joining() == 0
    assert (JoiningApplication.objects.count(), Member.objects.count(), MembershipEvent.objects.count()) == counts
    application = JoiningApplication.objects.get(name=NAME)
    assert application.status == ApplicationStatus.PENDING and application.is_demo
    member = application.member
    assert member is not None and member.is_demo and member.joined_on is None
    assert list(member.events.values_list("kind", flat=True)) == [EventKind.APPLICATION]
