"""The mail to the supplier when the member rejects an invoice (text from templates)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string

from .models import InboundInvoice


@shared_task
def send_rejection_mail(invoice_id: int) -> int:
    invoice = InboundInvoice.objects.select_related("supplier__organisation", "member", "sent_by", "order").get(
        pk=invoice_id
    )
    context = {"invoice": invoice, "member": invoice.member.name, "base_url": settings.KITU_BASE_URL.rstrip("/")}
    subject = " ".join(render_to_string("payables/mail/rejected_subject.txt", context).split())
    body = render_to_string("payables/mail/rejected.txt", context)
    recipients = list(dict.fromkeys(e for e in (invoice.supplier.order_email, invoice.sent_by.email) if e))
    if not recipients:
        return 0
    get_connection().send_messages([EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)])
    return 1
