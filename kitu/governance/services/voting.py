"""Casting, changing and counting votes; the poll's state machine (docs/governance.md).

Secret polls: the member's :class:`Participation` says only *that* it voted; the choice is written to
:class:`Ballot` rows keyed by ``sha256(receipt:i)``. The receipt is a random code shown once to the voter and
never stored, so nobody — office, admin, database reader, audit trail — can link a choice to a member; whoever
holds the receipt can see and change the choice until the poll closes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.members.models import Member

from .. import conf, policies, rules
from ..models import Attendance, AttendanceKind, Ballot, Choice, ExtraVotes, Participation, Procedure, Resolution
from ..rules import PollStatus


class PollNotOpen(DomainError):
    """The poll is not open (not yet, or no longer): API 409."""


class AlreadyVoted(DomainError):
    """A secret vote is changed only with its receipt: API 409 without one."""


@dataclass(frozen=True)
class Cast:
    created: bool
    choice: str
    receipt: str  # for a secret poll the code only the voter holds; empty when a secret vote was changed


def key_hashes(receipt: str, votes: int) -> list[str]:
    return [hashlib.sha256(f"{receipt}:{i}".encode()).hexdigest() for i in range(votes)]


def votes_of(member: Member) -> int:
    """One member, one vote; more only where the statutes grant them (setting MULTIPLE_VOTES)."""
    if not conf.get("MULTIPLE_VOTES"):
        return 1
    extra = ExtraVotes.objects.filter(member=member).values_list("votes", flat=True).first()
    return max(1, extra or 1)


def voting_capacity(actor: Any, member: Member, poll: Resolution) -> str:
    """How ``actor`` may vote for ``member`` on ``poll``: "own", "proxy" or "" (not at all)."""
    if poll.assembly_id is None:
        return ""
    if poll.procedure == Procedure.WRITTEN:
        return "own" if policies.is_representative_of(actor, member) else ""
    attendance = Attendance.objects.filter(assembly_id=poll.assembly_id, member=member, checked_in=True).first()
    if attendance is None:
        return ""
    if attendance.kind == AttendanceKind.PRESENT and policies.is_representative_of(actor, member):
        return "own"
    if attendance.kind == AttendanceKind.REPRESENTED and attendance.person_id == getattr(actor, "pk", None):
        return "proxy"
    return ""


@transaction.atomic
def vote_cast(*, actor: Any, poll: Resolution, member: Member, choice: str, receipt: str = "") -> Cast:
    """Cast or change ``member``'s vote. One row per member whatever the number of its representatives: the
    poll row is locked, so two representatives casting at once are serialised and the second one changes (open
    poll) or is told that the member already voted (secret poll without the receipt)."""
    if choice not in Choice.values:
        raise DomainError(_("Bitte Ja, Nein oder Enthaltung wählen."), field="choice")
    capacity = voting_capacity(actor, member, poll)
    if not capacity:
        raise PermissionDenied(_("Sie können für dieses Mitglied bei diesem Beschluss nicht abstimmen."))
    locked = Resolution.objects.select_for_update(of=("self",)).get(pk=poll.pk)
    if locked.status != PollStatus.OPEN:
        raise PollNotOpen(_("Die Abstimmung ist nicht geöffnet."), field="status")
    existing = Participation.objects.filter(resolution=locked, member=member).first()
    if existing is None:
        return _first_vote(actor, locked, member, choice, by_proxy=capacity == "proxy")
    if locked.secret:
        if not receipt:
            raise AlreadyVoted(
                _("Für dieses Mitglied ist schon abgestimmt. Ändern können Sie die Stimme mit der Quittung."),
                field="receipt",
            )
        changed = Ballot.objects.filter(resolution=locked, key_hash__in=key_hashes(receipt, existing.votes)).update(
            choice=choice
        )
        if changed != existing.votes:
            raise DomainError(_("Diese Quittung gehört zu keiner Stimme dieses Beschlusses."), field="receipt")
        audit.record(
            actor=actor, instance=existing, action="update", before={"changed": False}, after={"changed": True}
        )
        return Cast(created=False, choice=choice, receipt="")
    before = audit.snapshot(existing, ["choice"])
    existing.choice = choice
    existing.save(update_fields=["choice"])
    audit.record(actor=actor, instance=existing, action="update", before=before, after={"choice": choice})
    return Cast(created=False, choice=choice, receipt=existing.receipt)


def _first_vote(actor: Any, poll: Resolution, member: Member, choice: str, *, by_proxy: bool) -> Cast:
    votes = votes_of(member)
    receipt = secrets.token_urlsafe(16)
    participation = Participation.objects.create(
        resolution=poll,
        member=member,
        votes=votes,
        by_proxy=by_proxy,
        choice="" if poll.secret else choice,
        receipt="" if poll.secret else receipt,
    )
    if poll.secret:
        Ballot.objects.bulk_create(
            [Ballot(resolution=poll, choice=choice, key_hash=h) for h in key_hashes(receipt, votes)]
        )
    after: dict[str, Any] = {"resolution": poll.pk, "member": member.pk, "votes": votes, "by_proxy": by_proxy}
    if not poll.secret:
        after["choice"] = choice
    audit.record(actor=actor, instance=participation, action="create", after=after)
    return Cast(created=True, choice=choice, receipt=receipt)


def secret_choice(poll: Resolution, receipt: str) -> str:
    """The choice a receipt holds on a secret poll ("" when the receipt is unknown)."""
    if not receipt:
        return ""
    row = Ballot.objects.filter(resolution=poll, key_hash=key_hashes(receipt, 1)[0]).values_list("choice", flat=True)
    return row.first() or ""


def tally(poll: Resolution) -> rules.Tally:
    counts = dict.fromkeys(Choice.values, 0)
    if poll.secret:
        for choice in Ballot.objects.filter(resolution=poll).values_list("choice", flat=True):
            counts[choice] += 1
    else:
        rows = Participation.objects.filter(resolution=poll).values("choice").annotate(n=Sum("votes"))
        for row in rows:
            counts[row["choice"]] += row["n"]
    return rules.Tally(yes=counts[Choice.YES], no=counts[Choice.NO], abstain=counts[Choice.ABSTAIN])


def quorum(poll: Resolution) -> tuple[int, int, bool]:
    """Votes present (checked-in members) and votes of all members on the assembly's day, and whether the
    quorum of the statutes is met."""
    assert poll.assembly is not None
    day = timezone.localdate(poll.assembly.starts_at)
    members = list(Member.objects.members_on(day))
    present_ids = set(
        Attendance.objects.filter(assembly=poll.assembly, checked_in=True).values_list("member_id", flat=True)
    )
    total = sum(votes_of(m) for m in members)
    present = sum(votes_of(m) for m in members if m.pk in present_ids)
    return present, total, rules.quorum_met(present, total, conf.get("QUORUM_PERCENT"))


@transaction.atomic
def poll_transition(*, actor: Any, poll: Resolution, to: str) -> Resolution:
    """The one way a poll changes state (rules.TRANSITIONS): open, close, count (with the result)."""
    if not policies.can_manage(actor):
        raise PermissionDenied(_("Abstimmungen leitet die Geschäftsstelle."))
    locked = Resolution.objects.select_for_update(of=("self",)).select_related("assembly").get(pk=poll.pk)
    if to not in PollStatus.__members__.values() or not rules.may_transition(locked.status, to):
        raise DomainError(_("Dieser Schritt ist im jetzigen Stand der Abstimmung nicht möglich."), field="status")
    if to == PollStatus.OPEN and locked.assembly is not None and locked.assembly.cancelled_at is not None:
        raise DomainError(_("Die Versammlung ist abgesagt."), field="status")
    before = audit.snapshot(locked, ["status", "yes", "no", "abstain", "adopted"])
    if to == PollStatus.OPEN and locked.procedure == Procedure.AT_ASSEMBLY and not quorum(locked)[2]:
        raise DomainError(_("Die Versammlung ist nicht beschlussfähig (Quorum nicht erreicht)."), field="status")
    if to == PollStatus.COUNTED:
        result = tally(locked)
        locked.yes, locked.no, locked.abstain = result.yes, result.no, result.abstain
        locked.adopted = rules.adopted(locked.rule, result)
        locked.decided_on = timezone.localdate()
    locked.status = to
    locked.save()
    audit.record(
        actor=actor,
        instance=locked,
        action="update",
        before=before,
        after=audit.snapshot(locked, ["status", "yes", "no", "abstain", "adopted"]),
    )
    return locked
