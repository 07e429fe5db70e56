"""Receiving a supplier's XRechnung (validate, route, match, store) and the member's decisions on it:
factually correct, arithmetically correct (two different people), or rejected with a reason mailed to the
supplier. Every change is audited.

The XML as received goes to the default storage (local files or the object store, kitu/core/storage.py), in
a folder of the member under a random name, written right before the row. Nothing is half-written: when the
storage write fails, no row is stored (503); when anything after the write fails (a duplicate number sent in
parallel, the lines, the audit entry), the transaction rolls back and the file is deleted again. (Only when
a caller's own outer transaction rolls back after ``receive`` returned does the file stay behind, under its
random name and reachable from no row.)"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.contracts.models import Supplier
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.members.models import LeitwegId
from kitu.orders.models import Order

from . import document, matching, tasks, validation
from .models import (
    COUNTING_STATUSES,
    OPEN_STATUSES,
    InboundInvoice,
    InboundInvoiceLine,
    InvoiceKind,
    InvoiceStatus,
    xml_path,
)
from .policies import can_confirm_arithmetic, can_confirm_factual, can_reject, supplier_org_ids

log = logging.getLogger(__name__)


class Duplicate(DomainError):
    """The supplier sent this invoice number before (409)."""


class StorageUnavailable(DomainError):
    """The storage did not take the XML; nothing was stored and the supplier may send again (503)."""


@dataclass
class Timing:
    validation: float = 0.0
    total: float = 0.0


def _tolerance() -> Decimal:
    return Decimal(str(settings.KITU_PAYABLES_PRICE_TOLERANCE))


def _invoiced_before(order: Order) -> dict[int, Decimal]:
    """Net quantity per order line billed by the order's invoices so far (credit notes subtracted)."""
    rows = (
        InboundInvoiceLine.objects.filter(
            invoice__order=order, invoice__status__in=COUNTING_STATUSES, order_line__isnull=False
        )
        .values("order_line_id")
        .annotate(
            net=Sum(
                Case(
                    When(invoice__kind=InvoiceKind.CREDIT_NOTE, then=-F("quantity")),
                    default=F("quantity"),
                    output_field=DecimalField(max_digits=14, decimal_places=4),
                )
            )
        )
    )
    return {row["order_line_id"]: row["net"] or Decimal("0") for row in rows}


def _refuse(rule: str, text: str, detail: str) -> validation.Rejected:
    return validation.Rejected(detail, [validation.Finding(rule, "routing", text)])


def receive(*, actor: Any, data: bytes, timing: Timing | None = None) -> InboundInvoice:
    """Validate, route and match a supplier's XRechnung and store it with its lines, its XML in the storage.

    ``validation.Rejected`` (400, nothing stored) for a hostile, invalid or unroutable document,
    ``Duplicate`` (409) for an invoice number this supplier sent before, ``PermissionDenied`` for a caller who
    is no supplier user, ``StorageUnavailable`` (503, nothing stored) when the storage refuses the XML."""
    written: list[str] = []  # the storage name of the XML once a write was attempted
    try:
        return _receive(actor=actor, data=data, timing=timing, written=written)
    except BaseException:
        for name in written:  # the transaction is rolled back: no row refers to the file
            _discard(name)
        raise


def _store_xml(invoice: InboundInvoice, data: bytes, written: list[str]) -> None:
    """Write the XML to the storage under a fresh name in the member's folder (before the row is saved)."""
    name = xml_path(invoice, "")  # random: no other file has this name
    written.append(name)  # also when the write fails half-way: a partial local file is removed again
    try:
        stored = default_storage.save(name, ContentFile(data))  # the field's storage
    except Exception as exc:  # any failure of the store (disk, network, S3 error) is a 503
        log.exception("payables: storing the XML of an inbound invoice failed")
        raise StorageUnavailable(
            _(
                "Die Rechnung konnte gerade nicht gespeichert werden; es wurde nichts gespeichert. "
                "Bitte senden Sie sie später erneut."
            )
        ) from exc
    written[-1] = invoice.xml.name = stored


def _discard(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:  # cleaning up must not hide the original error
        log.exception("payables: could not delete %s after a failed receive", name)


@transaction.atomic
def _receive(*, actor: Any, data: bytes, timing: Timing | None, written: list[str]) -> InboundInvoice:
    started = time.perf_counter()
    orgs = supplier_org_ids(actor)
    suppliers = list(Supplier.objects.filter(organisation_id__in=orgs).order_by("pk"))
    if not suppliers:
        raise PermissionDenied(_("Nur Lieferanten können Rechnungen einreichen."))
    checked = validation.validate(data)
    if timing is not None:
        timing.validation += checked.seconds
    doc = document.read(checked.root, checked.syntax, checked.kind)
    route = LeitwegId.objects.select_related("member").filter(value=doc.buyer_reference).first()
    if route is None:
        raise _refuse(
            "BT-10",
            _("Die Leitweg-ID „%(value)s“ (BT-10) gehört zu keinem Mitglied der Plattform.")
            % {"value": doc.buyer_reference},
            "The buyer reference (BT-10) is no member's Leitweg-ID",
        )
    member = route.member
    order = None
    if doc.order_reference:
        order = (
            Order.objects.select_for_update(of=("self",))
            .filter(number=doc.order_reference, member=member, supplier__in=suppliers)
            .first()
        )
    supplier = order.supplier if order is not None else suppliers[0]
    if InboundInvoice.objects.filter(supplier=supplier, number=doc.number).exists():
        raise Duplicate(_("Diese Rechnungsnummer wurde bereits eingereicht."), field="number")
    order_lines = list(order.lines.all()) if order is not None else []
    result = matching.match(
        credit_note=doc.kind == InvoiceKind.CREDIT_NOTE,
        lines=[
            matching.InvoiceLineFacts(
                ln.line_id, ln.name, ln.seller_item_id, ln.order_line_ref, ln.quantity, ln.unit_price, ln.net_amount
            )
            for ln in doc.lines
        ],
        order_found=order is not None,
        order_reference=doc.order_reference,
        order_lines=[
            matching.OrderLineFacts(
                ol.pk, ol.position, ol.supplier_pid, ol.description, ol.quantity, ol.unit_price, ol.received_quantity
            )
            for ol in order_lines
        ],
        invoiced_before=_invoiced_before(order) if order is not None else {},
        currency=doc.currency,
        line_total=doc.line_total,
        net_total=doc.net_total,
        tax_total=doc.tax_total,
        gross_total=doc.gross_total,
        tolerance=_tolerance(),
    )
    invoice = InboundInvoice(
        supplier=supplier,
        member=member,
        order=order,
        sent_by=actor,
        kind=doc.kind,
        syntax=doc.syntax,
        number=doc.number[:100],
        issue_date=doc.issue_date,
        due_date=doc.due_date,
        currency=doc.currency[:3],
        buyer_reference=doc.buyer_reference[:100],
        order_reference=doc.order_reference[:100],
        seller_name=doc.seller_name[:200],
        seller_vat_id=doc.seller_vat_id[:40],
        seller_email=doc.seller_email[:200],
        payment_means_code=doc.payment_means_code[:10],
        iban=doc.iban[:40],
        bic=doc.bic[:20],
        account_name=doc.account_name[:200],
        payment_terms=doc.payment_terms,
        net_total=doc.net_total,
        tax_total=doc.tax_total,
        gross_total=doc.gross_total,
        payable=doc.payable,
        validation={
            "valid": True,
            "syntax": checked.syntax,
            "warnings": [{"rule": w.rule, "layer": w.layer, "text": w.text} for w in checked.warnings],
        },
        rule_versions=validation.rule_versions(),
        status=InvoiceStatus.MATCHED if result.matched else InvoiceStatus.TO_REVIEW,
        problems=result.problems,
    )
    # The original as received (archiving; it passed the checks, so it holds no DTD), before the row.
    _store_xml(invoice, data, written)
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError:  # the same number sent in parallel
        raise Duplicate(_("Diese Rechnungsnummer wurde bereits eingereicht."), field="number") from None
    InboundInvoiceLine.objects.bulk_create(
        InboundInvoiceLine(
            invoice=invoice,
            position=number,
            line_id=ln.line_id[:100],
            name=ln.name[:300],
            seller_item_id=ln.seller_item_id[:100],
            order_line_id=line_result.order_line_id,
            quantity=ln.quantity,
            unit_code=ln.unit_code[:10],
            unit_price=ln.unit_price.quantize(Decimal("0.0001")),
            net_amount=ln.net_amount,
            vat_rate=ln.vat_rate,
            problems=line_result.problems,
        )
        for number, (ln, line_result) in enumerate(zip(doc.lines, result.lines, strict=True), start=1)
    )
    audit.record(
        actor=actor,
        instance=invoice,
        action="create",
        after={"number": invoice.number, "status": invoice.status, "order": doc.order_reference, "kind": doc.kind},
    )
    if timing is not None:
        timing.total += time.perf_counter() - started
    return invoice


def _locked(invoice: InboundInvoice) -> InboundInvoice:
    return InboundInvoice.objects.select_for_update(of=("self",)).select_related("member").get(pk=invoice.pk)


@transaction.atomic
def confirm_factual(*, actor: Any, invoice: InboundInvoice) -> InboundInvoice:
    """Step 1: the goods or services were delivered as invoiced ("sachlich richtig")."""
    invoice = _locked(invoice)
    if not can_confirm_factual(actor, invoice.member.organisation_id):
        raise PermissionDenied(_("Nur Bedarfsträger/innen und die Administration des Mitglieds bestätigen sachlich."))
    if invoice.status not in (InvoiceStatus.MATCHED, InvoiceStatus.TO_REVIEW):
        raise DomainError(_("Die Rechnung ist nicht mehr zur sachlichen Prüfung offen."), field="status")
    before = {"status": invoice.status}
    invoice.status, invoice.factual_by, invoice.factual_at = InvoiceStatus.FACTUALLY_APPROVED, actor, timezone.now()
    invoice.save(update_fields=["status", "factual_by", "factual_at"])
    audit.record(actor=actor, instance=invoice, action="update", before=before, after={"status": invoice.status})
    return invoice


@transaction.atomic
def confirm_arithmetic(*, actor: Any, invoice: InboundInvoice) -> InboundInvoice:
    """Step 2: amounts and calculation are right ("rechnerisch richtig"); releases the invoice for payment.
    Never by the person who confirmed step 1."""
    invoice = _locked(invoice)
    if not can_confirm_arithmetic(actor, invoice.member.organisation_id):
        raise PermissionDenied(
            _("Nur Freigabeberechtigte und die Administration des Mitglieds bestätigen rechnerisch.")
        )
    if invoice.status != InvoiceStatus.FACTUALLY_APPROVED:
        raise DomainError(_("Die Rechnung muss zuerst sachlich richtig bestätigt sein."), field="status")
    if invoice.factual_by_id == actor.pk:
        raise PermissionDenied(
            _("Sachliche und rechnerische Richtigkeit müssen zwei verschiedene Personen bestätigen."), field="status"
        )
    before = {"status": invoice.status}
    invoice.status, invoice.approved_by, invoice.approved_at = InvoiceStatus.APPROVED, actor, timezone.now()
    invoice.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(actor=actor, instance=invoice, action="update", before=before, after={"status": invoice.status})
    return invoice


@transaction.atomic
def reject(*, actor: Any, invoice: InboundInvoice, reason: str) -> InboundInvoice:
    """Reject with a reason; the supplier gets it by mail. The quantities no longer count against the order."""
    invoice = _locked(invoice)
    if not can_reject(actor, invoice.member.organisation_id):
        raise PermissionDenied(_("Sie dürfen Rechnungen dieses Mitglieds nicht zurückweisen."))
    if invoice.status not in OPEN_STATUSES:
        raise DomainError(_("Die Rechnung ist bereits abgeschlossen."), field="status")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Bitte geben Sie einen Grund an."), field="reason")
    if len(reason) > 2000:
        raise DomainError(_("Der Grund ist zu lang (höchstens 2000 Zeichen)."), field="reason")
    before = {"status": invoice.status}
    invoice.status, invoice.rejected_by, invoice.rejected_at = InvoiceStatus.REJECTED, actor, timezone.now()
    invoice.rejected_reason = reason
    invoice.save(update_fields=["status", "rejected_by", "rejected_at", "rejected_reason"])
    audit.record(
        actor=actor,
        instance=invoice,
        action="update",
        before=before,
        after={"status": invoice.status, "reason": reason},
    )
    invoice_id = invoice.pk
    transaction.on_commit(lambda: tasks.send_rejection_mail.delay(invoice_id))
    return invoice
