"""Reads of the annual figures. The year is the business year (KITU_BUSINESS_YEAR_END) that ends in the
selected calendar year. Members see every total but only their own member's line of the per-member tables;
the cooperative's staff see every line (see :func:`can_view`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum

from kitu.accounts.policies import has_role, is_coop_staff
from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs
from kitu.billing.models import Invoice, InvoiceKind, InvoiceStatus
from kitu.core.money import money
from kitu.members import rules
from kitu.members.models import EventKind, Member, MembershipEvent, MemberType
from kitu.orders.models import PLACED_STATUSES, Order

ZERO = Decimal("0.00")
# Member roles that see the figures: those who act for their member in the assembly.
MEMBER_ROLES = (Role.MEMBER_ADMIN, Role.REPRESENTATIVE)


def viewer_member_ids(user: Any) -> set[int]:
    """The admitted members whose representative or admin ``user`` is (their lines are shown to them)."""
    orgs = {org for org, role in role_pairs(user) if role in MEMBER_ROLES}
    if not orgs:
        return set()
    return set(Member.objects.filter(organisation_id__in=orgs, joined_on__isnull=False).values_list("pk", flat=True))


def can_view(user: Any) -> bool:
    """The cooperative's staff and every member's admins and representatives (the assembly's people)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_coop_staff(user) or has_role(user, Role.SERVICE_DESK):
        return True
    return bool(viewer_member_ids(user))


def sees_all_lines(user: Any) -> bool:
    return is_coop_staff(user) or has_role(user, Role.SERVICE_DESK)


def business_year(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the business year that ends in ``year``."""
    year_end = rules.parse_year_end(settings.KITU_BUSINESS_YEAR_END)
    end = rules.business_year_end(year, year_end)
    start = rules.business_year_end(year - 1, year_end) + dt.timedelta(days=1)
    return start, end


def years_available(today: dt.date | None = None) -> list[int]:
    """From the first admission's year to the current one, newest first."""
    today = today or dt.date.today()
    first = (
        Member.objects.filter(joined_on__isnull=False).order_by("joined_on").values_list("joined_on", flat=True).first()
    )
    first_year = first.year if first else today.year
    return list(range(today.year, first_year - 1, -1))


@dataclass(frozen=True)
class TypeRow:
    code: str
    label: str
    at_start: int  # members on the first day of the year
    admitted: int  # admissions in the year
    exited: int  # members whose last day of membership fell in the year
    at_end: int  # members on the last day


@dataclass(frozen=True)
class Capital:
    shares_at_start: int
    shares_added: int  # subscribed or increased in the year
    shares_removed: int  # given up in the year (positive number)
    shares_of_leavers: int  # held by the members who left in the year
    shares_at_end: int
    share_value: Decimal
    subscribed_at_end: Decimal  # shares at end × share value
    paid_in_at_end: Decimal  # paid in minus paid out up to the last day, by the members after the year


@dataclass(frozen=True)
class MemberRow:
    member_id: int
    name: str
    billed_net: Decimal  # invoices issued in the year minus credit notes, net
    orders: int
    ordered: Decimal  # call-off volume, net
    savings: Decimal  # list price minus contract price, net


@dataclass(frozen=True)
class AnnualFigures:
    year: int
    start: dt.date
    end: dt.date
    types: list[TypeRow]
    totals: TypeRow
    capital: Capital
    members: list[MemberRow]  # only the lines the viewer may see
    member_totals: MemberRow  # over all members, whoever looks


def _types(start: dt.date, end: dt.date) -> tuple[list[TypeRow], TypeRow]:
    rows = list(Member.objects.filter(joined_on__isnull=False).values_list("member_type", "joined_on", "left_on"))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for code, joined, left in rows:
        assert joined is not None
        c = counts[code]
        c[0] += joined < start and (left is None or left >= start)
        c[1] += start <= joined <= end
        c[2] += left is not None and start <= left and left <= end
        c[3] += joined <= end and (left is None or left > end)
    types = [
        TypeRow(code, str(label), *counts[code]) for code, label in MemberType.choices if any(counts.get(code, ()))
    ]
    total = TypeRow("", "", *(sum(getattr(t, f) for t in types) for f in ("at_start", "admitted", "exited", "at_end")))
    return types, total


def _capital(start: dt.date, end: dt.date) -> Capital:
    """Shares of the members before the year (left after its first day) and after it (left after its last
    day); in between the shares subscribed, given up, and those of the members who left in the year."""
    left_on = dict(Member.objects.filter(joined_on__isnull=False).values_list("pk", "left_on"))
    at_start = at_end = added = removed = 0
    paid = ZERO
    events = MembershipEvent.objects.filter(member_id__in=left_on.keys(), effective_date__lte=end)
    for member_id, day, kind, delta, amount in events.values_list(
        "member_id", "effective_date", "kind", "share_delta", "amount"
    ):
        left = left_on[member_id]
        if day < start and (left is None or left >= start):
            at_start += delta
        if day >= start:
            added += max(delta, 0)
            removed += max(-delta, 0)
        if left is None or left > end:
            at_end += delta
            if kind == EventKind.SHARE_PAYMENT and amount:
                paid += amount
            elif kind == EventKind.SETTLEMENT_PAID and amount:
                paid -= amount
    value = rules.share_value()
    return Capital(
        shares_at_start=at_start,
        shares_added=added,
        shares_removed=removed,
        shares_of_leavers=at_start + added - removed - at_end,
        shares_at_end=at_end,
        share_value=value,
        subscribed_at_end=money(at_end * value),
        paid_in_at_end=money(paid),
    )


def _members(start: dt.date, end: dt.date) -> list[MemberRow]:
    billed: dict[int, Decimal] = defaultdict(Decimal)
    invoices = Invoice.objects.filter(status=InvoiceStatus.ISSUED, issue_date__range=(start, end))
    for member_id, kind, net in invoices.values_list("member_id", "kind", "net_total"):
        billed[member_id] += -net if kind == InvoiceKind.CREDIT_NOTE else net
    orders = {
        row["member_id"]: row
        for row in Order.objects.filter(status__in=PLACED_STATUSES, created_at__date__range=(start, end))
        .values("member_id")
        .annotate(n=Count("pk"), total=Sum("total"), savings=Sum("savings"))
    }
    ids = set(billed) | set(orders)
    names = dict(Member.objects.filter(pk__in=ids).values_list("pk", "organisation__name"))
    rows = [
        MemberRow(
            member_id=pk,
            name=names[pk],
            billed_net=money(billed.get(pk, ZERO)),
            orders=orders[pk]["n"] if pk in orders else 0,
            ordered=money(orders[pk]["total"] or ZERO) if pk in orders else ZERO,
            savings=money(orders[pk]["savings"] or ZERO) if pk in orders else ZERO,
        )
        for pk in ids
    ]
    return sorted(rows, key=lambda r: r.name)


def annual_figures(user: Any, year: int) -> AnnualFigures:
    """The figures of business year ``year``; the caller checked :func:`can_view`."""
    start, end = business_year(year)
    types, totals = _types(start, end)
    rows = _members(start, end)
    member_totals = MemberRow(
        member_id=0,
        name="",
        billed_net=money(sum((r.billed_net for r in rows), ZERO)),
        orders=sum(r.orders for r in rows),
        ordered=money(sum((r.ordered for r in rows), ZERO)),
        savings=money(sum((r.savings for r in rows), ZERO)),
    )
    if not sees_all_lines(user):
        own = viewer_member_ids(user)
        rows = [r for r in rows if r.member_id in own]
    return AnnualFigures(year, start, end, types, totals, _capital(start, end), rows, member_totals)
