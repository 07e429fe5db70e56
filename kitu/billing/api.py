"""JSON API of the invoices: the caller's members' issued invoices and credit notes (all, drafts too, for
coop staff). Another member's invoice answers 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from kitu.core.errors import PermissionDenied
from kitu.core.pagination import PageQuery, paginate
from kitu.core.schemas import Id, Year

from . import receivables, selectors
from .models import Invoice
from .policies import can_use_billing

router = Router(tags=["invoices"])


class InvoiceOut(Schema):
    id: int
    number: str | None  # None only for drafts (coop staff)
    kind: str  # "invoice" or "credit_note"
    status: str  # "draft" or "issued"
    payment_status: str  # "open", "paid", "overdue", "cancelled" (by a credit note) or "credit" (a credit note)
    member: str
    member_id: int
    leitweg_id: str
    issue_date: dt.date | None
    due_date: dt.date | None
    period_start: dt.date
    period_end: dt.date
    net: Decimal
    vat: Decimal
    total: Decimal  # gross
    paid_amount: Decimal
    corrects: str | None  # the invoice number a credit note cancels


def _out(invoice: Invoice, today: dt.date, cancelled: set[int]) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "status": invoice.status,
        "payment_status": receivables.state(invoice, today, cancelled=invoice.pk in cancelled)
        if invoice.number
        else "",
        "member": invoice.member.name,
        "member_id": invoice.member_id,
        "leitweg_id": invoice.leitweg_id,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "period_start": invoice.period_start,
        "period_end": invoice.period_end,
        "net": invoice.net_total,
        "vat": invoice.vat_total,
        "total": invoice.gross_total,
        "paid_amount": invoice.paid_amount,
        "corrects": invoice.corrects.number if invoice.corrects else None,
    }


@router.get("/invoices", response=list[InvoiceOut], summary="Invoices and credit notes the caller may see")
def invoices(
    request: HttpRequest,
    response: HttpResponse,
    paging: Query[PageQuery],
    member: Id | None = None,
    status: str | None = None,
    year: Year | None = None,
) -> list[dict[str, Any]]:
    """Newest first. Filters: ``member`` (ID), ``status`` (open, paid, overdue), ``year`` (of the issue date)."""
    if not can_use_billing(request.user):
        raise PermissionDenied("Rechnungen sehen die Administration und die Freigabe eines Mitglieds.")
    today = timezone.localdate()
    qs = selectors.visible_invoices(request.user)
    if member is not None:
        qs = qs.filter(member_id=member)
    if status:
        qs = selectors.state_filter(qs, status, today)
    if year is not None:
        qs = qs.filter(issue_date__year=year)
    qs = qs.order_by("-issue_date", "-number", "-pk")
    found = paginate(request, response, qs, **paging.dict(), allowed=("member", "status", "year"))
    cancelled = selectors.cancelled_ids([i.pk for i in found])
    return [_out(i, today, cancelled) for i in found]


@router.get("/invoices/{invoice_id}", response=InvoiceOut, summary="One invoice or credit note")
def invoice(request: HttpRequest, invoice_id: Id) -> dict[str, Any]:
    found = selectors.invoice_for(request.user, invoice_id)
    return _out(found, timezone.localdate(), selectors.cancelled_ids([found.pk]))
