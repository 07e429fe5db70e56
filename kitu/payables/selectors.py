"""The inbound invoices a user may see: what their supplier sent, or what their member received."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kitu.core.errors import NotFound

from .models import InboundInvoice
from .policies import member_org_ids, supplier_org_ids


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
