"""Reads of the member register, scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from kitu.accounts.selectors import organisation_ids
from kitu.core.errors import NotFound
from kitu.core.money import money
from kitu.core.rows import TaskRows

from . import policies, rules
from .models import (
    ApplicationStatus,
    EventKind,
    JoiningApplication,
    LeitwegId,
    Member,
    MemberQuerySet,
    MembershipEvent,
    MemberType,
)

EXIT_KINDS = (EventKind.NOTICE, EventKind.EXCLUSION, EventKind.MERGER, EventKind.EXIT)


def own_member_ids(user: Any) -> set[int]:
    orgs = organisation_ids(user)
    if not orgs:
        return set()
    return set(Member.objects.filter(organisation_id__in=orgs).values_list("id", flat=True))


def visible_members(user: Any) -> MemberQuerySet:
    """All members for coop staff, otherwise only the user's own."""
    qs = Member.objects.with_name().prefetch_related(Prefetch("leitweg_ids", queryset=LeitwegId.objects.all()))
    if policies.can_view_register(user):
        return qs
    return qs.filter(organisation_id__in=organisation_ids(user))


def member_for(user: Any, member_id: int) -> Member:
    """The member if ``user`` may see it; otherwise NotFound (never reveal that it exists)."""
    member = visible_members(user).filter(pk=member_id).first()
    if member is None:
        raise NotFound("Member not found")
    return member


def search_members(user: Any, *, q: str = "", status: str = "", member_type: str = "") -> MemberQuerySet:
    qs = visible_members(user)
    if q:
        query = Q(organisation__name__icontains=q) | Q(city__icontains=q) | Q(ags__startswith=q)
        if q.isdigit():
            query |= Q(member_number=int(q))
        qs = qs.filter(query)
    if member_type:
        qs = qs.filter(member_type=member_type)
    today = dt.date.today()
    if status == "active":
        qs = qs.members_on(today)
    elif status == "applicant":
        qs = qs.filter(joined_on__isnull=True, rejected_on__isnull=True)
    elif status == "exited":
        qs = qs.filter(left_on__lt=today)
    elif status == "leaving":
        qs = qs.filter(left_on__gte=today, joined_on__lte=today)
    return qs


@dataclass(frozen=True)
class RegisterRow:
    """One line of the member list per § 30 GenG as of a date."""

    member: Member
    member_number: int | None
    name: str
    address: str
    member_type: str
    joined_on: dt.date | None
    shares: int
    paid_in: Decimal
    exit_date: dt.date | None  # an exit known on the date (notice, exclusion, merger, exit)
    left_on: dt.date | None  # set for former members when they are included


def register_as_of(day: dt.date, *, include_former: bool = False) -> list[RegisterRow]:
    """Who was a member on ``day``, with the shares and paid-in capital of that day (and, if asked,
    those who had left by then). Coop staff only: the caller checks ``can_view_register``."""
    members = Member.objects.with_name().filter(joined_on__lte=day)
    if not include_former:
        members = members.members_on(day)
    members_list = list(members)
    shares: dict[int, int] = defaultdict(int)
    paid: dict[int, Decimal] = defaultdict(Decimal)
    exits: dict[int, dt.date] = {}
    events = (
        MembershipEvent.objects.filter(member__in=members.values("pk"), effective_date__lte=day)
        .order_by("effective_date", "id")
        .values_list("member_id", "kind", "share_delta", "amount", "exit_date")
    )
    for member_id, kind, share_delta, amount, exit_date in events:
        shares[member_id] += share_delta
        if kind == EventKind.SHARE_PAYMENT and amount:
            paid[member_id] += amount
        elif kind == EventKind.SETTLEMENT_PAID and amount:
            paid[member_id] -= amount
        elif kind in EXIT_KINDS and exit_date:
            exits[member_id] = exit_date
    rows = []
    for m in members_list:
        former = m.left_on is not None and m.left_on < day
        rows.append(
            RegisterRow(
                member=m,
                member_number=m.member_number,
                name=m.name,
                address=f"{m.street}, {m.postcode} {m.city}",
                member_type=m.get_member_type_display(),
                joined_on=m.joined_on,
                shares=shares[m.pk],
                paid_in=money(paid[m.pk]),
                exit_date=exits.get(m.pk),
                left_on=m.left_on if former else None,
            )
        )
    rows.sort(key=lambda r: (r.member_number or 10**9, r.name))
    return rows


@dataclass(frozen=True)
class MemberFigures:
    shares: int
    subscribed: Decimal
    paid_in: Decimal
    outstanding: Decimal
    settlement_due_on: dt.date | None


def member_figures(member: Member, day: dt.date | None = None) -> MemberFigures:
    day = day or dt.date.today()
    shares = 0
    paid = Decimal("0")
    for kind, delta, amount in member.events.filter(effective_date__lte=day).values_list(
        "kind", "share_delta", "amount"
    ):
        shares += delta
        if kind == EventKind.SHARE_PAYMENT and amount is not None:
            paid += amount
        elif kind == EventKind.SETTLEMENT_PAID and amount is not None:
            paid -= amount
    subscribed = money(shares * Decimal(settings.KITU_SHARE_NOMINAL_VALUE))
    return MemberFigures(
        shares=shares,
        subscribed=subscribed,
        paid_in=money(paid),
        outstanding=money(subscribed - paid) if shares else Decimal("0.00"),
        settlement_due_on=rules.settlement_due_on(member.left_on) if member.left_on else None,
    )


def member_events(member: Member) -> QuerySet[MembershipEvent]:
    return member.events.select_related("recorded_by", "successor__organisation").order_by("effective_date", "id")


@dataclass(frozen=True)
class Statistics:
    dates: list[dt.date]
    types: list[tuple[str, str]]  # (code, label) of the types that occur
    counts: dict[str, list[int]]  # type code -> count per date
    totals: list[int]


def membership_statistics(*, until: dt.date | None = None) -> Statistics:
    """Members at each business-year end since the first admission, by type (coop staff only)."""
    until = until or dt.date.today()
    members: list[dict[str, Any]] = [
        dict(row)
        for row in Member.objects.filter(joined_on__isnull=False).values("member_type", "joined_on", "left_on")
    ]
    if not members:
        return Statistics([], [], {}, [])
    year_end = rules.parse_year_end(settings.KITU_BUSINESS_YEAR_END)
    first = rules.business_year_end_on_or_after(min(m["joined_on"] for m in members), year_end)
    dates = []
    day = first
    while day < until:
        dates.append(day)
        day = rules.business_year_end(day.year + 1, year_end)
    dates.append(until)
    present = {m["member_type"] for m in members}
    types = [(code, str(label)) for code, label in MemberType.choices if code in present]
    counts = {code: [0] * len(dates) for code, _ in types}
    for m in members:
        for i, d in enumerate(dates):
            if m["joined_on"] <= d and (m["left_on"] is None or m["left_on"] >= d):
                counts[m["member_type"]][i] += 1
    totals = [sum(counts[c][i] for c, _ in types) for i in range(len(dates))]
    return Statistics(dates, types, counts, totals)


# --- the task inbox (kitu.tasks reads this) -------------------------------------------------------------


def application_tasks(user: Any) -> TaskRows:
    """Applications for membership the office has not decided yet (neither admitted nor rejected)."""
    if not policies.can_record_events(user):
        return []
    return Member.objects.filter(
        joined_on__isnull=True, rejected_on__isnull=True, joining_application__isnull=True
    ).values("pk", "organisation__name", "created_at")


def online_application_tasks(user: Any) -> TaskRows:
    """Applications made online whose e-mail address is confirmed and which the office has not decided."""
    if not policies.can_record_events(user):
        return []
    return JoiningApplication.objects.filter(status=ApplicationStatus.PENDING, member__isnull=False).values(
        "member_id", "name", "shares", "confirmed_at"
    )
