"""Read side of billing, always limited to what the user may see (another member's data is not found)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs
from kitu.core.errors import NotFound
from kitu.core.rows import TaskRows
from kitu.members.models import Member

from . import mails, receivables
from .models import (
    BillingRun,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    RequestStatus,
    RunStatus,
    Service,
    Subscription,
    SubscriptionRequest,
)
from .policies import can_manage_billing, can_see_all_billing, reader_org_ids


def _scope(user: Any, queryset: QuerySet[Any], member_path: str = "member") -> QuerySet[Any]:
    if can_see_all_billing(user):
        return queryset
    return queryset.filter(**{f"{member_path}__organisation_id__in": reader_org_ids(user)})


def visible_invoices(user: Any) -> QuerySet[Invoice]:
    """Issued invoices and credit notes of the user's members (coop staff: all, drafts too)."""
    qs = Invoice.objects.select_related("member__organisation", "corrects", "run")
    if not can_see_all_billing(user):
        qs = qs.filter(status=InvoiceStatus.ISSUED)
    return _scope(user, qs)


def invoice_for(user: Any, invoice_id: int) -> Invoice:
    invoice = visible_invoices(user).filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound("invoice")
    return invoice


def unmailed_invoices(user: Any) -> list[dict[str, Any]]:
    """Issued invoices and credit notes whose mail has not gone out, oldest first, with their recipients
    (none: the member has no invoice address and no member admin)."""
    invoices = _scope(user, Invoice.objects.unmailed().select_related("member__organisation", "run"))
    return [{"invoice": i, "to": mails.recipients(i)} for i in invoices.order_by("issued_at", "number", "pk")]


def cancelled_ids(invoice_ids: list[int]) -> set[int]:
    """Which of the invoices a credit note cancels."""
    return set(Invoice.objects.filter(corrects_id__in=invoice_ids).values_list("corrects_id", flat=True))


def not_cancelled(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Without the invoices a credit note cancels. NOT EXISTS over the non-null entries of the index on
    ``corrects`` (a handful): ``corrections__isnull=True`` was a LEFT JOIN … IS NULL that PostgreSQL ran as
    a hash of every invoice of the table (22,000 at 11,000 members, issue 23.4)."""
    credit_notes = Invoice.objects.filter(corrects_id=OuterRef("pk"), corrects_id__isnull=False)
    return queryset.filter(~Exists(credit_notes))


def state_filter(queryset: QuerySet[Invoice], state: str, today: dt.date) -> QuerySet[Invoice]:
    invoices = not_cancelled(queryset.filter(kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED))
    unpaid = Q(paid_amount__lt=F("gross_total"))
    if state == receivables.PAID:
        return invoices.exclude(unpaid)
    if state == receivables.OVERDUE:
        return invoices.filter(unpaid, due_date__lt=today)
    if state == receivables.OPEN:
        return invoices.filter(unpaid, due_date__gte=today)
    return queryset


@dataclass(frozen=True)
class Receivables:
    """What an invoice list needs besides its page: the chart's months (paid, open and overdue amounts per
    due month), how many issued invoices and credit notes the list has (its pages) and which of them a credit
    note cancels."""

    months: dict[str, dict[str, Decimal]]
    issued: int
    cancelled: frozenset[int]


def receivables_of(queryset: QuerySet[Invoice], today: dt.date) -> Receivables:
    """The list's figures in two queries (issue 23.4): one pass over its issued rows, grouped by due day,
    paid/unpaid and invoice/credit note, sums the amounts and counts the rows (the paginator's COUNT(*), a
    second pass, is not needed); the few invoices a credit note cancels (read through the index on
    ``corrects``) are taken out of their groups here, instead of an anti-join per row in the database.

    The states as ``receivables.state``: paid when ``paid_amount >= gross_total``, else overdue when due
    before ``today``, else open; what is outstanding is ``gross_total - paid_amount``. Per month only
    invoices count, not credit notes, and not cancelled invoices."""
    issued = queryset.filter(status=InvoiceStatus.ISSUED).select_related(None).order_by()
    money: DecimalField[Any, Decimal] = DecimalField(max_digits=14, decimal_places=2)
    unpaid = ExpressionWrapper(Q(paid_amount__lt=F("gross_total")), output_field=BooleanField())
    invoice = ExpressionWrapper(Q(kind=InvoiceKind.INVOICE), output_field=BooleanField())
    rest = ExpressionWrapper(F("gross_total") - F("paid_amount"), output_field=money)
    rows = issued.values("due_date", unpaid=unpaid, invoice=invoice).annotate(
        n=Count("pk"), paid=Sum("paid_amount"), rest=Sum(rest)
    )
    total = 0
    groups: dict[tuple[dt.date | None, bool], list[Any]] = {}  # invoices only: [count, paid, outstanding]
    for row in rows:
        total += row["n"]
        if row["invoice"]:
            groups[(row["due_date"], row["unpaid"])] = [row["n"], row["paid"], row["rest"]]
    credited = Invoice.objects.filter(corrects_id__isnull=False).values("corrects_id")
    cancelled = set()
    for gone in issued.filter(pk__in=credited).values("pk", "kind", "due_date", "paid_amount", "gross_total"):
        cancelled.add(gone["pk"])
        if gone["kind"] == InvoiceKind.INVOICE:
            group = groups[(gone["due_date"], gone["paid_amount"] < gone["gross_total"])]
            group[0] -= 1
            group[1] -= gone["paid_amount"]
            group[2] -= gone["gross_total"] - gone["paid_amount"]
    months: dict[str, dict[str, Decimal]] = {}
    for (due, open_amount), (count, paid, outstanding) in sorted(
        groups.items(), key=lambda item: (item[0][0] is None, item[0][0] or dt.date.min)
    ):
        if not count:
            continue  # every invoice of the group cancelled
        amounts = months.setdefault(f"{due:%Y-%m}", defaultdict(Decimal))  # absent: 0
        amounts[receivables.PAID] += paid
        if open_amount:
            amounts[receivables.OVERDUE if due is not None and due < today else receivables.OPEN] += outstanding
    return Receivables(months, total, frozenset(cancelled))


def receivable_summary(months: dict[str, dict[str, Decimal]]) -> dict[str, Decimal]:
    """Outstanding (open, overdue) and paid amounts over all months of :func:`receivables_of`."""
    keys = (receivables.OPEN, receivables.OVERDUE, receivables.PAID)
    return {key: sum((m.get(key, Decimal(0)) for m in months.values()), Decimal(0)) for key in keys}


def visible_subscriptions(user: Any) -> QuerySet[Subscription]:
    qs = Subscription.objects.select_related("member__organisation", "service", "cost_centre").prefetch_related(
        "changes"
    )
    return _scope(user, qs).order_by("member__organisation__name", "service__name", "starts_on")


def visible_requests(user: Any) -> QuerySet[SubscriptionRequest]:
    qs = SubscriptionRequest.objects.select_related(
        "member__organisation", "service", "subscription", "cost_centre", "requested_by", "decided_by"
    )
    return _scope(user, qs)


def catalog(user: Any) -> QuerySet[Service]:
    qs = Service.objects.prefetch_related("prices__tiers")
    return qs if can_see_all_billing(user) else qs.filter(is_active=True)


def member_ids_subscribed(category: str, day: dt.date | None = None) -> set[int]:
    """The members with a subscription of a service of ``category`` running on ``day`` (default today);
    other apps ask this before switching on a shared product (e.g. the council information system)."""
    day = day or timezone.localdate()
    running = Subscription.objects.filter(service__category=category, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    return set(running.values_list("member_id", flat=True))


def reader_members(user: Any) -> list[Member]:
    qs = Member.objects.with_name().order_by("organisation__name")
    if can_see_all_billing(user):
        return list(qs.filter(subscriptions__isnull=False).distinct())
    return list(qs.filter(organisation_id__in=reader_org_ids(user)))


# --- the task inbox (kitu.tasks reads these; one query each, facts only) ---------------------------------

ANSWERED_TASK_DAYS = 14  # a decided request stays on the member admin's list this long


def _admin_org_ids(user: Any) -> set[int]:
    return {org for org, role in role_pairs(user) if role == Role.MEMBER_ADMIN}


def request_tasks(user: Any) -> TaskRows:
    """Service, quantity and cancellation requests waiting for the office's decision."""
    if not can_manage_billing(user):
        return []
    return SubscriptionRequest.objects.filter(status=RequestStatus.PENDING).values(
        "pk", "kind", "service__name", "member__organisation__name", "requested_at"
    )


def answered_request_tasks(user: Any, now: dt.datetime | None = None) -> TaskRows:
    """Requests of the member admin's members the office decided in the last ANSWERED_TASK_DAYS days."""
    orgs = _admin_org_ids(user)
    if not orgs:
        return []
    now = now or timezone.now()
    return SubscriptionRequest.objects.filter(
        member__organisation_id__in=orgs,
        status__in=(RequestStatus.APPROVED, RequestStatus.REJECTED),
        decided_at__gte=now - dt.timedelta(days=ANSWERED_TASK_DAYS),
    ).values("pk", "kind", "status", "service__name", "decided_at")


def overdue_invoice_tasks(user: Any, today: dt.date | None = None) -> TaskRows:
    """Issued invoices of the member admin's members past their due date, not paid in full, not cancelled."""
    orgs = _admin_org_ids(user)
    if not orgs:
        return []
    today = today or timezone.localdate()
    overdue = state_filter(Invoice.objects.filter(member__organisation_id__in=orgs), receivables.OVERDUE, today)
    return overdue.values("pk", "number", "due_date", "gross_total", "paid_amount")


def run_tasks(user: Any) -> TaskRows:
    """Billing runs to review (draft) or to issue (reviewed)."""
    if not can_manage_billing(user):
        return []
    return BillingRun.objects.filter(status__in=(RunStatus.DRAFT, RunStatus.REVIEWED)).values(
        "pk", "period", "status", "created_at"
    )


def unmailed_tasks(user: Any) -> dict[str, Any] | None:
    """The issued invoices whose mail has not gone out: how many and since when (None: none)."""
    if not can_manage_billing(user):
        return None
    row = Invoice.objects.unmailed().aggregate(count=Count("pk"), since=Min("issued_at"))
    return row if row["count"] else None


def unmailed_task_rows(user: Any) -> TaskRows:
    """The one task line of :func:`unmailed_tasks` as a row to count: at most one, read from the partial
    index of unmailed invoices without counting them all."""
    if not can_manage_billing(user):
        return []
    return Invoice.objects.unmailed().order_by().values("pk")[:1]
