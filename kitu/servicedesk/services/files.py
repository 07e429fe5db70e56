"""Attachments: checked before anything is stored, with the upload checks of kitu.council.files (type sniffed from
the content, PDFs without scripts, office files without macros, images bounded) under the service desk's own
size limit on the bytes actually read."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from kitu.core.errors import DomainError
from kitu.council import files as upload_checks
from kitu.servicedesk import conf
from kitu.servicedesk.models import Attachment, Comment, Ticket

MAX_FILES = 5


class _Named(io.BytesIO):
    def __init__(self, content: bytes, name: str) -> None:
        super().__init__(content)
        self.name, self.size = name, len(content)


def check(upload: Any) -> upload_checks.CheckedUpload:
    limit = conf.max_upload_bytes()
    too_large = _("Die Datei ist zu groß: höchstens %(mb)s MB sind erlaubt.") % {"mb": limit // (1024 * 1024)}
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise DomainError(too_large, field="file")
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1)
    if isinstance(content, bytes) and len(content) > limit:
        raise DomainError(too_large, field="file")
    return upload_checks.check_upload(
        _Named(content if isinstance(content, bytes) else b"", getattr(upload, "name", ""))
    )


def check_all(uploads: list[Any]) -> list[upload_checks.CheckedUpload]:
    if len(uploads) > MAX_FILES:
        raise DomainError(_("Höchstens %(n)s Dateien je Nachricht.") % {"n": MAX_FILES}, field="file")
    return [check(upload) for upload in uploads]


def store(
    ticket: Ticket, comment: Comment | None, checked: list[upload_checks.CheckedUpload], actor: Any, *, internal: bool
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
