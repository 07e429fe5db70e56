"""Generic checks of an uploaded file before anything is stored (pure: no database, no storage), used by
every app that takes files (council documents, service desk attachments).

The type is sniffed from the content: the browser's content type and the file's extension are not trusted,
and the stored name gets the extension of the sniffed type. Allowed are PDF, ODT, DOCX, XLSX, PNG and JPEG.
The size is counted on the bytes actually read (at most ``limit + 1`` are read). A PDF is opened with pypdf
and refused when it is encrypted, broken, or carries JavaScript, automatic actions, launch actions or
embedded files. Office files are ZIP archives: refused when the archive would unpack to far more than it
weighs (a ZIP bomb), when it holds macros, or when its declared content type is not the one of a text
document or spreadsheet. Images are verified and bounded in pixels. What an app does with a checked file
(text for a search, its own limit) stays in the app.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kitu.core.errors import DomainError

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"
EXTENSIONS = {PDF: ".pdf", ODT: ".odt", DOCX: ".docx", XLSX: ".xlsx", PNG: ".png", JPEG: ".jpg"}

# The main part of a Word document or Excel workbook in [Content_Types].xml (the macro-enabled variants
# .docm/.xlsm declare other types and are refused).
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNPACKED = 500 * 1024 * 1024  # declared sizes of all entries together
ZIP_MAX_RATIO = 100  # unpacked / packed
ZIP_PART_READ = 1024 * 1024  # read at most this much of [Content_Types].xml
MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|^(Basic|Scripts)/", re.IGNORECASE)

IMAGE_MAX_PIXELS = 50_000_000
PDF_MAX_OBJECTS = 200_000  # objects of the structure walked when looking for scripts

# Keys of a PDF dictionary that run something or carry files: JavaScript (/JS, the document's /JavaScript
# name tree), additional actions on events (/AA), embedded files, XFA forms (they carry scripts) and
# rich media (Flash).
PDF_SCRIPT_KEYS = {"/JS", "/JavaScript", "/AA"}
PDF_FILE_KEYS = {"/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA"}
# Action types (/S) that run programs, scripts or send data.
PDF_SCRIPT_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute", "/GoToE"}

# Characters the text of a file may not keep: C0 controls but tab and line breaks (PostgreSQL refuses NUL),
# lone surrogates and non-characters.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
NAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
MAX_NAME = 200


@dataclass(frozen=True)
class Checked:
    content: bytes
    file_name: str  # the uploaded name (without path), its extension replaced by the sniffed type's
    mime_type: str
    size: int
    sha512: str


def allowed_types_text() -> str:
    return _("Erlaubt sind PDF, ODT (OpenDocument-Text), DOCX (Word), XLSX (Excel), PNG und JPEG.")


def size_text(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n} Bytes"


def too_large(limit: int) -> DomainError:
    return DomainError(
        _("Die Datei ist zu groß: höchstens %(limit)s sind erlaubt.") % {"limit": size_text(limit)}, field="file"
    )


def read_limited(upload: Any, limit: int) -> bytes:
    """At most ``limit`` bytes of ``upload`` (a declared larger size is refused before reading)."""
    if upload is None:
        raise DomainError(_("Bitte wählen Sie eine Datei aus."), field="file")
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise too_large(limit)
    try:
        if hasattr(upload, "seek"):
            upload.seek(0)
        content = upload.read(limit + 1)
    except (OSError, ValueError) as exc:
        raise DomainError(_("Die Datei konnte nicht gelesen werden."), field="file") from exc
    if not isinstance(content, bytes):
        raise DomainError(_("Die Datei konnte nicht gelesen werden."), field="file")
    if len(content) > limit:
        raise too_large(limit)
    if not content:
        raise DomainError(_("Die Datei ist leer."), field="file")
    return content


def check(upload: Any, *, limit: int) -> Checked:
    """Read and check an uploaded file (a Django ``UploadedFile`` or anything with ``read`` and ``name``);
    raises DomainError(field="file") saying what is wrong and what is allowed."""
    content = read_limited(upload, limit)
    return check_content(content, getattr(upload, "name", "") or "")


def check_content(content: bytes, name: str) -> Checked:
    """The checks of :func:`check` on bytes already read and limited."""
    if not content:
        raise DomainError(_("Die Datei ist leer."), field="file")
    mime_type = sniff(content)
    if mime_type in (PNG, JPEG):
        check_image(content)
    if mime_type == PDF:
        with quiet_pypdf():
            pdf_open(content)
    return Checked(
        content=content,
        file_name=clean_file_name(name, mime_type),
        mime_type=mime_type,
        size=len(content),
        sha512=hashlib.sha512(content).hexdigest(),
    )


def clean_file_name(name: str, mime_type: str) -> str:
    """The uploaded name without directories and unsafe characters, with the extension of the real type."""
    base = re.split(r"[/\\]", name)[-1]
    base = CONTROL_CHARACTERS.sub("", NAME_UNSAFE.sub("_", base)).strip(" ._")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem.strip(" ._")[:MAX_NAME] or _("Datei")
    return stem + EXTENSIONS[mime_type]


def sniff(content: bytes) -> str:
    """The MIME type of ``content`` from its first bytes (and, for office files, the archive's parts)."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return office_type(content)
    raise DomainError(_("Dieser Dateityp ist nicht erlaubt.") + " " + allowed_types_text(), field="file")


def check_image(content: bytes) -> None:
    """A PNG or JPEG must be one: its structure is checked (without decoding the pixels) and its size bounded
    (a "decompression bomb" of a few KB can unpack to gigabytes in a reader's browser)."""
    from PIL import Image  # noqa: PLC0415 - loaded on first use

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
                width, height = image.size
    except Exception as exc:
        raise DomainError(
            _("Das Bild ist beschädigt oder zu groß und kann nicht angenommen werden."), field="file"
        ) from exc
    if width * height > IMAGE_MAX_PIXELS:
        raise DomainError(_("Das Bild ist zu groß (zu viele Bildpunkte)."), field="file")


def office_type(content: bytes) -> str:
    not_office = DomainError(
        _("Die Datei ist ein ZIP-Archiv, aber kein Text- oder Tabellendokument.") + " " + allowed_types_text(),
        field="file",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                raise not_office
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > ZIP_MAX_UNPACKED or unpacked > ZIP_MAX_RATIO * max(len(content), 1):
                raise DomainError(
                    _("Die Datei würde beim Entpacken ungewöhnlich groß (ZIP-Bombe?) und wird nicht angenommen."),
                    field="file",
                )
            names = [entry.filename for entry in entries]
            if any(MACRO_PARTS.search(name) for name in names):
                raise DomainError(
                    _("Das Dokument enthält Makros. Bitte speichern Sie es ohne Makros (als DOCX, XLSX oder ODT)."),
                    field="file",
                )
            if names and names[0] == "mimetype":
                with archive.open(entries[0]) as part:
                    if part.read(200).strip() == ODT.encode():
                        return ODT
                raise not_office
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as part:
                    types = part.read(ZIP_PART_READ)
                if DOCX_MAIN in types:
                    return DOCX
                if XLSX_MAIN in types:
                    return XLSX
    except DomainError:
        raise
    except Exception as exc:
        raise DomainError(
            _("Die Datei ist beschädigt und kann nicht gelesen werden.") + " " + allowed_types_text(), field="file"
        ) from exc
    raise not_office


@contextlib.contextmanager
def quiet_pypdf() -> Iterator[None]:
    """A damaged file's warnings are not the operator's business."""
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        pypdf_log.setLevel(level)


def pdf_open(content: bytes) -> tuple[Any, int]:
    """Refuse an encrypted, broken or active PDF; return its pages and their number (call inside
    :func:`quiet_pypdf`)."""
    from pypdf import PdfReader  # noqa: PLC0415 - loaded on first use, like the other heavy libraries

    broken = DomainError(
        _("Die PDF-Datei ist beschädigt und kann nicht gelesen werden. Bitte speichern Sie sie neu als PDF."),
        field="file",
    )
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:
        raise broken from exc
    if encrypted:
        raise DomainError(
            _(
                "Die PDF-Datei ist verschlüsselt oder mit einem Kennwort geschützt. Bitte laden Sie sie "
                "ohne Verschlüsselung hoch, damit alle sie lesen und durchsuchen können."
            ),
            field="file",
        )
    try:
        finding = active_content(reader)
        pages = reader.pages
        page_count = len(pages)
    except DomainError:
        raise
    except Exception as exc:
        raise broken from exc
    if finding == "script":
        raise DomainError(
            _(
                "Die PDF-Datei enthält JavaScript oder Aktionen, die beim Öffnen ausgeführt werden. Solche "
                "Dateien werden aus Sicherheitsgründen nicht angenommen. Bitte erzeugen Sie das PDF neu "
                "(z. B. „Drucken als PDF“)."
            ),
            field="file",
        )
    if finding == "file":
        raise DomainError(
            _(
                "Die PDF-Datei enthält eingebettete Dateien, Multimedia oder ein XFA-Formular. Solche Dateien "
                "werden aus Sicherheitsgründen nicht angenommen. Bitte laden Sie Anlagen als eigene Dateien hoch."
            ),
            field="file",
        )
    if page_count == 0:
        raise broken
    return pages, page_count


def active_content(reader: Any) -> str | None:
    """ "script" or "file" when the document's structure (walked from the trailer, every object once) holds
    scripts, automatic actions or embedded files; None when it holds none."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject  # noqa: PLC0415

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise DomainError(
                _("Die PDF-Datei ist zu komplex aufgebaut, um sie zu prüfen. Bitte speichern Sie sie neu als PDF."),
                field="file",
            )
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            stack.append(node.get_object())
        elif isinstance(node, DictionaryObject):  # stream objects are dictionaries too
            for name, value in dict.items(node):
                if name in PDF_SCRIPT_KEYS:
                    return "script"
                if name in PDF_FILE_KEYS:
                    return "file"
                if isinstance(value, NameObject):
                    if name == "/S" and value in PDF_SCRIPT_ACTIONS:
                        return "script"
                    if (name == "/Type" and value == "/EmbeddedFile") or (
                        name == "/Subtype" and value in {"/FileAttachment", "/RichMedia", "/Movie", "/Sound"}
                    ):
                        return "file"
                elif isinstance(value, (DictionaryObject, ArrayObject, IndirectObject)):
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            for value in node:
                if isinstance(value, (DictionaryObject, ArrayObject, IndirectObject)):
                    stack.append(value)
    return None
