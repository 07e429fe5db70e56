"""iCalendar (RFC 5545) for meetings: the attachment of invitations and the personal calendar feed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import Meeting

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//Kommunale IT-UNION eG//KITU-Plattform//DE"


def _event(meeting: Meeting) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@kitu-platform")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title if not meeting.group else f"{meeting.group.name}: {meeting.title}")
    place = meeting.place or meeting.video_url
    if place:
        event.add("location", place)
    url = settings.KITU_BASE_URL.rstrip("/") + reverse("workgroups:meeting", args=[meeting.pk])
    event.add("url", url)
    description = [meeting.agenda.strip()] if meeting.agenda.strip() else []
    if meeting.video_url:
        description.append(f"Videokonferenz: {meeting.video_url}")
    description.append(url)
    event.add("description", "\n\n".join(description))
    event.add("status", "CONFIRMED")
    return event


def calendar(meetings: Iterable[Meeting], *, name: str = "") -> bytes:
    """A calendar (METHOD:PUBLISH) with one event per meeting; imports into every calendar program."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(_event(meeting))
    return cal.to_ical()
