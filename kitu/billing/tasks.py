"""Mail tasks of billing: the e-invoice on issue (retried with backoff when the mail server fails), the
periodic catch-up of invoices whose mail never went out (see :mod:`kitu.billing.mails`), and reminders."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import group, shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from kitu.core.actors import SYSTEM
from kitu.core.money import format_eur

from . import mails, pdf, xrechnung
from .mails import recipients
from .models import Invoice

# A failing mail server makes Celery try again: 1 min, 2 min, … up to 1 h, 8 times.
MAIL_RETRY: dict[str, Any] = {
    "autoretry_for": (OSError, smtplib.SMTPException),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(bind=True, **MAIL_RETRY)
def send_invoice_mail(self: Any, invoice_id: int) -> list[str]:
    """Send an issued invoice or credit note once; returns the recipients (empty when already sent or
    nobody to send to)."""
    return mails.invoice_mail_send(invoice_id=invoice_id)


def mail_invoices(invoice_ids: list[int]) -> None:
    """Render and send the issued invoices as a Celery group: one :func:`send_invoice_mail` per invoice, so
    the workers of the mail queue share them (called after the issuing commit; eager without a broker)."""
    group([send_invoice_mail.s(invoice_id) for invoice_id in invoice_ids]).apply_async()


@shared_task
def resend_unmailed_invoices() -> str:
    """Periodic (CELERY_BEAT_SCHEDULE): send the invoices issued more than ``mails.RESEND_AFTER`` ago whose
    mail never went out — the process died between the issuing commit and the mail, or every retry failed.
    Returns the summary line."""
    return mails.unmailed_send(actor=SYSTEM, issued_before=timezone.now() - mails.RESEND_AFTER).summary()


REMINDER_BODY = (
    "Guten Tag,\n\n"
    "zu unserer Rechnung {number} vom {date} für {member} (Leitweg-ID {leitweg}) ist bis heute {open} offen; "
    "sie war am {due} fällig.\n\n"
    "Bitte überweisen Sie den Betrag auf {iban} (BIC {bic}) mit dem Verwendungszweck {number}. "
    "Hat sich Ihre Zahlung mit diesem Schreiben gekreuzt, betrachten Sie es bitte als gegenstandslos.\n"
    "Rechnung und XRechnung hängen noch einmal an.\n\n"
    "Mit freundlichen Grüßen\n{seller}\n{contact}, {phone}, {email}\n"
)


@shared_task(bind=True, **MAIL_RETRY)
def send_reminder_mail(self: Any, invoice_id: int) -> list[str]:
    """The reminder of the invoice's current level, with the invoice attached again."""
    from .receivables import REMINDERS, outstanding  # noqa: PLC0415 - receivables imports this module

    invoice = Invoice.objects.select_related("member__organisation").get(pk=invoice_id)
    to = recipients(invoice)
    if not to or not invoice.reminder_level:
        return []
    seller = settings.KITU_SELLER
    message = EmailMessage(
        f"{REMINDERS[invoice.reminder_level]}: Rechnung {invoice.number}",
        REMINDER_BODY.format(
            number=invoice.number,
            date=f"{invoice.issue_date:%d.%m.%Y}",
            member=invoice.member.name,
            leitweg=invoice.leitweg_id,
            open=format_eur(outstanding(invoice)),
            due=f"{invoice.due_date:%d.%m.%Y}",
            iban=seller["iban"],
            bic=seller["bic"],
            seller=seller["name"],
            contact=seller["contact_name"],
            phone=seller["contact_phone"],
            email=seller["contact_email"],
        ),
        settings.DEFAULT_FROM_EMAIL,
        to,
    )
    lines = xrechnung.document_lines(invoice)  # once for both documents
    message.attach(f"{invoice.number}.xml", xrechnung.to_ubl(invoice, lines), "application/xml")
    message.attach(f"{invoice.number}.pdf", pdf.render(invoice, lines), "application/pdf")
    message.send()
    return to
