"""Casting, changing and counting votes; one member one vote; proxies and their limit; the state machine."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_member, make_user
from kitu.accounts.roles import Role
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.models import AuditEntry
from kitu.governance.models import Attendance, Ballot, ExtraVotes, Participation, Resolution
from kitu.governance.rules import PollStatus
from kitu.governance.services import assemblies, voting

from .conftest import name_representative

pytestmark = pytest.mark.django_db


def _count(w: dict[str, Any], poll: Resolution) -> Resolution:
    voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.CLOSED)
    return voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.COUNTED)


def test_open_vote_is_cast_changed_and_counted_once_per_member(gov: dict[str, Any]) -> None:
    w, poll = gov, gov["open_poll"]
    first = voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["wernigerode"], choice="no")
    assert first.created and first.receipt
    again = voting.vote_cast(actor=w["rep_w2"], poll=poll, member=w["wernigerode"], choice="yes")
    assert not again.created and again.receipt == first.receipt
    voting.vote_cast(actor=w["rep_z"], poll=poll, member=w["zeitz"], choice="abstain")
    assert Participation.objects.filter(resolution=poll).count() == 2
    counted = _count(w, poll)
    assert (counted.yes, counted.no, counted.abstain, counted.adopted) == (1, 0, 1, True)
    assert counted.decided_on is not None


def test_secret_vote_keeps_no_link_and_changes_only_with_the_receipt(gov: dict[str, Any]) -> None:
    w, poll = gov, gov["secret_poll"]
    cast = voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["wernigerode"], choice="no")
    participation = Participation.objects.get(resolution=poll, member=w["wernigerode"])
    assert participation.choice == "" and participation.receipt == ""
    ballot = Ballot.objects.get(resolution=poll)
    assert ballot.choice == "no" and cast.receipt not in ballot.key_hash
    assert {f.name for f in Ballot._meta.get_fields()} == {"id", "resolution", "choice", "key_hash"}
    with pytest.raises(voting.AlreadyVoted):
        voting.vote_cast(actor=w["rep_w2"], poll=poll, member=w["wernigerode"], choice="yes")
    with pytest.raises(DomainError) as wrong:
        voting.vote_cast(actor=w["rep_w2"], poll=poll, member=w["wernigerode"], choice="yes", receipt="falsch")
    assert wrong.value.field == "receipt"
    assert Ballot.objects.get(resolution=poll).choice == "no"
    changed = voting.vote_cast(
        actor=w["rep_w2"], poll=poll, member=w["wernigerode"], choice="yes", receipt=cast.receipt
    )
    assert not changed.created and changed.receipt == ""
    assert voting.secret_choice(poll, cast.receipt) == "yes"
    assert voting.secret_choice(poll, "falsch") == ""
    assert Ballot.objects.filter(resolution=poll).count() == 1
    counted = _count(w, poll)
    assert (counted.yes, counted.no, counted.adopted) == (1, 0, True)


def test_a_receipt_of_another_poll_changes_nothing(gov: dict[str, Any]) -> None:
    w = gov
    other = assemblies.resolution_add(
        actor=w["admin"], assembly=w["assembly"], title="Zweite geheime", secret=True, procedure="written"
    )
    voting.poll_transition(actor=w["admin"], poll=other, to=PollStatus.OPEN)
    mine = voting.vote_cast(actor=w["rep_z"], poll=other, member=w["zeitz"], choice="no")
    voting.vote_cast(actor=w["rep_w"], poll=w["secret_poll"], member=w["wernigerode"], choice="no")
    with pytest.raises(DomainError):
        voting.vote_cast(
            actor=w["rep_w"], poll=w["secret_poll"], member=w["wernigerode"], choice="yes", receipt=mine.receipt
        )
    assert voting.secret_choice(other, mine.receipt) == "no"


def test_votes_only_while_open(gov: dict[str, Any]) -> None:
    w, poll = gov, gov["open_poll"]
    voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["wernigerode"], choice="yes")
    voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.CLOSED)
    with pytest.raises(voting.PollNotOpen):
        voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["wernigerode"], choice="no")
    with pytest.raises(voting.PollNotOpen):
        voting.vote_cast(actor=w["rep_z"], poll=poll, member=w["zeitz"], choice="no")
    assert Participation.objects.get(resolution=poll).choice == "yes"
    assert Participation.objects.filter(resolution=poll).count() == 1


def test_only_representatives_of_the_member_vote(gov: dict[str, Any]) -> None:
    w, poll = gov, gov["open_poll"]
    for user in (w["users"]["member_admin"], w["users"]["requester"], w["admin"], w["rep_z"]):
        with pytest.raises(PermissionDenied):
            voting.vote_cast(actor=user, poll=poll, member=w["wernigerode"], choice="yes")
    assert not Participation.objects.exists()


def test_bad_choice_names_the_field(gov: dict[str, Any]) -> None:
    with pytest.raises(DomainError) as exc:
        voting.vote_cast(actor=gov["rep_w"], poll=gov["open_poll"], member=gov["wernigerode"], choice="vielleicht")
    assert exc.value.field == "choice"


def test_transitions_follow_the_table_and_only_the_office(gov: dict[str, Any]) -> None:
    w, poll = gov, gov["at_assembly"]
    with pytest.raises(DomainError):
        voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.COUNTED)
    with pytest.raises(PermissionDenied):
        voting.poll_transition(actor=w["rep_w"], poll=poll, to=PollStatus.OPEN)
    with pytest.raises(DomainError):
        voting.poll_transition(actor=w["admin"], poll=poll, to="erfunden")
    assert Resolution.objects.get(pk=poll.pk).status == PollStatus.DRAFT
    voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.OPEN)
    with pytest.raises(DomainError):
        voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.DRAFT)


def test_at_the_assembly_only_checked_in_members_vote_and_proxies(gov: dict[str, Any]) -> None:
    w, poll = gov, gov["at_assembly"]
    voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.OPEN)
    with pytest.raises(PermissionDenied):  # not checked in
        voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["wernigerode"], choice="yes")
    own = assemblies.attendance_register(actor=w["rep_w"], assembly=w["assembly"], member=w["wernigerode"])
    proxy = assemblies.proxy_grant(actor=w["rep_z"], assembly=w["assembly"], member=w["zeitz"], holder=w["rep_w"])
    for attendance in (own, proxy):
        assemblies.attendance_check_in(actor=w["admin"], attendance=attendance)
    voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["wernigerode"], choice="yes")
    with pytest.raises(PermissionDenied):  # Zeitz gave its vote to the proxy
        voting.vote_cast(actor=w["rep_z"], poll=poll, member=w["zeitz"], choice="no")
    voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["zeitz"], choice="no")
    assert Participation.objects.get(resolution=poll, member=w["zeitz"]).by_proxy


def test_proxy_limit(gov: dict[str, Any], settings: Any) -> None:
    settings.KITU_GOVERNANCE = {"MAX_PROXIES": 1}
    w = gov
    third = make_user_member(w, "Stadt Halberstadt")
    assemblies.proxy_grant(actor=w["rep_z"], assembly=w["assembly"], member=w["zeitz"], holder=w["rep_w"])
    with pytest.raises(DomainError) as exc:
        assemblies.proxy_grant(actor=third["rep"], assembly=w["assembly"], member=third["member"], holder=w["rep_w"])
    assert exc.value.field == "holder"
    assert not Attendance.objects.filter(member=third["member"]).exists()
    settings.KITU_GOVERNANCE = {"MAX_PROXIES": 2}
    assemblies.proxy_grant(actor=third["rep"], assembly=w["assembly"], member=third["member"], holder=w["rep_w"])
    assert Attendance.objects.filter(person=w["rep_w"], kind="represented").count() == 2


def test_proxy_only_for_another_members_representative(gov: dict[str, Any]) -> None:
    w = gov
    with pytest.raises(DomainError):  # own representative: that is attending, not a proxy
        assemblies.proxy_grant(actor=w["rep_w"], assembly=w["assembly"], member=w["wernigerode"], holder=w["rep_w2"])
    with pytest.raises(DomainError):  # not a representative at all
        assemblies.proxy_grant(
            actor=w["rep_w"], assembly=w["assembly"], member=w["wernigerode"], holder=w["users"]["requester"]
        )
    with pytest.raises(PermissionDenied):  # Zeitz's representative cannot give Wernigerode's vote away
        assemblies.proxy_grant(actor=w["rep_z"], assembly=w["assembly"], member=w["wernigerode"], holder=w["rep_z"])
    assert not Attendance.objects.exists()


def test_quorum_blocks_opening_a_poll_at_the_assembly(gov: dict[str, Any], settings: Any) -> None:
    settings.KITU_GOVERNANCE = {"QUORUM_PERCENT": 50}
    w, poll = gov, gov["at_assembly"]
    with pytest.raises(DomainError):
        voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.OPEN)
    attendance = assemblies.attendance_register(actor=w["rep_w"], assembly=w["assembly"], member=w["wernigerode"])
    assemblies.attendance_check_in(actor=w["admin"], attendance=attendance)
    assert voting.quorum(poll) == (1, 2, True)
    assert voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.OPEN).status == PollStatus.OPEN


def test_multiple_votes_only_when_the_statutes_grant_them(gov: dict[str, Any], settings: Any) -> None:
    w, poll = gov, gov["secret_poll"]
    ExtraVotes.objects.create(member=w["wernigerode"], votes=3)
    settings.KITU_GOVERNANCE = {"MULTIPLE_VOTES": True}
    cast = voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["wernigerode"], choice="yes")
    voting.vote_cast(actor=w["rep_z"], poll=poll, member=w["zeitz"], choice="no")
    assert Ballot.objects.filter(resolution=poll).count() == 4  # one row per vote, each its own key
    voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["wernigerode"], choice="no", receipt=cast.receipt)
    assert list(Ballot.objects.filter(resolution=poll).values_list("choice", flat=True).distinct()) == ["no"]
    counted = _count(w, poll)
    assert (counted.yes, counted.no) == (0, 4)
    settings.KITU_GOVERNANCE = {"MULTIPLE_VOTES": False}
    assert voting.votes_of(w["wernigerode"]) == 1


def test_audit_records_participation_but_never_a_secret_choice(gov: dict[str, Any]) -> None:
    w = gov
    voting.vote_cast(actor=w["rep_w"], poll=w["open_poll"], member=w["wernigerode"], choice="no")
    cast = voting.vote_cast(actor=w["rep_w"], poll=w["secret_poll"], member=w["wernigerode"], choice="abstain")
    voting.vote_cast(
        actor=w["rep_w"], poll=w["secret_poll"], member=w["wernigerode"], choice="no", receipt=cast.receipt
    )
    secret_entries = AuditEntry.objects.filter(
        object_type=Participation._meta.label,
        object_id__in=[str(p.pk) for p in Participation.objects.filter(resolution=w["secret_poll"])],
    )
    assert secret_entries.count() == 2
    for entry in secret_entries:
        text = f"{entry.changes} {entry.object_repr}"
        assert "abstain" not in text and "no'" not in text and '"no"' not in text
        assert cast.receipt not in text
    assert not AuditEntry.objects.filter(object_type=Ballot._meta.label).exists()
    open_entry = AuditEntry.objects.get(
        object_type=Participation._meta.label,
        object_id=str(Participation.objects.get(resolution=w["open_poll"]).pk),
    )
    assert open_entry.changes["choice"] == [None, "no"]


def make_user_member(w: dict[str, Any], name: str) -> dict[str, Any]:
    member = make_member(name, admin=w["admin"], number=77)
    rep = name_representative(w, member, f"rep.{name.split()[-1].lower()}@test.example")
    return {"member": member, "rep": rep}


def test_make_user_is_not_a_representative(gov: dict[str, Any]) -> None:
    user = make_user("plain@test.example", [(gov["wernigerode"].organisation, Role.REQUESTER)])
    assert not voting.voting_capacity(user, gov["wernigerode"], gov["open_poll"])
