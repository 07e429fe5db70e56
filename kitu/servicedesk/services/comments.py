"""Replies and internal notes on a ticket; canned replies; time recorded per ticket."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.servicedesk import tasks
from kitu.servicedesk.models import Channel, Comment, Status, Ticket, TimeEntry
from kitu.servicedesk.policies import is_desk_staff

from . import clock, files
from .tickets import MAX_TEXT, _lock, _name, _text, transition

CLOSED = (Status.CLOSED, Status.MERGED)


def comment_add(
    *,
    actor: Any,
    ticket: Ticket,
    body: str,
    internal: bool = False,
    channel: str = Channel.PAGE,
    uploads: list[Any] | None = None,
    upload_field: str = "file",
    now: dt.datetime | None = None,
) -> Comment:
    """A public reply or (staff only) an internal note. The desk's first public reply stops the response clock;
    a member's reply to a ticket waiting for them sets it in progress again (the clock runs on)."""
    staff = is_desk_staff(actor)
    if internal and not staff:
        raise PermissionDenied(_("Interne Notizen schreibt nur der Servicedesk."), field="internal")
    text = _text(body, "body", MAX_TEXT, _("Bitte schreiben Sie eine Nachricht."))
    checked = files.check_all(uploads or [], field=upload_field)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(ticket)
        if locked.status in CLOSED:
            raise DomainError(_("Das Ticket ist abgeschlossen; bitte melden Sie ein neues."), field="body")
        comment = Comment.objects.create(
            ticket=locked, author=actor, author_name=_name(actor), body=text, is_internal=internal, channel=channel
        )
        files.store(locked, comment, checked, actor, internal=internal)
        if staff and not internal and locked.first_response_at is None:
            locked.first_response_at = now
            locked.save(update_fields=["first_response_at", "updated_at"])
            clock.record_response_breach(locked, now)
        audit.record(actor=actor, instance=locked, action="update", after={"comment": comment.pk, "internal": internal})
        if staff and not internal:
            transaction.on_commit(partial(tasks.send_reply_mail.delay, comment.pk))
    if not staff and locked.status == Status.WAITING:
        transition(
            actor=actor,
            ticket=locked,
            to_status=Status.IN_PROGRESS,
            note=_("Antwort des Mitglieds"),
            now=now,
            by_system=True,
        )
    return comment


@transaction.atomic
def time_record(
    *, actor: Any, ticket: Ticket, minutes: int, worked_on: dt.date, billable: bool = True, note: str = ""
) -> TimeEntry:
    if not is_desk_staff(actor):
        raise PermissionDenied(_("Zeiten erfasst der Servicedesk."))
    if not 1 <= minutes <= 24 * 60:
        raise DomainError(_("Bitte 1 bis 1440 Minuten angeben."), field="minutes")
    if worked_on > timezone.localdate():
        raise DomainError(_("Zeiten lassen sich nicht für die Zukunft erfassen."), field="worked_on")
    entry = TimeEntry.objects.create(
        ticket=ticket,
        user=actor,
        worked_on=worked_on,
        minutes=minutes,
        billable=billable,
        note=(note or "").strip()[:200],
    )
    audit.record(actor=actor, instance=entry, action="create", after={"minutes": minutes, "billable": billable})
    return entry
