"""Template helpers of the council pages: the download address of a file, dates in words."""

from __future__ import annotations

import datetime as dt

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Body, File

register = template.Library()


@register.simple_tag
def file_url(body: Body, file: File) -> str:
    """The one download address of a file (``council:file``); the name in it is only for the reader."""
    name = "".join("_" if ch in "/\\" or ord(ch) < 32 else ch for ch in file.file_name).strip() or "datei"
    return reverse("council:file", args=[body.slug, file.pk, name])


KINDS = {
    "application/pdf": "PDF",
    "application/vnd.oasis.opendocument.text": "OpenDocument-Text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "image/png": "PNG-Bild",
    "image/jpeg": "JPEG-Bild",
}


@register.filter
def file_kind(mime_type: str) -> str:
    """The kind of a file in words ("PDF", "Word") instead of its MIME type."""
    return KINDS.get(mime_type, _("Datei"))


@register.filter
def when(value: dt.datetime | None) -> str:
    """ "Donnerstag, 12. März 2026, 17:00 Uhr" in the local time."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(day)s, %(time)s Uhr") % {"day": date_format(local, "l, j. F Y"), "time": date_format(local, "H:i")}


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    """ "12. März 2026"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return date_format(value, "j. F Y")
