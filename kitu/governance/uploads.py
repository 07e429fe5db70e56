"""Uploaded documents of the governance (authority, agenda documents, signed minutes): type by content, size
limited by the decoded bytes, not by what the browser claims."""

from __future__ import annotations

import re

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from kitu.core.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
UNSAFE = re.compile(r"[^A-Za-z0-9ÄÖÜäöüß._ -]+")


def read_pdf(upload: UploadedFile | None, *, field: str, max_bytes: int = MAX_BYTES) -> ContentFile[bytes]:
    """The upload as a PDF file ready to save, or a DomainError naming ``field``. Reads at most ``max_bytes``
    + 1 bytes; the type is the content's (``%PDF-``), never the name's or the browser's."""
    if upload is None:
        raise DomainError(_("Bitte eine PDF-Datei hochladen."), field=field)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise DomainError(_("Die Datei ist größer als %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}, field=field)
    if not content.startswith(PDF_MAGIC):
        raise DomainError(_("Die Datei ist keine PDF-Datei."), field=field)
    stem = UNSAFE.sub("_", (upload.name or "").rsplit("/", 1)[-1]).strip(" ._")
    stem = (stem.rsplit(".", 1)[0] if "." in stem else stem)[:100] or _("Dokument")
    return ContentFile(content, name=f"{stem}.pdf")
