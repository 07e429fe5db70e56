"""iCalendar (RFC 5545) for council meetings: the attachment of invitations and cancellations, and the
public calendar feed of a town. What an event tells (agenda items) is read through ``Visibility``: pass
the reader's visibility; without one, each meeting is shown as the public sees it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import Location, Meeting
from .visibility import Visibility

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//Kommunale IT-UNION eG//KITU-Ratsinformationssystem//DE"
DEFAULT_LENGTH = dt.timedelta(hours=3)


def meeting_url(meeting: Meeting) -> str:
    """The meeting's public page (absolute)."""
    try:
        path = reverse("council:meeting", args=[meeting.body.slug, meeting.pk])
    except NoReverseMatch:  # the public pages are not mounted (yet)
        path = f"/rat/{meeting.body.slug}/sitzungen/{meeting.pk}/"
    return settings.KITU_BASE_URL.rstrip("/") + path


def place(location: Location | None) -> str:
    if location is None or location.deleted:
        return ""
    street = " ".join(p for p in (location.postal_code, location.locality) if p)
    return ", ".join(p for p in (location.description, location.room, location.street_address, street) if p)


def meeting_event(meeting: Meeting, visibility: Visibility | None = None) -> Event:
    """One VEVENT: time, place, state and the agenda items ``visibility`` may see."""
    from icalendar import Event  # noqa: PLC0415 (loaded on first use, see pyproject.toml)

    visibility = visibility or Visibility.public(meeting.body)
    event = Event()
    event.add("uid", f"council-meeting-{meeting.pk}@kitu-platform")
    event.add("dtstamp", timezone.now())
    event.add("last-modified", meeting.modified)
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.end or meeting.start + DEFAULT_LENGTH)
    event.add("summary", f"{meeting.name} (abgesagt)" if meeting.cancelled else meeting.name)
    where = place(meeting.location)
    if where:
        event.add("location", where)
    url = meeting_url(meeting)
    event.add("url", url)
    items = visibility.agenda_items().filter(meeting=meeting).order_by("order")
    lines = [f"{item.number}. {item.name}" if item.public else f"{item.number}. (nichtöffentlich)" for item in items]
    description = ["Tagesordnung:\n" + "\n".join(lines)] if lines else []
    description.append(url)
    event.add("description", "\n\n".join(description))
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    return event


def calendar(meetings: Iterable[Meeting], name: str = "", visibility: Visibility | None = None) -> bytes:
    """A calendar (METHOD:PUBLISH) with one event per meeting; imports into every calendar program."""
    from icalendar import Calendar  # noqa: PLC0415 (loaded on first use)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, visibility))
    return cal.to_ical()
