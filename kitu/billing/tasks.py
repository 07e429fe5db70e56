"""The e-invoice by mail on issue: XRechnung (UBL) and the PDF to the member's invoice address (else to its
member admins); retried with backoff when the mail server fails."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from kitu.accounts.models import User
from kitu.accounts.roles import Role
from kitu.core.money import format_eur

from . import pdf, xrechnung
from .models import Invoice, InvoiceKind

# A failing mail server makes Celery try again: 1 min, 2 min, … up to 1 h, 8 times.
MAIL_RETRY: dict[str, Any] = {
    "autoretry_for": (OSError, smtplib.SMTPException),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}
BODY = (
    "Guten Tag,\n\n"
    "anbei erhalten Sie {what} {number} vom {date} über {total} für {member}.\n"
    "Die elektronische Rechnung (XRechnung 3.0, UBL) ist die Datei {number}.xml; die PDF-Datei ist eine "
    "Lesefassung mit denselben Beträgen.\n\n"
    "Leitweg-ID: {leitweg}\n"
    "{terms}\n\n"
    "Alle Rechnungen finden Sie auch unter {url}\n\n"
    "Mit freundlichen Grüßen\n{seller}\n"
)


def recipients(invoice: Invoice) -> list[str]:
    member = invoice.member
    if member.invoice_email:
        return [member.invoice_email]
    admins = User.objects.filter(
        is_active=True,
        role_assignments__organisation_id=member.organisation_id,
        role_assignments__role=Role.MEMBER_ADMIN,
    )
    return sorted(set(admins.values_list("email", flat=True)))


@shared_task(bind=True, **MAIL_RETRY)
def send_invoice_mail(self: Any, invoice_id: int) -> list[str]:
    """Send an issued invoice or credit note once; returns the recipients (empty when already sent or
    nobody to send to)."""
    invoice = Invoice.objects.select_related("member__organisation", "corrects").get(pk=invoice_id)
    to = recipients(invoice)
    if invoice.mailed_at or not to or not invoice.number:
        return []
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    message = EmailMessage(
        f"{'Gutschrift' if credit else 'Rechnung'} {invoice.number} der {settings.KITU_SELLER['name']}",
        BODY.format(
            what="die Gutschrift" if credit else "die Rechnung",
            number=invoice.number,
            date=f"{invoice.issue_date:%d.%m.%Y}",
            total=format_eur(invoice.gross_total),
            member=invoice.member.name,
            leitweg=invoice.leitweg_id,
            terms=xrechnung.payment_terms(invoice),
            url=settings.KITU_BASE_URL.rstrip("/") + reverse("billing:invoices"),
            seller=settings.KITU_SELLER["name"],
        ),
        settings.DEFAULT_FROM_EMAIL,
        to,
    )
    message.attach(f"{invoice.number}.xml", xrechnung.to_ubl(invoice), "application/xml")
    message.attach(f"{invoice.number}.pdf", pdf.render(invoice), "application/pdf")
    message.send()
    invoice.mailed_to, invoice.mailed_at = ", ".join(to), timezone.now()
    invoice.save(update_fields=["mailed_to", "mailed_at"])
    return to


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
    message.attach(f"{invoice.number}.xml", xrechnung.to_ubl(invoice), "application/xml")
    message.attach(f"{invoice.number}.pdf", pdf.render(invoice), "application/pdf")
    message.send()
    return to
