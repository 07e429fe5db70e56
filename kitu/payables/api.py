"""JSON API of inbound e-invoices: suppliers POST an XRechnung as the raw XML body; suppliers list what
they sent, members what they received (docs/payables.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from kitu.core.pagination import PageQuery, paginate
from kitu.core.schemas import Id

from . import selectors, services, validation
from .models import InboundInvoice

router = Router(tags=["inbound-invoices"])


class InvoiceCreated(Schema):
    id: int
    status: str
    member: str
    order_number: str | None
    matched: bool
    problems: list[str]


class FindingOut(Schema):
    rule: str
    text: str
    location: str


class RejectedOut(Schema):
    detail: str
    rules: list[str]
    findings: list[FindingOut]


class Message(Schema):
    detail: str
    field: str | None = None


class InvoiceLineOut(Schema):
    position: int
    name: str
    seller_item_id: str
    order_position: int | None
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    net_amount: Decimal
    vat_rate: Decimal | None
    problems: list[str]


class InvoiceOut(Schema):
    id: int
    number: str
    kind: str
    syntax: str
    status: str
    member: str
    supplier: str
    order_number: str | None
    issue_date: dt.date | None
    due_date: dt.date | None
    currency: str
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    payable: Decimal
    matched: bool
    problems: list[str]
    received_at: dt.datetime
    rejected_reason: str


class InvoiceDetailOut(InvoiceOut):
    seller_name: str
    seller_vat_id: str
    iban: str
    bic: str
    payment_terms: str
    buyer_reference: str
    order_reference: str
    rule_versions: dict[str, str]
    lines: list[InvoiceLineOut]


XML_BODY = {
    "requestBody": {
        "required": True,
        "description": "The XRechnung (UBL Invoice, UBL CreditNote or UN/CEFACT CII) as XML, at most 20 MB.",
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }
}


def _rejected(exc: validation.Rejected) -> Status:
    findings = [{"rule": f.rule, "text": f.text, "location": f.location} for f in exc.findings[:200]]
    return Status(400, {"detail": exc.detail, "rules": exc.rules, "findings": findings})


def _read_body(request: HttpRequest, limit: int) -> bytes | None:
    """The raw body, or None when it is larger than ``limit`` (read in chunks, never more than limit + 1)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    chunks, size = [], 0
    while chunk := request.read(64 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/inbound-invoices",
    response={201: InvoiceCreated, 400: RejectedOut, 409: Message, 415: Message, 503: Message},
    summary="Send an XRechnung (supplier users): validated, routed by BT-10/BT-13 and matched",
    openapi_extra=XML_BODY,
)
def create(request: HttpRequest) -> Status:
    if (request.content_type or "").lower() != "application/xml":
        return Status(415, {"detail": "Send the invoice as Content-Type: application/xml", "field": "Content-Type"})
    limit = settings.KITU_PAYABLES_MAX_BYTES
    data = _read_body(request, limit)
    try:
        if data is None:
            raise validation.Rejected(
                "The document is too large",
                [validation.Finding("XML-SIZE", "xml", f"Das Dokument ist größer als {limit // (1024 * 1024)} MB.")],
            )
        invoice = services.receive(actor=request.user, data=data)
    except validation.Rejected as exc:
        return _rejected(exc)
    except services.Duplicate as exc:
        return Status(409, {"detail": exc.message, "field": exc.field})
    except services.StorageUnavailable as exc:  # nothing stored; the supplier may send again
        return Status(503, {"detail": exc.message, "field": None})
    return Status(
        201,
        {
            "id": invoice.pk,
            "status": invoice.status,
            "member": invoice.member.name,
            "order_number": invoice.order.number if invoice.order else None,
            "matched": invoice.matched,
            "problems": invoice.problems,
        },
    )


def _out(invoice: InboundInvoice, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "syntax": invoice.syntax,
        "status": invoice.status,
        "member": invoice.member.name,
        "supplier": invoice.supplier.organisation.name,
        "order_number": invoice.order.number if invoice.order else None,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "net_total": invoice.net_total,
        "tax_total": invoice.tax_total,
        "gross_total": invoice.gross_total,
        "payable": invoice.payable,
        "matched": invoice.matched,
        "problems": invoice.problems,
        "received_at": invoice.received_at,
        "rejected_reason": invoice.rejected_reason,
    }
    if detail:
        data |= {
            "seller_name": invoice.seller_name,
            "seller_vat_id": invoice.seller_vat_id,
            "iban": invoice.iban,
            "bic": invoice.bic,
            "payment_terms": invoice.payment_terms,
            "buyer_reference": invoice.buyer_reference,
            "order_reference": invoice.order_reference,
            "rule_versions": invoice.rule_versions,
            "lines": [
                {
                    "position": ln.position,
                    "name": ln.name,
                    "seller_item_id": ln.seller_item_id,
                    "order_position": ln.order_line.position if ln.order_line else None,
                    "quantity": ln.quantity,
                    "unit_code": ln.unit_code,
                    "unit_price": ln.unit_price,
                    "net_amount": ln.net_amount,
                    "vat_rate": ln.vat_rate,
                    "problems": ln.problems,
                }
                for ln in invoice.lines.select_related("order_line")
            ],
        }
    return data


@router.get(
    "/inbound-invoices",
    response=list[InvoiceOut],
    summary="Inbound invoices the caller sent (supplier) or received (member staff), newest first, one page",
)
def invoices(request: HttpRequest, response: HttpResponse, paging: Query[PageQuery]) -> list[dict[str, Any]]:
    """Newest first (received, then id). Paged (``page``, ``page_size``; count and links in headers, see
    docs/api.md); no filters."""
    qs = selectors.visible_invoices(request.user).order_by("-received_at", "-pk")
    return paginate(request, response, qs, **paging.dict(), render=_out)


@router.get(
    "/inbound-invoices/{invoice_id}",
    response=InvoiceDetailOut,
    summary="One inbound invoice with its lines, payment data, matching result and rule versions",
)
def invoice(request: HttpRequest, invoice_id: Id) -> dict[str, Any]:
    return _out(selectors.visible_invoice(request.user, invoice_id), detail=True)
