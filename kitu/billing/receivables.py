"""Receivables of the cooperative: the state of each issued invoice (open, paid, overdue, cancelled by a
credit note), payments, reminder levels and the CSV export for the accounting system."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.exports import csv_writer

from . import tasks
from .models import Invoice, InvoiceKind, InvoiceStatus
from .policies import can_manage_billing

OPEN, PAID, OVERDUE, CANCELLED, CREDIT = "open", "paid", "overdue", "cancelled", "credit"
STATES = {
    OPEN: gettext_lazy("offen"),
    PAID: gettext_lazy("bezahlt"),
    OVERDUE: gettext_lazy("überfällig"),
    CANCELLED: gettext_lazy("storniert (Gutschrift)"),
    CREDIT: gettext_lazy("Gutschrift"),
}
REMINDERS = {1: "Zahlungserinnerung", 2: "1. Mahnung", 3: "2. und letzte Mahnung"}
REMINDER_GAP_DAYS = 14  # at least two weeks between two reminder levels


def state(invoice: Invoice, today: dt.date, cancelled: bool | None = None) -> str:
    """``cancelled``: whether a credit note corrects the invoice (pass it when already known)."""
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return CREDIT
    if cancelled if cancelled is not None else invoice.corrections.exists():
        return CANCELLED
    if invoice.paid_amount >= invoice.gross_total:
        return PAID
    if invoice.due_date and invoice.due_date < today:
        return OVERDUE
    return OPEN


def outstanding(invoice: Invoice) -> Decimal:
    return max(invoice.gross_total - invoice.paid_amount, Decimal("0.00"))


def _locked_receivable(actor: Any, invoice: Invoice) -> Invoice:
    if not can_manage_billing(actor):
        raise PermissionDenied(_("Zahlungen und Mahnungen bearbeitet die Geschäftsstelle."))
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.ISSUED or invoice.kind != InvoiceKind.INVOICE:
        raise DomainError(_("Nur ausgestellte Rechnungen haben offene Beträge."))
    if invoice.corrections.exists():
        raise DomainError(_("Diese Rechnung ist per Gutschrift storniert."))
    return invoice


@transaction.atomic
def payment_record(*, actor: Any, invoice: Invoice, amount: Decimal, paid_on: dt.date) -> Invoice:
    invoice = _locked_receivable(actor, invoice)
    if amount <= 0:
        raise DomainError(_("Bitte einen Betrag über 0 angeben."), field="amount")
    if amount > outstanding(invoice):
        raise DomainError(
            _("Offen sind nur %(o)s €; eine Überzahlung bitte gesondert klären.") % {"o": outstanding(invoice)},
            field="amount",
        )
    if paid_on > timezone.localdate() or paid_on < invoice.issue_date:  # type: ignore[operator]
        raise DomainError(_("Das Zahlungsdatum liegt zwischen Rechnungsdatum und heute."), field="paid_on")
    before = {"paid_amount": str(invoice.paid_amount)}
    invoice.paid_amount += amount
    if invoice.paid_amount >= invoice.gross_total:
        invoice.paid_on = paid_on
    invoice.save(update_fields=["paid_amount", "paid_on"])
    audit.record(
        actor=actor, instance=invoice, action="update", before=before, after={"paid_amount": str(invoice.paid_amount)}
    )
    return invoice


@transaction.atomic
def reminder_send(*, actor: Any, invoice: Invoice, today: dt.date | None = None) -> Invoice:
    """Raise the reminder level of an overdue invoice (1 Zahlungserinnerung, 2 and 3 Mahnung) and mail it."""
    today = today or timezone.localdate()
    invoice = _locked_receivable(actor, invoice)
    if state(invoice, today, cancelled=False) != OVERDUE:
        raise DomainError(_("Gemahnt werden nur überfällige Rechnungen."))
    if invoice.reminder_level >= max(REMINDERS):
        raise DomainError(_("Die letzte Mahnstufe ist erreicht; bitte die Forderung weiter verfolgen."))
    if invoice.last_reminder_on and (today - invoice.last_reminder_on).days < REMINDER_GAP_DAYS:
        raise DomainError(
            _("Zuletzt gemahnt am %(d)s; die nächste Stufe frühestens nach %(n)s Tagen.")
            % {"d": f"{invoice.last_reminder_on:%d.%m.%Y}", "n": REMINDER_GAP_DAYS}
        )
    invoice.reminder_level += 1
    invoice.last_reminder_on = today
    invoice.save(update_fields=["reminder_level", "last_reminder_on"])
    audit.record(actor=actor, instance=invoice, action="update", after={"reminder_level": invoice.reminder_level})
    transaction.on_commit(partial(tasks.send_reminder_mail.delay, invoice.pk))
    return invoice


CSV_HEADER = [
    "Rechnungsnummer",
    "Art",
    "Rechnungsdatum",
    "Fälligkeit",
    "Mitgliedsnummer",
    "Mitglied",
    "Leitweg-ID",
    "Netto",
    "USt",
    "Brutto",
    "Bezahlt",
    "Offen",
    "Status",
    "Mahnstufe",
    "Bezug (Rechnung)",
]


def receivables_csv(invoices: Iterable[Invoice], today: dt.date, cancelled_ids: set[int]) -> str:
    """Semicolon-separated, decimal comma, dates DD.MM.YYYY: what German accounting imports expect.
    Credit notes carry negative amounts, so the column sums are the receivables."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for invoice in invoices:
        sign = -1 if invoice.kind == InvoiceKind.CREDIT_NOTE else 1
        current = state(invoice, today, cancelled=invoice.pk in cancelled_ids)
        writer.writerow(
            [
                invoice.number,
                "Gutschrift" if sign < 0 else "Rechnung",
                invoice.issue_date,
                invoice.due_date if sign > 0 else None,
                invoice.member.member_number,
                invoice.member.name,
                invoice.leitweg_id,
                sign * invoice.net_total,
                sign * invoice.vat_total,
                sign * invoice.gross_total,
                invoice.paid_amount,
                outstanding(invoice) if current in (OPEN, OVERDUE) else Decimal(0),
                STATES[current],
                invoice.reminder_level,
                invoice.corrects.number if invoice.corrects else "",
            ]
        )
    return out.getvalue()
