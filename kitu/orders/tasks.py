"""Mails about orders: to the approvers of the next step, to the requester on a decision, and the
dispatch of an approved order to the supplier as openTRANS (retried with backoff when mail fails)."""

from __future__ import annotations

import logging
import smtplib
from pathlib import PurePath
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from kitu.accounts.models import User
from kitu.core.money import format_eur

from . import opentrans
from .models import Order, OrderEvent, OrderStatus

log = logging.getLogger(__name__)

SUBJECTS = {
    "approval_needed": "Freigabe erbeten: Bestellung {number} ({total})",
    "status": "Bestellung {number}: {status}",
}
LEADS = {
    "approval_needed": "{requester} hat für {member} bestellt; die Bestellung wartet auf Ihre Freigabe.",
    "status": "Neuer Stand Ihrer Bestellung für {member}: {status}{step}{by}.{note}",
}
RESUBMIT = "\nSie können sie in den Warenkorb übernehmen, ändern und neu absenden."
BODY = (
    "Guten Tag,\n\n{lead}\n\n"
    "Bestellung: {number}\n"
    "Rahmenvertrag: {contract}\n"
    "Lieferant: {supplier}\n"
    "Summe: {total} netto\n"
    "Details: {url}\n\n"
    "Mit freundlichen Grüßen\nIhre KITU-Plattform der Kommunalen IT-UNION eG\n"
)


def _status_fields(event: OrderEvent) -> dict[str, str]:
    actor = event.actor
    return {
        "status": str(event.get_status_display()),
        "step": f" (Stufe {event.step})" if event.step else "",
        "by": f" durch {actor.full_name or actor.email}" if actor else "",
        "note": (f"\n{event.note}" if event.note else "") + (RESUBMIT if event.status == OrderStatus.REJECTED else ""),
    }


@shared_task
def send_order_mail(order_id: int, kind: str, user_ids: list[int], event_id: int | None = None) -> int:
    """``approval_needed`` to approvers, or ``status``: the change recorded as event ``event_id``."""
    order = Order.objects.select_related("member__organisation", "contract", "supplier__organisation", "requester").get(
        pk=order_id
    )
    total = format_eur(order.total)
    fields = {"status": "", "step": "", "by": "", "note": ""}
    if event_id is not None:
        fields = _status_fields(OrderEvent.objects.select_related("actor").get(pk=event_id))
    lead = LEADS[kind].format(
        requester=order.requester.full_name or order.requester.email, member=order.member.name, **fields
    )
    body = BODY.format(
        lead=lead,
        number=order.number,
        contract=str(order.contract),
        supplier=order.supplier.organisation.name,
        total=total,
        url=settings.KITU_BASE_URL.rstrip("/") + reverse("orders:detail", args=[order.pk]),
    )
    subject = SUBJECTS[kind].format(number=order.number, total=total, status=fields["status"])
    emails = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk").values_list("email", flat=True)
    messages = [EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in emails]
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


DISPATCH_BODY = (
    "Guten Tag,\n\n"
    "anbei erhalten Sie die Abrufbestellung {number} aus dem Rahmenvertrag {contract} als openTRANS-2.1-Datei "
    "(ORDER, type release).\n\n"
    "Besteller: {member}\n"
    "Summe: {total} netto\n\n"
    "Bitte bestätigen Sie die Bestellung mit dem voraussichtlichen Liefertermin.\n\n"
    "Mit freundlichen Grüßen\nKommunale IT-UNION eG\n"
)


@shared_task(
    bind=True,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def dispatch_order(self: Any, order_id: int) -> str:
    """Send an approved order to the supplier's order address with the openTRANS XML attached; a failing
    mail server makes Celery try again (1 min, 2 min, … up to 1 h, 8 times). Returns the recipient."""
    from .services import mark_sent  # noqa: PLC0415 - services imports this module

    order = Order.objects.select_related("member__organisation", "contract", "supplier__organisation").get(pk=order_id)
    if order.status != OrderStatus.APPROVED:
        return ""
    xml = opentrans.order_xml(order)
    errors = opentrans.validate(xml)
    if errors:  # never send a document the supplier's system would refuse; the office sees it in the log
        log.error("openTRANS of %s is invalid: %s", order.number, "; ".join(errors))
        return ""
    recipient = order.supplier.order_email
    message = EmailMessage(
        f"Abrufbestellung {order.number} ({order.contract.number})",
        DISPATCH_BODY.format(
            number=order.number, contract=order.contract.number, member=order.member.name, total=format_eur(order.total)
        ),
        settings.DEFAULT_FROM_EMAIL,
        [recipient],
    )
    message.attach(f"{order.number}.xml", xml, "application/xml")
    for line in order.lines.exclude(attachment=""):  # quotations of placeholder lines
        with line.attachment.open("rb") as handle:
            message.attach(f"{line.position}-{PurePath(line.attachment.name).name}", handle.read())
    message.send()
    mark_sent(order=order, recipient=recipient)
    return recipient
