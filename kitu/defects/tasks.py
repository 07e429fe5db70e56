"""Mails of the defect reporter (new report to the department, confirmation link and status changes to the
reporter) and the daily retention run."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from kitu.core.actors import SYSTEM

from .models import Report

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
    from .services import optin_code  # noqa: PLC0415 - services imports this module

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


@shared_task
def anonymise_expired() -> int:
    """Daily: anonymise the reports closed longer ago than their town keeps them."""
    from .retention import anonymise_expired as run  # noqa: PLC0415

    return run(actor=SYSTEM)
