"""SLA warnings and breaches mailed once each, besides the task inbox: to the ticket's assignee, else to the
members of its team. Run after each ``refresh`` (Celery beat ``servicedesk-sla``) and picks up the breaches
recorded at once by a late reply too. Each event is mailed once: it is locked (``skip_locked``, so a second
run at the same time takes other rows), mailed and marked ``mailed_at`` in one short transaction; events of
tickets no longer running are marked without a mail."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from kitu.servicedesk.models import SlaEvent, Status, Ticket

BATCH = 200
RUNNING = (Status.NEW, Status.IN_PROGRESS)


def recipients(ticket: Ticket) -> list[str]:
    if ticket.assignee is not None and ticket.assignee.is_active and ticket.assignee.email:
        return [ticket.assignee.email]
    if ticket.team is None:
        return []
    return sorted(ticket.team.members.filter(is_active=True).exclude(email="").values_list("email", flat=True))


def _message(event: SlaEvent, to: list[str]) -> EmailMessage:
    ticket = event.ticket
    url = f"{settings.KITU_BASE_URL.rstrip('/')}/servicedesk/tickets/{ticket.pk}/"
    context = {"event": event, "ticket": ticket, "url": url}
    subject = " ".join(render_to_string("servicedesk/mail/sla_subject.txt", context).split())[:250]
    body = render_to_string("servicedesk/mail/sla.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def send_pending(*, now: dt.datetime | None = None) -> int:
    """Mail every event not mailed yet (at most ``BATCH`` per call); returns the number of mails sent."""
    now = now or timezone.now()
    with transaction.atomic():
        events = list(
            SlaEvent.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(mailed_at__isnull=True)
            .select_related("ticket__assignee", "ticket__team", "ticket__member")
            .order_by("at", "pk")[:BATCH]
        )
        messages = []
        for event in events:
            to = recipients(event.ticket) if event.ticket.status in RUNNING else []
            if to:
                messages.append(_message(event, to))
        if messages:
            get_connection().send_messages(messages)
        SlaEvent.objects.filter(pk__in=[event.pk for event in events]).update(mailed_at=now)
    return len(messages)
