"""Mails of the defect reporter (new report to the department, confirmation link and status changes to the
reporter) and the daily retention run.

The department's mail of a new report goes through an outbox: the report is stored with
``department_mail_pending`` set, and ``send_new_report_mails`` sends the mails of all pending reports (a
sweep). After a report's commit ``queue_new_report_mails`` queues a sweep, at most one per web process every
SWEEP_WINDOW seconds: a sweep this process has queued and that has not started yet finds the report anyway,
so under load one Celery message carries the mails of many reports instead of one message each (queueing a
task cost a quarter of an Open311 POST's CPU). Beat sweeps every minute as well, which sends what a lost
message, a broker that did not answer or a failed mail left pending."""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse

from kitu.core.actors import SYSTEM

from .models import Report
from .optin import optin_code

SIGNATURE = "\nMit freundlichen Grüßen\n{town}\n(Mängelmelder auf der KITU-Plattform)\n"
NEW = (
    "Guten Tag,\n\nfür {town} ist eine neue Mängelmeldung eingegangen.\n\n"
    "Kategorie: {category}\nOrt: {place}\nBeschreibung:\n{description}\n\n"
    "Fotos: {photos}\nBearbeiten: {url}\n"
)
CONFIRM = (
    "Guten Tag,\n\nvielen Dank für Ihre Meldung „{category}“ an {town}.\n\n"
    "Bitte bestätigen Sie Ihre E-Mail-Adresse, damit wir Ihnen schreiben dürfen, wenn sich der Stand ändert:\n"
    "{confirm}\n\nDen Stand sehen Sie jederzeit hier: {track}\n\n"
    "Haben Sie nichts gemeldet, ignorieren Sie diese E-Mail; wir schreiben Ihnen dann nicht wieder.\n"
)
STATUS = (
    "Guten Tag,\n\nder Stand Ihrer Meldung „{category}“ hat sich geändert: {status}.\n\n"
    "Antwort der Stadtverwaltung:\n{notes}\n\nDetails: {track}\n"
)
SUBJECTS = {
    "new": "Neue Mängelmeldung {ref}: {category}",
    "confirm": "Bitte bestätigen Sie Ihre E-Mail-Adresse ({town})",
    "status": "Ihre Mängelmeldung: {status}",
}


def _url(name: str, *args: object) -> str:
    return settings.KITU_BASE_URL.rstrip("/") + reverse(name, args=args)


@shared_task
def send_report_mail(report_id: int, kind: str) -> int:
    """``new``: the category's department mailbox and case workers; ``confirm``: the opt-in link to the
    reporter; ``status``: the new status to a confirmed reporter. Returns the number of mails."""
    report = Report.objects.select_related("category", "service__member").get(pk=report_id)
    town = report.service.member.name
    track = _url("defects:track", report.service.slug, report.token)
    fields = {
        "town": town,
        "category": report.category.name,
        "ref": f"{report.service.slug}-{report.pk}",
        "status": report.get_status_display(),
    }
    if kind == "new":
        recipients = [report.category.department_email] + [
            u.email for u in report.category.case_workers.filter(is_active=True).order_by("pk")
        ]
        place = ", ".join(p for p in (report.address, f"{report.lat}, {report.lon}" if report.lat else "") if p)
        body = NEW.format(
            **fields,
            place=place,
            description=report.description,
            photos=report.photos.count(),
            url=_url("defects:case", report.pk),
        )
    elif kind == "confirm":
        if not report.email or report.email_confirmed_at:
            return 0
        recipients = [report.email]
        body = CONFIRM.format(**fields, confirm=_url("defects:confirm", optin_code(report)), track=track)
    else:
        if not report.email or not report.email_confirmed_at:
            return 0
        recipients = [report.email]
        body = STATUS.format(**fields, notes=report.status_notes or "–", track=track)
    subject = SUBJECTS[kind].format(**fields)
    messages = [
        EmailMessage(subject, body + SIGNATURE.format(town=town), settings.DEFAULT_FROM_EMAIL, [address])
        for address in dict.fromkeys(recipients)
    ]
    get_connection().send_messages(messages)
    return len(messages)


SWEEP_WINDOW = 1.0  # seconds: the longest a department mail waits for its sweep to be queued
logger = logging.getLogger(__name__)
_sweep_due = 0.0  # when (time.time()) the latest sweep this process queued is due to start


def queue_new_report_mails() -> None:
    """After a new report's commit: make sure a sweep starts after now. A sweep this process queued that is
    not due yet will find the report; else one is queued, due now or SWEEP_WINDOW after the previous one.
    Tasks run eagerly (no broker: tests, the local demo): the sweep runs at once, every time. A broker that
    does not answer is logged, not raised (the report is stored; beat's sweep sends its mail)."""
    global _sweep_due  # per process on purpose: no shared state, no I/O per report
    if settings.CELERY_TASK_ALWAYS_EAGER:
        send_new_report_mails.delay()
        return
    now = time.time()
    if now < _sweep_due <= now + SWEEP_WINDOW:
        return
    due = max(now, _sweep_due + SWEEP_WINDOW) if _sweep_due <= now else now  # (a clock set back: at once)
    try:
        send_new_report_mails.apply_async(countdown=due - now if due > now else None)
    except Exception:  # the report is stored; beat's sweep sends the mail
        logger.exception("could not queue the sweep of new report mails")
        return
    _sweep_due = due


@shared_task
def send_new_report_mails() -> int:
    """The sweep: the department mail of every report stored with ``department_mail_pending``, oldest
    first, one report per transaction. The report's row is claimed (``SKIP LOCKED``: sweeps running at once
    share the work, none sends a mail twice) and stays locked while its mail goes out; it leaves the outbox in
    the same transaction, so a sweep that dies while sending leaves it pending for the next (at least once).
    A mail that fails is logged, stays pending and is tried by the next sweep, not again in this one.
    Returns the number of mails."""
    sent, after = 0, 0
    while True:
        with transaction.atomic():
            report_id = (
                Report.objects.select_for_update(skip_locked=True)
                .filter(department_mail_pending=True, pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            if report_id is None:
                return sent
            after = report_id
            try:
                with transaction.atomic():  # a savepoint: a failed mail's own queries do not break the claim
                    sent += send_report_mail(report_id, "new")
            except Exception:  # one mail must not hold back the others
                logger.exception("department mail of report %s failed; pending again", report_id)
                continue
            Report.objects.filter(pk=report_id).update(department_mail_pending=False)


@shared_task
def anonymise_expired() -> int:
    """Daily: anonymise the reports closed longer ago than their town keeps them."""
    from .retention import anonymise_expired as run  # noqa: PLC0415

    return run(actor=SYSTEM)
