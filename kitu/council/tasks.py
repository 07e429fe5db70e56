"""Mails of the council office: the invitation to a meeting (with the .ics and the public papers as PDF)
and its cancellation. What a mail shows is read through ``Visibility.public``: non-public agenda items
appear only with their number and a link to the councillors' area; their files are never attached."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import ics
from .models import File, FileRole, Meeting, Person
from .visibility import Visibility

# Attachments beyond this total go into the mail as links (mail servers refuse large mails).
MAX_ATTACHMENTS_BYTES = 15 * 1024 * 1024


def _absolute(name: str, args: list[Any], fallback: str) -> str:
    try:
        path = reverse(f"council:{name}", args=args)
    except NoReverseMatch:
        path = fallback
    return settings.KITU_BASE_URL.rstrip("/") + path


def public_papers_files(meeting: Meeting) -> list[File]:
    """The main PDF files of the papers on the meeting's public agenda items, as the public may see them."""
    visibility = Visibility.public(meeting.body)
    items = visibility.agenda_items().filter(meeting=meeting)
    return list(
        visibility.files()
        .filter(
            role=FileRole.MAIN,
            mime_type="application/pdf",
            paper__consultations__agenda_item__in=items,
            paper__consultations__deleted=False,
        )
        .distinct()
        .order_by("paper__consultations__agenda_item__order", "pk")
    )


def _context(meeting: Meeting) -> dict[str, Any]:
    body = meeting.body
    public_items = Visibility.public(body).agenda_items().filter(meeting=meeting).order_by("order")
    closed = meeting.agenda_items.filter(deleted=False, public=False).order_by("order")
    start = timezone.localtime(meeting.start)
    end = timezone.localtime(meeting.end) if meeting.end else None
    return {
        "meeting": meeting,
        "body": body,
        "date": f"{start:%d.%m.%Y}",
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}" if end else "",
        "where": ics.place(meeting.location),
        "public_items": list(public_items),
        "closed_numbers": [item.number for item in closed],
        "url": ics.meeting_url(meeting),
        "councillor_url": _absolute("councillor_home", [], "/ratsarbeit/"),
        "late_reason": meeting.invitation_late_reason if meeting.invitation_late else "",
    }


def _address(person: Person) -> str:
    if person.email:
        return person.email
    return person.user.email if person.user is not None and person.user.is_active else ""


def _send(meeting: Meeting, person_ids: list[int], kind: str, files: list[File]) -> int:
    context = _context(meeting)
    attached, linked, total = [], [], 0
    for f in files:
        if total + f.size <= MAX_ATTACHMENTS_BYTES:
            with f.content.open("rb") as handle:
                attached.append((f.file_name, handle.read(), f.mime_type))
            total += f.size
        else:
            linked.append((f.name, _absolute("file", [meeting.body.slug, f.pk, f.file_name], "")))
    context["attached"] = [name for name, _, _ in attached]
    context["linked"] = linked
    subject = " ".join(render_to_string(f"council/mail/{kind}_subject.txt", context).split())
    calendar = ics.calendar([meeting], visibility=Visibility.public(meeting.body))
    persons = Person.objects.filter(pk__in=person_ids, body=meeting.body).select_related("user").order_by("pk")
    messages = []
    for person in persons:
        address = _address(person)
        if not address:
            continue
        text = render_to_string(f"council/mail/{kind}.txt", {**context, "person": person})
        message = EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
        message.attach("sitzung.ics", calendar, "text/calendar; charset=utf-8; method=PUBLISH")
        for name, content, mime_type in attached:
            message.attach(name, content, mime_type)
        messages.append(message)
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


@shared_task
def send_invitation(meeting_id: int, person_ids: list[int]) -> int:
    """One invitation mail per person (addresses are not shared); returns the number sent."""
    meeting = Meeting.objects.select_related("body", "location").get(pk=meeting_id)
    return _send(meeting, person_ids, "invitation", public_papers_files(meeting))


@shared_task
def send_cancellation(meeting_id: int, person_ids: list[int]) -> int:
    meeting = Meeting.objects.select_related("body", "location").get(pk=meeting_id)
    return _send(meeting, person_ids, "cancellation", [])
