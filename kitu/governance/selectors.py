"""Reads of the governance, scoped to the acting user: the cooperative's staff and every member's users read
assemblies, bodies and the register of resolutions; suppliers and strangers get NotFound. Individual votes of
open polls are read only as the member's own; secret choices are not readable at all (only by receipt)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kitu.accounts.roles import Role
from kitu.accounts.selectors import organisation_ids
from kitu.core.errors import NotFound
from kitu.members.models import Member

from . import policies
from .models import Assembly, Attendance, Body, BodyMember, Participation, Representative, Resolution
from .rules import PollStatus
from .services.voting import voting_capacity


def _require_reader(user: Any) -> None:
    if not policies.can_read(user):
        raise NotFound("Governance is the members' and the office's")


def assemblies(user: Any) -> QuerySet[Assembly]:
    _require_reader(user)
    return Assembly.objects.order_by("-starts_at")


def assembly_for(user: Any, assembly_id: int) -> Assembly:
    assembly = assemblies(user).filter(pk=assembly_id).first()
    if assembly is None:
        raise NotFound("Assembly not found")
    return assembly


def poll_for(user: Any, assembly: Assembly, resolution_id: int) -> Resolution:
    poll = Resolution.objects.filter(assembly=assembly, pk=resolution_id).first()
    if poll is None:
        raise NotFound("Resolution not found")
    return poll


def polls(assembly: Assembly) -> QuerySet[Resolution]:
    return assembly.resolutions.select_related("agenda_item").order_by("agenda_item__position", "pk")


def bodies() -> dict[str, list[BodyMember]]:
    today = timezone.localdate()
    current = BodyMember.objects.filter(term_start__lte=today).filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
    out: dict[str, list[BodyMember]] = {Body.BOARD: [], Body.SUPERVISORY: []}
    for person in current.order_by("function", "full_name"):
        out[person.body].append(person)
    return out


def represented_members(user: Any) -> list[Member]:
    """The members ``user`` represents (role ``representative``)."""
    orgs = organisation_ids(user, roles=(Role.REPRESENTATIVE,))
    return list(Member.objects.filter(organisation_id__in=orgs).with_name())


@dataclass(frozen=True)
class VoteSlot:
    """A member the user may vote for on one poll, and what it did (open poll: the choice; secret: only
    that it voted)."""

    member: Member
    capacity: str
    voted: bool
    choice: str
    receipt: str


def vote_slots(user: Any, poll: Resolution) -> list[VoteSlot]:
    members = represented_members(user)
    if poll.assembly_id is not None:
        proxied = Attendance.objects.filter(assembly_id=poll.assembly_id, person_id=getattr(user, "pk", None))
        members += [a.member for a in proxied.select_related("member__organisation") if a.member not in members]
    slots = []
    for member in members:
        capacity = voting_capacity(user, member, poll)
        if not capacity:
            continue
        own = Participation.objects.filter(resolution=poll, member=member).first()
        slots.append(
            VoteSlot(
                member=member,
                capacity=capacity,
                voted=own is not None,
                choice=own.choice if own else "",
                receipt=own.receipt if own else "",
            )
        )
    return slots


def turnout(poll: Resolution) -> int:
    return Participation.objects.filter(resolution=poll).count()


def open_votes(poll: Resolution) -> list[Participation]:
    """The named votes of an open (not secret) poll once counted, for the minutes. Never for a secret poll."""
    if poll.secret or poll.status != PollStatus.COUNTED:
        return []
    return list(poll.participations.select_related("member__organisation").order_by("member__organisation__name"))


def attendance_list(assembly: Assembly) -> QuerySet[Attendance]:
    return assembly.attendances.select_related("member__organisation", "person").order_by("member__organisation__name")


def representatives_of(member: Member) -> QuerySet[Representative]:
    return Representative.objects.filter(member=member).select_related("user").order_by("user__full_name")


def register(user: Any, *, q: str = "", body: str = "") -> QuerySet[Resolution]:
    """The searchable register of resolutions of all bodies: decided (counted) only."""
    _require_reader(user)
    qs = Resolution.objects.filter(status=PollStatus.COUNTED).select_related("assembly")
    if body in Body.values:
        qs = qs.filter(body=body)
    if q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(text__icontains=q.strip()))
    return qs.order_by("-decided_on", "-pk")


# --- task inbox -----------------------------------------------------------------------------------------------


def vote_tasks(user: Any) -> list[dict[str, Any]]:
    """Open polls where a member the user represents has not voted yet (and the user may vote for it)."""
    out = []
    open_polls = Resolution.objects.filter(status=PollStatus.OPEN, assembly__isnull=False).select_related("assembly")
    for poll in open_polls:
        for slot in vote_slots(user, poll):
            if not slot.voted:
                out.append({"poll": poll, "member": slot.member.name, "since": poll.assembly.created_at})  # type: ignore[union-attr]
    return out


def invitation_tasks(user: Any) -> list[dict[str, Any]]:
    """Upcoming assemblies the user's members are invited to and not yet registered for."""
    members = represented_members(user)
    if not members:
        return []
    out = []
    upcoming = Assembly.objects.filter(invited_at__isnull=False, starts_at__gte=timezone.now())
    for assembly in upcoming:
        registered = set(assembly.attendances.values_list("member_id", flat=True))
        for member in members:
            if member.pk not in registered:
                out.append({"assembly": assembly, "member": member.name, "since": assembly.invited_at})
    return out


def upcoming_day(assembly: Assembly) -> dt.date:
    return timezone.localdate(assembly.starts_at)
