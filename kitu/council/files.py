"""Checks of a file the council office uploads, before anything is stored (pure: no database, no storage).

The generic checks (type sniffed from the content, size counted on the bytes read, PDFs without scripts,
encryption or embedded files, office files without macros or ZIP bombs, images bounded) are in
``kitu.core.uploads``. The council's own part: its size limit (``KITU_COUNCIL_MAX_UPLOAD_BYTES``) and the
text of a PDF extracted for the full-text search within limits of pages, characters and time; pypdf limits
the memory of decompression itself (``pypdf.filters.ZLIB_MAX_OUTPUT_LENGTH`` …).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from kitu.core import uploads
from kitu.core.uploads import (
    CONTROL_CHARACTERS,
    DOCX,
    DOCX_MAIN,
    JPEG,
    ODT,
    PDF,
    PNG,
    XLSX,
    XLSX_MAIN,
    allowed_types_text,
    clean_file_name,
    sniff,
)

__all__ = [
    "DOCX",
    "DOCX_MAIN",
    "JPEG",
    "ODT",
    "PDF",
    "PNG",
    "XLSX",
    "XLSX_MAIN",
    "CheckedUpload",
    "allowed_types_text",
    "check_upload",
    "clean_file_name",
    "max_upload_bytes",
    "pdf_check_and_text",
    "sniff",
]

PDF_MAX_PAGES = 1000  # text is extracted from the first pages only
MAX_TEXT_CHARS = 200_000  # text kept for the search per file
PDF_TEXT_SECONDS = 10.0  # text extraction stops after this time (what was read so far is kept)


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    file_name: str  # the uploaded name (without path), its extension replaced by the sniffed type's
    mime_type: str
    size: int
    sha512: str
    text: str  # extracted for the search (PDF only; empty for other types)


def max_upload_bytes() -> int:
    return int(getattr(settings, "KITU_COUNCIL_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def check_upload(upload: Any) -> CheckedUpload:
    """Read and check an uploaded file (a Django ``UploadedFile`` or anything with ``read`` and ``name``);
    raises DomainError(field="file") with a message saying what is wrong and what is allowed."""
    content = uploads.read_limited(upload, max_upload_bytes())
    mime_type = sniff(content)
    if mime_type in (PNG, JPEG):
        uploads.check_image(content)
    text = pdf_check_and_text(content) if mime_type == PDF else ""
    return CheckedUpload(
        content=content,
        file_name=clean_file_name(getattr(upload, "name", "") or "", mime_type),
        mime_type=mime_type,
        size=len(content),
        sha512=hashlib.sha512(content).hexdigest(),
        text=text,
    )


def pdf_check_and_text(content: bytes) -> str:
    """Refuse an encrypted, broken or active PDF (``kitu.core.uploads.pdf_open``); return its text (limited)
    for the search."""
    with uploads.quiet_pypdf():
        pages, page_count = uploads.pdf_open(content)
        return _pdf_text(pages, page_count)


def _pdf_text(pages: Any, page_count: int) -> str:
    deadline = time.monotonic() + PDF_TEXT_SECONDS
    parts: list[str] = []
    total = 0
    for number in range(min(page_count, PDF_MAX_PAGES)):
        if time.monotonic() > deadline:
            break
        try:
            text = pages[number].extract_text() or ""
        except Exception:  # noqa: BLE001, S112 - a page whose text cannot be read adds nothing to the search
            continue
        text = CONTROL_CHARACTERS.sub(" ", text).strip()
        if not text:
            continue
        parts.append(text)
        total += len(text) + 1
        if total >= MAX_TEXT_CHARS:
            break
    return "\n".join(parts)[:MAX_TEXT_CHARS]
