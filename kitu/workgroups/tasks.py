"""Mails of the working groups, each with the meeting as an .ics attachment: invitations, registration
confirmations, the waiting list and moving up from it."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone

from kitu.accounts.models import User

from . import ics
from .models import Meeting

SUBJECTS = {
    "invitation": "Einladung: {title} am {date}",
    "registered": "Anmeldung bestätigt: {title} am {date}",
    "waiting": "Warteliste: {title} am {date}",
    "moved_up": "Nachgerückt – Ihr Platz: {title} am {date}",
}
LEADS = {
    "invitation": "wir laden Sie herzlich ein. Bitte melden Sie sich über die Plattform an, damit wir planen können.",
    "registered": "Ihre Anmeldung ist eingegangen; Sie haben einen Platz.",
    "waiting": "alle Plätze sind vergeben; Sie stehen auf der Warteliste und rücken automatisch nach, "
    "wenn jemand absagt. Wir schreiben Ihnen dann.",
    "moved_up": "jemand hat abgesagt: Sie sind von der Warteliste nachgerückt und haben jetzt einen Platz.",
}
BODY = (
    "Guten Tag,\n\n{lead}\n\n"
    "{title}\n"
    "Zeit: {date}, {start}–{end} Uhr\n"
    "{where}"
    "Anmeldung und Details: {url}\n\n"
    "{agenda}"
    "Den Termin für Ihren Kalender finden Sie im Anhang (termin.ics).\n\n"
    "Mit freundlichen Grüßen\nIhre Geschäftsstelle der Kommunalen IT-UNION eG\n"
)


@shared_task
def send_meeting_mails(meeting_id: int, user_ids: list[int], kind: str) -> int:
    """One mail per recipient (addresses are not shared); returns the number sent."""
    meeting = Meeting.objects.select_related("group").get(pk=meeting_id)
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    where = "".join(
        f"{label}: {value}\n"
        for label, value in (("Ort", meeting.place), ("Videokonferenz", meeting.video_url))
        if value and (label == "Ort" or kind != "waiting")
    )
    body = BODY.format(
        lead=LEADS[kind],
        title=meeting.title if not meeting.group else f"{meeting.group.name}: {meeting.title}",
        date=f"{start:%d.%m.%Y}",
        start=f"{start:%H:%M}",
        end=f"{end:%H:%M}",
        where=where,
        url=settings.KITU_BASE_URL.rstrip("/") + reverse("workgroups:meeting", args=[meeting.pk]),
        agenda=f"Tagesordnung:\n{meeting.agenda.strip()}\n\n" if meeting.agenda.strip() else "",
    )
    subject = SUBJECTS[kind].format(title=meeting.title, date=f"{start:%d.%m.%Y}")
    attachment = ics.calendar([meeting])
    messages = []
    for email in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk").values_list("email", flat=True):
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        message.attach("termin.ics", attachment, "text/calendar; charset=utf-8; method=PUBLISH")
        messages.append(message)
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
