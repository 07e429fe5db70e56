"""Mails of the service desk: a public reply of the desk goes to the ticket's reporter, with the ticket's token in
the subject so that the answer by mail finds its ticket (kitu.servicedesk.services.mailin). Internal notes are
never mailed."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .models import Comment


@shared_task
def send_reply_mail(comment_id: int) -> int:
    comment = Comment.objects.select_related("ticket__requester").get(pk=comment_id)
    ticket = comment.ticket
    if comment.is_internal or ticket.requester is None or not ticket.requester.email:
        return 0
    subject = f"{ticket.mail_token} {ticket.subject}"[:250]
    link = f"{settings.KITU_BASE_URL.rstrip('/')}/servicedesk/tickets/{ticket.pk}/"
    body = (
        f"Guten Tag,\n\nzu Ihrem Ticket {ticket.number} „{ticket.subject}“ gibt es eine Antwort des Servicedesks:\n\n"
        f"{comment.body}\n\nSie können auf diese E-Mail antworten (die Ticketnummer im Betreff bitte stehen lassen) "
        f"oder das Ticket hier öffnen: {link}\n\nKommunale IT-UNION eG – Servicedesk\n"
    )
    reply_to = getattr(settings, "KITU_SERVICEDESK_REPLY_TO", "") or settings.DEFAULT_FROM_EMAIL
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [ticket.requester.email], reply_to=[reply_to])
    get_connection().send_messages([message])
    return 1
