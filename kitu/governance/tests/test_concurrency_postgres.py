"""Parallel load on PostgreSQL (threads with their own connections): two representatives of one member casting
at the same moment count once; proxies granted at once never pass the limit; a vote racing the close is
either in before it or refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from conftest import make_member
from kitu.core.errors import DomainError
from kitu.governance.models import Attendance, Ballot, Participation
from kitu.governance.rules import PollStatus
from kitu.governance.services import assemblies, voting
from tests.test_concurrency import run_parallel

from .conftest import name_representative

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":  # under CI=true only the SQLite run may skip (root conftest)
        pytest.skip("parallel voting is tested on PostgreSQL (set KITU_TEST_POSTGRES); SQLite serialises writers")


def _cast(user: Any, poll_id: int, member: Any, choice: str) -> Any:
    def job() -> Any:
        poll = voting.Resolution.objects.get(pk=poll_id)
        try:
            return voting.vote_cast(actor=user, poll=poll, member=member, choice=choice)
        except DomainError as exc:
            return exc

    return job


def test_two_representatives_of_one_member_count_once(gov: dict[str, Any]) -> None:
    w = gov
    for poll in (w["open_poll"], w["secret_poll"]):
        for _round in range(3):
            Participation.objects.filter(resolution=poll).delete()
            Ballot.objects.filter(resolution=poll).delete()
            results = run_parallel(
                [
                    _cast(w["rep_w"], poll.pk, w["wernigerode"], "yes"),
                    _cast(w["rep_w2"], poll.pk, w["wernigerode"], "no"),
                ]
            )
            created = [r for r in results if isinstance(r, voting.Cast) and r.created]
            assert len(created) == 1, results
            assert Participation.objects.filter(resolution=poll, member=w["wernigerode"]).count() == 1
            if poll.secret:
                assert Ballot.objects.filter(resolution=poll).count() == 1
                assert sum(isinstance(r, voting.AlreadyVoted) for r in results) == 1
            else:
                assert sum(isinstance(r, voting.Cast) and not r.created for r in results) == 1


def test_parallel_proxies_never_pass_the_limit(gov: dict[str, Any], settings: Any) -> None:
    settings.KITU_GOVERNANCE = {"MAX_PROXIES": 2}
    w = gov
    others = []
    for n in range(5):
        member = make_member(f"Gemeinde Test{n}", admin=w["admin"], number=100 + n)
        others.append((member, name_representative(w, member, f"rep{n}@test.example")))

    def grant(member: Any, rep: Any) -> Any:
        def job() -> Any:
            try:
                return assemblies.proxy_grant(actor=rep, assembly=w["assembly"], member=member, holder=w["rep_z"])
            except DomainError as exc:
                return exc

        return job

    results = run_parallel([grant(m, r) for m, r in others])
    assert sum(isinstance(r, Attendance) for r in results) == 2, results
    assert Attendance.objects.filter(person=w["rep_z"], kind="represented").count() == 2


def test_votes_racing_the_close(gov: dict[str, Any]) -> None:
    w, poll = gov, gov["open_poll"]

    def close() -> Any:
        return voting.poll_transition(
            actor=w["admin"], poll=voting.Resolution.objects.get(pk=poll.pk), to=PollStatus.CLOSED
        )

    results = run_parallel(
        [_cast(w["rep_w"], poll.pk, w["wernigerode"], "yes"), _cast(w["rep_z"], poll.pk, w["zeitz"], "no"), close]
    )
    taken = [r for r in results[:2] if isinstance(r, voting.Cast)]
    refused = [r for r in results[:2] if isinstance(r, voting.PollNotOpen)]
    assert len(taken) + len(refused) == 2, results
    assert Participation.objects.filter(resolution=poll).count() == len(taken)
