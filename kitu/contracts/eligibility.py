"""Who may call off a framework contract — the one place that reads the eligibility rule.

A contract is open to every current member (``Eligibility.ALL``), to every current member of one type
(``MEMBER_TYPE``) or to the members picked in ``FrameworkContract.eligible_members`` (``SELECTED``). "Current"
is the § 30 register: admitted on or before the day and not yet left (``Member.objects.members_on``), so a
member admitted today is eligible for every contract open to all members (or to its type) at once, and a
member that left is not any more. Picked members stay eligible as picked.

Everything here is SQL (subqueries), never a loop over members: callers filter articles, lots and contracts
with ``contract__in=contracts_open_to(member)`` or ``Q(open_to_q(...))``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.members.models import Member, MemberQuerySet

from .models import Eligibility, FrameworkContract

PICKED_ATTR = "_kitu_picked_contracts"  # contract id -> picked, on a member row (is_eligible_member)
MemberIds = Iterable[int] | QuerySet[Member, int] | QuerySet[Member]


def _current(member_ids: MemberIds, day: dt.date) -> MemberQuerySet:
    return Member.objects.members_on(day).filter(pk__in=member_ids)


def open_to_q(member_ids: MemberIds, *, day: dt.date | None = None, prefix: str = "") -> Q:
    """A filter on FrameworkContract (or, with ``prefix`` like ``"contract__"``, on a model pointing at one)
    for the contracts at least one of ``member_ids`` may call off on ``day`` (default: today)."""
    day = day or timezone.localdate()
    if not isinstance(member_ids, QuerySet):
        member_ids = list(member_ids)
    outer = f"{prefix}eligible_member_type" if prefix else "eligible_member_type"
    rule = f"{prefix}eligibility"
    picked = FrameworkContract.eligible_members.through.objects.filter(member_id__in=member_ids)
    return (
        Q(**{rule: Eligibility.ALL}) & Q(Exists(_current(member_ids, day)))
        | Q(**{rule: Eligibility.MEMBER_TYPE})
        & Q(Exists(_current(member_ids, day).filter(member_type=OuterRef(outer))))
        | Q(**{rule: Eligibility.SELECTED}) & Q(**{f"{prefix}pk__in": picked.values("frameworkcontract_id")})
    )


def contracts_open_to(member: Member | int, *, day: dt.date | None = None) -> QuerySet[FrameworkContract]:
    """The contracts ``member`` may call off by the rule (published or not, any term: callers add those)."""
    member_id = member if isinstance(member, int) else member.pk
    return FrameworkContract.objects.filter(open_to_q([member_id], day=day))


def is_eligible(contract: FrameworkContract, member: Member | int, *, day: dt.date | None = None) -> bool:
    return contracts_open_to(member, day=day).filter(pk=contract.pk).exists()


def is_eligible_member(contract: FrameworkContract, member: Member, *, day: dt.date) -> bool:
    """:func:`is_eligible` for a member row read in this request, by the same rule without the SQL: no query
    for "all members" and "all of a type" (the row's admission, exit date and type decide), one small one
    for picked members, kept on the row (like its own fields, as read in this request: adding a line and
    checking out ask once each). The order path uses it (the member is read once per request); lists stay
    on :func:`open_to_q`. A test compares both for every rule and membership state."""
    if contract.eligibility == Eligibility.SELECTED:
        known: dict[int, bool] = member.__dict__.setdefault(PICKED_ATTR, {})
        if contract.pk not in known:
            picked = FrameworkContract.eligible_members.through.objects
            known[contract.pk] = picked.filter(frameworkcontract_id=contract.pk, member_id=member.pk).exists()
        return known[contract.pk]
    joined, left = member.joined_on, member.left_on
    current = joined is not None and joined <= day and (left is None or left >= day)
    if contract.eligibility == Eligibility.MEMBER_TYPE:
        return current and member.member_type == contract.eligible_member_type
    return current and contract.eligibility == Eligibility.ALL


def picked(member_id: int, contract_ref: str = "contract_id") -> Exists:
    """Whether the member is picked for the contract of each row (``contract_ref``: the row's contract id),
    to read with the rows; :func:`remember_picked` hands the answer to :func:`is_eligible_member`."""
    through = FrameworkContract.eligible_members.through.objects
    return Exists(through.filter(frameworkcontract_id=OuterRef(contract_ref), member_id=member_id))


def remember_picked(member: Member, contract_id: int, is_picked: bool) -> None:
    """Keep on the member row whether it is picked for the contract (read with :func:`picked` in this
    request), so that :func:`is_eligible_member` need not ask."""
    member.__dict__.setdefault(PICKED_ATTR, {})[contract_id] = is_picked


def members_eligible(contract: FrameworkContract, *, day: dt.date | None = None) -> MemberQuerySet:
    """The members that may call off ``contract`` by its rule."""
    if contract.eligibility == Eligibility.ALL:
        return Member.objects.members_on(day or timezone.localdate())
    if contract.eligibility == Eligibility.MEMBER_TYPE:
        return Member.objects.members_on(day or timezone.localdate()).filter(member_type=contract.eligible_member_type)
    return Member.objects.filter(eligible_contracts=contract)


def eligible_count(contract: FrameworkContract) -> int:
    return members_eligible(contract).count()


def rule_label(contract: FrameworkContract) -> str:
    """The rule in words, e.g. "alle Mitglieder der Art Landkreis" (for pages and exports)."""
    if contract.eligibility == Eligibility.MEMBER_TYPE:
        return _("alle Mitglieder der Art %(type)s") % {"type": contract.get_eligible_member_type_display()}
    return str(contract.get_eligibility_display())
