"""Mails about orders: to the approvers of the next step, and to the requester on a decision."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from kitu.accounts.models import User
from kitu.core.money import format_eur

from .models import Order

SUBJECTS = {
    "approval_needed": "Freigabe erbeten: Bestellung {number} ({total})",
    "approved": "Bestellung {number} ist freigegeben",
    "rejected": "Bestellung {number} ist abgelehnt",
}
LEADS = {
    "approval_needed": "{requester} hat für {member} bestellt; die Bestellung wartet auf Ihre Freigabe.",
    "approved": "Ihre Bestellung für {member} ist freigegeben.",
    "rejected": "Ihre Bestellung für {member} ist abgelehnt. Begründung: {reason}\n"
    "Sie können sie in den Warenkorb übernehmen, ändern und neu absenden.",
}
BODY = (
    "Guten Tag,\n\n{lead}\n\n"
    "Bestellung: {number}\n"
    "Rahmenvertrag: {contract}\n"
    "Lieferant: {supplier}\n"
    "Summe: {total} netto\n"
    "Details: {url}\n\n"
    "Mit freundlichen Grüßen\nIhre KITU-Plattform der Kommunalen IT-UNION eG\n"
)


@shared_task
def send_order_mail(order_id: int, kind: str, user_ids: list[int]) -> int:
    order = Order.objects.select_related("member__organisation", "contract", "supplier__organisation", "requester").get(
        pk=order_id
    )
    reason = order.events.filter(status="rejected").values_list("note", flat=True).last() or ""
    total = format_eur(order.total)
    lead = LEADS[kind].format(
        requester=order.requester.full_name or order.requester.email, member=order.member.name, reason=reason
    )
    body = BODY.format(
        lead=lead,
        number=order.number,
        contract=str(order.contract),
        supplier=order.supplier.organisation.name,
        total=total,
        url=settings.KITU_BASE_URL.rstrip("/") + reverse("orders:detail", args=[order.pk]),
    )
    subject = SUBJECTS[kind].format(number=order.number, total=total)
    emails = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk").values_list("email", flat=True)
    messages = [EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in emails]
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
