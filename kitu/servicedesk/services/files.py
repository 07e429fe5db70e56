"""Attachments: checked before anything is stored, with the generic upload checks of ``kitu.core.uploads``
(type sniffed from the content, PDFs without scripts or encryption, office files without macros, images
bounded) under the service desk's own size limit on the decoded bytes. Three ways in, one check: a page's
upload, the API's base64 (``decode``: the decoded size is computed from the text's length and refused
BEFORE anything is decoded) and the mail gateway (multipart files or the same base64 shape). A refusal
names the file."""

from __future__ import annotations

import base64
import binascii
import io
import re
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from kitu.core import uploads
from kitu.core.errors import DomainError
from kitu.servicedesk import conf
from kitu.servicedesk.models import Attachment, Comment, Ticket

MAX_FILES = 5
MAX_NAME = 200
BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


class Named(io.BytesIO):
    """Bytes with a name, read like an upload."""

    def __init__(self, content: bytes, name: str) -> None:
        super().__init__(content)
        self.name, self.size = name, len(content)


def _named_error(name: str, exc: DomainError, field: str) -> DomainError:
    return DomainError(_("„%(name)s“: %(error)s") % {"name": name or _("Datei"), "error": exc.message}, field=field)


def decode(name: str, data: str, *, field: str = "attachments") -> Named:
    """A base64 attachment (standard alphabet, padding, no line breaks). Its decoded size follows from the
    text's length: over the limit it is refused before a single byte is decoded."""
    limit = conf.max_upload_bytes()
    text = data.strip()
    if len(text) % 4 or not BASE64.fullmatch(text):
        raise DomainError(
            _("„%(name)s“: Der Inhalt ist kein gültiges Base64.") % {"name": name or _("Datei")}, field=field
        )
    decoded_size = len(text) // 4 * 3 - text[-2:].count("=")
    if decoded_size > limit:
        raise _named_error(name, uploads.too_large(limit), field)
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DomainError(
            _("„%(name)s“: Der Inhalt ist kein gültiges Base64.") % {"name": name or _("Datei")}, field=field
        ) from exc
    return Named(content, name)


def check(upload: Any, *, field: str = "file") -> uploads.Checked:
    name = str(getattr(upload, "name", "") or "")
    try:
        content = uploads.read_limited(upload, conf.max_upload_bytes())
        return uploads.check_content(content, name)
    except DomainError as exc:
        raise _named_error(name, exc, field) from exc


def check_all(uploads_in: list[Any], *, field: str = "file") -> list[uploads.Checked]:
    if len(uploads_in) > MAX_FILES:
        raise DomainError(_("Höchstens %(n)s Dateien je Nachricht.") % {"n": MAX_FILES}, field=field)
    return [check(upload, field=field) for upload in uploads_in]


def store(
    ticket: Ticket, comment: Comment | None, checked: list[uploads.Checked], actor: Any, *, internal: bool
) -> None:
    for item in checked:
        attachment = Attachment(
            ticket=ticket,
            comment=comment,
            file_name=item.file_name,
            mime_type=item.mime_type,
            size=item.size,
            is_internal=internal,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        attachment.file.save(item.file_name, ContentFile(item.content), save=False)
        attachment.save()
