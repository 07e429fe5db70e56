"""Billing runs: draft invoices for a period from the subscriptions (idempotent), review, issue with gapless
numbers per year; credit notes for corrections. Only the cooperative's office (coop admin)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kitu.accounts.policies import is_coop_admin
from kitu.core import audit, units
from kitu.core.actors import SystemActor
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.money import format_eur
from kitu.members.models import Member

from . import pricing, tasks, usage
from .models import (
    BillingRun,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceNumberSequence,
    InvoiceStatus,
    QuantityChange,
    RunStatus,
    Service,
    Subscription,
)

CENT = Decimal("0.01")


@dataclass
class RunResult:
    run: BillingRun
    invoices_created: int = 0
    lines_created: int = 0
    skipped: list[str] = field(default_factory=list)  # members without a Leitweg-ID


def _check(actor: Any) -> None:
    """The office, or SYSTEM (the command on the server)."""
    if not isinstance(actor, SystemActor) and not is_coop_admin(actor):
        raise PermissionDenied(_("Abrechnungen führt die Geschäftsstelle."))


def terms_of(service: Service) -> pricing.Terms:
    prices = tuple(
        pricing.Price(p.valid_from, p.amount, tuple((t.min_quantity, t.amount) for t in p.tiers.all()))
        for p in service.prices.all()
    )
    return pricing.Terms(service.pricing, service.interval, prices)


def _describe(service: Service, line: pricing.Line, per: str) -> str:
    """E.g. "Betriebsführung, 01.03.2026–31.03.2026, 55 Arbeitsplätze à 22,50 € je Monat" (", anteilig"
    when part of an interval is billed); ``per`` is the German name of the service's interval."""
    text = f"{service.name}, {line.start:%d.%m.%Y}–{line.end:%d.%m.%Y}"
    recurring = service.pricing != pricing.ONE_OFF
    if service.pricing == pricing.PER_UNIT or line.quantity != 1:
        text += f", {units.counted(line.quantity, service.unit_label)} à {format_eur(line.unit_amount)}"
        if recurring:
            text += f" je {per}"
    if recurring and line.fraction.denominator != 1:
        text += ", anteilig"
    return text[:250]


def contract_reference(references: set[str]) -> str:
    """BT-12: the service contract of the lines; lines of several contracts are billed under the framework
    service agreement of the cooperative (each line names its own contract)."""
    return references.pop() if len(references) == 1 else settings.KITU_SELLER["framework_contract"]


@dataclass(frozen=True)
class _Stored:
    """A line already on a draft invoice of the run (a re-run adds to it): what the totals need."""

    vat_rate: Decimal
    net_amount: Decimal
    contract_reference: str


def _set_totals(invoice: Invoice, lines: Sequence[_Stored | InvoiceLine]) -> None:
    """Net, VAT and gross total and BT-12 of the invoice from all its lines, computed here (not re-read)."""
    net, vat, _rates = pricing.totals(lines)
    invoice.net_total, invoice.vat_total, invoice.gross_total = net, vat, net + vat
    invoice.contract_reference = contract_reference({line.contract_reference for line in lines})


def _refresh_totals(invoice: Invoice) -> None:
    _set_totals(invoice, list(invoice.lines.all()))
    invoice.save(update_fields=["net_total", "vat_total", "gross_total", "contract_reference"])


def unbilled(start: dt.date, end: dt.date, billed: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """The stretches of ``start``..``end`` not covered by the already billed ranges."""
    gaps, day = [], start
    for first, last in sorted(billed):
        if first > day:
            gaps.append((day, min(end, first - dt.timedelta(days=1))))
        day = max(day, last + dt.timedelta(days=1))
    if day <= end:
        gaps.append((day, end))
    return [(a, b) for a, b in gaps if a <= b]


@dataclass
class _Draft:
    """The lines one invoice of the run gets (member, Leitweg-ID), with the usage each usage line bills."""

    is_demo: bool
    lines: list[InvoiceLine] = field(default_factory=list)
    usage: list[tuple[usage.UsageSource, str, InvoiceLine]] = field(default_factory=list)


def _subscription_drafts(
    start: dt.date, end: dt.date, result: RunResult, leitweg_of: dict[int, str], names: dict[int, str]
) -> dict[tuple[int, str], _Draft]:
    """The lines of every subscription running in the period, for the days not billed yet, grouped per member
    and Leitweg-ID; read in a fixed number of queries (subscriptions, quantity changes, billed ranges,
    services with prices and tiers, members with Leitweg-IDs), whatever the number of members."""
    billed: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for sub_id, first, last in InvoiceLine.objects.filter(
        period_start__lte=end,
        period_end__gte=start,
        invoice__kind=InvoiceKind.INVOICE,
        invoice__corrections__isnull=True,
    ).values_list("subscription_id", "period_start", "period_end"):
        billed[sub_id].append((first, last))
    subscriptions = list(
        Subscription.objects.filter(starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .order_by("member__organisation__name", "service__name", "pk")
    )
    changes: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for sub_id, effective_from, quantity in (
        QuantityChange.objects.filter(subscription__in=[s.pk for s in subscriptions])
        .order_by("subscription_id", "effective_from")
        .values_list("subscription_id", "effective_from", "quantity")
    ):
        changes[sub_id].append((effective_from, quantity))
    services = Service.objects.prefetch_related("prices__tiers").in_bulk({s.service_id for s in subscriptions})
    terms = {pk: terms_of(service) for pk, service in services.items()}
    with translation.override("de"):  # invoices are German documents, whoever runs the billing
        per = {pk: str(service.get_interval_display()) for pk, service in services.items()}
    _load_members({s.member_id for s in subscriptions}, leitweg_of, names)
    drafts: dict[tuple[int, str], _Draft] = {}
    for subscription in subscriptions:
        service = services[subscription.service_id]
        subscription.service = service
        timeline = pricing.Timeline(
            subscription.starts_on, subscription.ends_on, tuple(changes.get(subscription.pk, ()))
        )
        lines = [
            line
            for first, last in unbilled(start, end, billed[subscription.pk])
            for line in pricing.bill(terms[service.pk], timeline, first, last)
        ]
        if not lines:
            continue
        leitweg = subscription.leitweg_id or leitweg_of[subscription.member_id]
        if not leitweg:
            if names[subscription.member_id] not in result.skipped:
                result.skipped.append(names[subscription.member_id])
            continue
        draft = drafts.setdefault((subscription.member_id, leitweg), _Draft(subscription.is_demo))
        draft.lines += [
            InvoiceLine(  # by the ids: nothing reads the draft lines' subscription or service again
                subscription_id=subscription.pk,
                service_id=service.pk,
                description=_describe(service, line, per[service.pk]),
                period_start=line.start,
                period_end=line.end,
                quantity=Decimal(line.quantity),
                unit_code=service.unit_code,
                unit_price=(line.amount / line.quantity).quantize(Decimal("0.000001")),
                net_amount=line.amount,
                vat_rate=service.vat_rate,
                contract_reference=service.contract_reference,
            )
            for line in lines
        ]
    return drafts


def _load_members(member_ids: set[int], leitweg_of: dict[int, str], names: dict[int, str]) -> None:
    """Default Leitweg-ID and name of each member not known yet (two queries)."""
    missing = member_ids - names.keys()
    if missing:
        for member in (
            Member.objects.select_related("organisation").prefetch_related("leitweg_ids").filter(pk__in=missing)
        ):
            leitweg_of[member.pk], names[member.pk] = member.default_leitweg_id, member.name


def _add_usage(
    drafts: dict[tuple[int, str], _Draft], result: RunResult, leitweg_of: dict[int, str], names: dict[int, str]
) -> None:
    """Usage registered by upper apps (kitu.billing.usage: the service desk's billable time), after the
    subscription lines of the member's invoice; billed once (the source is told the line after the insert)."""
    start, end = result.run.period_start, result.run.period_end
    priced = usage.collect(start=start, end=end)
    _load_members({p.subscription.member_id for p in priced}, leitweg_of, names)
    for entry in priced:
        subscription, item = entry.subscription, entry.item
        leitweg = subscription.leitweg_id or leitweg_of[subscription.member_id]
        if not leitweg:
            if names[subscription.member_id] not in result.skipped:
                result.skipped.append(names[subscription.member_id])
            continue
        draft = drafts.setdefault((subscription.member_id, leitweg), _Draft(subscription.is_demo))
        line = InvoiceLine(
            subscription=subscription,
            service=subscription.service,
            description=item.description[:250],
            period_start=item.day,
            period_end=item.day,
            quantity=item.quantity,
            unit_code=subscription.service.unit_code,
            unit_price=entry.unit_price,
            net_amount=usage.amount(item.quantity, entry.unit_price),
            vat_rate=subscription.service.vat_rate,
            contract_reference=subscription.service.contract_reference,
        )
        draft.lines.append(line)
        draft.usage.append((entry.source, item.reference, line))


@transaction.atomic
def run_create(*, actor: Any, period: str) -> RunResult:
    """Draft invoices for the period: one per member and Leitweg-ID. Days of a subscription already billed
    (in this or another run, unless cancelled by a credit note) are left out, so re-running creates nothing
    twice and a quarterly run after a monthly one bills only the rest.

    Computed in bulk: a fixed number of queries whatever the number of members (tests/…test_runs pins it):
    the inputs in a few reads, the new invoices (with their totals, computed here) and all lines in one
    insert each, the totals of drafts a re-run added to in one update."""
    _check(actor)
    try:
        start, end = pricing.period_bounds(period)
    except ValueError as exc:
        raise DomainError(
            _("Zeitraum „%(p)s“: bitte JJJJ-MM, JJJJ-Qn oder JJJJ.") % {"p": period}, field="period"
        ) from exc
    label = period.strip().upper()
    run, _created = BillingRun.objects.get_or_create(
        period=label,
        defaults={
            "period_start": start,
            "period_end": end,
            "created_by": None if isinstance(actor, SystemActor) else actor,
        },
    )
    run = BillingRun.objects.select_for_update().get(pk=run.pk)
    result = RunResult(run)
    if run.status != RunStatus.DRAFT:
        return result
    leitweg_of: dict[int, str] = {}
    names: dict[int, str] = {}
    drafts = _subscription_drafts(start, end, result, leitweg_of, names)
    _add_usage(drafts, result, leitweg_of, names)
    # Drafts of this run from an earlier call (locked with the run): their lines count for positions and totals.
    existing = {
        (invoice.member_id, invoice.leitweg_id): invoice
        for invoice in Invoice.objects.filter(run=run, kind=InvoiceKind.INVOICE, member_id__in={m for m, _l in drafts})
    }
    stored: dict[int, list[_Stored]] = defaultdict(list)
    last_position: dict[int, int] = defaultdict(int)
    for invoice_id, position, rate, net, reference in InvoiceLine.objects.filter(
        invoice__in=[i.pk for i in existing.values()]
    ).values_list("invoice_id", "position", "vat_rate", "net_amount", "contract_reference"):
        stored[invoice_id].append(_Stored(rate, net, reference))
        last_position[invoice_id] = max(last_position[invoice_id], position)
    invoices: dict[tuple[int, str], Invoice] = {}
    new: list[Invoice] = []
    for key, draft in drafts.items():
        invoice = existing.get(key)
        if invoice is None:
            invoice = Invoice(
                run=run,
                member_id=key[0],
                leitweg_id=key[1],
                kind=InvoiceKind.INVOICE,
                period_start=start,
                period_end=end,
                is_demo=draft.is_demo,
            )
            new.append(invoice)
        _set_totals(invoice, [*stored.get(invoice.pk, []), *draft.lines])
        invoices[key] = invoice
    Invoice.objects.bulk_create(new)  # sets their primary keys (PostgreSQL and SQLite return them)
    lines: list[InvoiceLine] = []
    for key, draft in drafts.items():
        invoice = invoices[key]
        for position, line in enumerate(draft.lines, start=last_position.get(invoice.pk, 0) + 1):
            line.invoice_id, line.position = invoice.pk, position
        lines += draft.lines
    # The drafts are this run's (locked above), so the issued-invoice guard of InvoiceLine.save is not needed.
    InvoiceLine.objects.bulk_create(lines, batch_size=2000)
    for draft in drafts.values():
        for source, reference, line in draft.usage:
            source.billed(reference, line.pk)
    touched = [existing[key] for key in drafts if key in existing]
    if touched:
        Invoice.objects.bulk_update(touched, ["net_total", "vat_total", "gross_total", "contract_reference"])
    result.invoices_created = len(new)
    result.lines_created = len(lines)
    audit.record(
        actor=actor,
        instance=run,
        action="update",
        after={"invoices_created": result.invoices_created, "lines_created": result.lines_created},
    )
    return result


@transaction.atomic
def run_review(*, actor: Any, run: BillingRun) -> BillingRun:
    """The office has checked the drafts; only a reviewed run can be issued."""
    _check(actor)
    run = BillingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DRAFT:
        raise DomainError(_("Nur ein Entwurf kann als geprüft markiert werden."))
    run.status = RunStatus.REVIEWED
    run.save(update_fields=["status"])
    audit.record(actor=actor, instance=run, action="update", after={"status": run.status})
    return run


def _next_numbers(year: int, count: int) -> list[str]:
    """The next ``count`` numbers of the year, drawn at once under the sequence row's lock (held until the
    commit): a rolled back transaction gives its numbers back, so numbers have no gaps and no duplicates."""
    if count <= 0:
        return []
    InvoiceNumberSequence.objects.get_or_create(year=year)
    sequence = InvoiceNumberSequence.objects.select_for_update().get(year=year)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return [f"{year}-{n:06d}" for n in range(first, first + count)]


def _next_number(year: int) -> str:
    return _next_numbers(year, 1)[0]


def _mail_after_commit(invoices: Sequence[Invoice]) -> None:
    """XRechnung, PDF and mail of each invoice as a Celery group of per-invoice tasks, enqueued after the
    commit; should the process die before, tasks.resend_unmailed_invoices sends them later."""
    ids = [invoice.pk for invoice in invoices]
    if ids:
        transaction.on_commit(partial(tasks.mail_invoices, ids))


def _issue(invoice: Invoice, today: dt.date, *, mail: bool = True) -> None:
    invoice.number = _next_number(today.year)
    invoice.status, invoice.issue_date, invoice.issued_at = InvoiceStatus.ISSUED, today, timezone.now()
    invoice.due_date = today + dt.timedelta(days=settings.KITU_PAYMENT_DAYS)
    invoice.save(update_fields=["number", "status", "issue_date", "issued_at", "due_date"])
    if mail:
        _mail_after_commit([invoice])


@transaction.atomic
def run_issue(*, actor: Any, run: BillingRun, today: dt.date | None = None, mail: bool = True) -> list[Invoice]:
    """Issue every draft invoice of a reviewed run (numbers in the order of the members' names, drawn at once;
    the invoices updated in one statement). After the commit a Celery group renders and mails each (one task
    per invoice), unless ``mail`` is False (the caller sends them and reports progress)."""
    _check(actor)
    today = today or timezone.localdate()
    run = BillingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.REVIEWED:
        raise DomainError(_("Bitte den Lauf erst prüfen; ausgestellt wird nur ein geprüfter Lauf."))
    invoices = list(
        run.invoices.select_for_update(of=("self",))  # the invoices only, not the joined members
        .filter(status=InvoiceStatus.DRAFT)
        .exclude(net_total=0)
        .order_by("member__organisation__name", "leitweg_id", "pk")
    )
    now, due = timezone.now(), today + dt.timedelta(days=settings.KITU_PAYMENT_DAYS)
    for invoice, number in zip(invoices, _next_numbers(today.year, len(invoices)), strict=True):
        invoice.number, invoice.status, invoice.issue_date = number, InvoiceStatus.ISSUED, today
        invoice.issued_at, invoice.due_date = now, due
    # Drafts locked above: the issued-invoice guard of Invoice.save has nothing to guard here.
    Invoice.objects.bulk_update(invoices, ["number", "status", "issue_date", "issued_at", "due_date"], batch_size=1000)
    if mail:
        _mail_after_commit(invoices)
    run.status, run.issued_at = RunStatus.ISSUED, timezone.now()
    run.save(update_fields=["status", "issued_at"])
    audit.record(actor=actor, instance=run, action="update", after={"status": run.status, "issued": len(invoices)})
    return invoices


@transaction.atomic
def credit_note_create(*, actor: Any, invoice: Invoice, reason: str, today: dt.date | None = None) -> Invoice:
    """Cancel an issued invoice in full with a credit note that references it (issued at once, own number).
    A corrected invoice is then a new invoice."""
    _check(actor)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.ISSUED or invoice.kind != InvoiceKind.INVOICE:
        raise DomainError(_("Gutschriften gibt es nur zu ausgestellten Rechnungen."))
    if invoice.corrections.exists():
        raise DomainError(_("Zu dieser Rechnung gibt es schon eine Gutschrift."))
    if not reason.strip():
        raise DomainError(_("Bitte den Grund der Korrektur angeben."), field="reason")
    note = Invoice.objects.create(
        member=invoice.member,
        leitweg_id=invoice.leitweg_id,
        kind=InvoiceKind.CREDIT_NOTE,
        corrects=invoice,
        note=reason.strip(),
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        is_demo=invoice.is_demo,
    )
    for line in invoice.lines.all():
        InvoiceLine.objects.create(
            invoice=note,
            position=line.position,
            subscription=line.subscription,
            service=line.service,
            description=f"Korrektur: {line.description}"[:250],
            period_start=line.period_start,
            period_end=line.period_end,
            quantity=line.quantity,
            unit_code=line.unit_code,
            unit_price=line.unit_price,
            net_amount=line.net_amount,
            vat_rate=line.vat_rate,
            contract_reference=line.contract_reference,
        )
    _refresh_totals(note)
    _issue(note, today or timezone.localdate())
    audit.record(
        actor=actor, instance=note, action="create", after={"corrects": invoice.number, "reason": reason.strip()}
    )
    return note
