"""The inbound invoices a user may see: what their supplier sent, or what their member received."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kitu.core.errors import NotFound
from kitu.core.rows import TaskRows

from .models import InboundInvoice, InvoiceStatus
from .policies import ARITHMETIC_ROLES, FACTUAL_ROLES, member_org_ids, supplier_org_ids


def visible_invoices(user: Any) -> QuerySet[InboundInvoice]:
    suppliers, members = supplier_org_ids(user), member_org_ids(user)
    if not suppliers and not members:
        return InboundInvoice.objects.none()
    return InboundInvoice.objects.filter(
        Q(supplier__organisation_id__in=suppliers) | Q(member__organisation_id__in=members)
    ).select_related("supplier__organisation", "member__organisation", "order")


def received_invoices(user: Any) -> QuerySet[InboundInvoice]:
    """The member side only (the inbox)."""
    return InboundInvoice.objects.filter(member__organisation_id__in=member_org_ids(user)).select_related(
        "supplier__organisation", "member__organisation", "order"
    )


def sent_invoices(user: Any) -> QuerySet[InboundInvoice]:
    return InboundInvoice.objects.filter(supplier__organisation_id__in=supplier_org_ids(user)).select_related(
        "supplier__organisation", "member__organisation", "order"
    )


def visible_invoice(user: Any, invoice_id: int) -> InboundInvoice:
    invoice = visible_invoices(user).filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound("Not found")
    return invoice


def approval_tasks(user: Any) -> TaskRows:
    """Received invoices waiting for this user's step, oldest first: the factual check (requester, member
    admin) while matched or to review, the arithmetic check (approver, member admin) once factually correct —
    never for the person who confirmed the factual correctness."""
    factual, arithmetic = member_org_ids(user, FACTUAL_ROLES), member_org_ids(user, ARITHMETIC_ROLES)
    if not factual and not arithmetic:
        return []
    waiting = Q(member__organisation_id__in=factual, status__in=(InvoiceStatus.MATCHED, InvoiceStatus.TO_REVIEW)) | (
        Q(member__organisation_id__in=arithmetic, status=InvoiceStatus.FACTUALLY_APPROVED) & ~Q(factual_by=user)
    )
    rows = InboundInvoice.objects.filter(waiting).order_by("received_at", "pk")
    return rows.values("pk", "number", "seller_name", "status", "received_at")
