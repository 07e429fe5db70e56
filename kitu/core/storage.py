"""Uploaded files in local storage or an S3-compatible object store, served only after a permission check.

Where uploads live is a setting (``STORAGES["default"]``, built from ``KITU_S3_*`` in config/settings/base.py):
local files under ``MEDIA_ROOT`` unless ``KITU_S3_BUCKET`` is set. Code never asks a stored file for its
``.path`` (an object store has none) and never puts ``.url`` into a page (``MEDIA_URL`` is not served, and an
object store's address would skip the permission check). Every download goes through a view that checks
the reader's right first and then calls one of:

- ``stream(file, …)``: the view reads the file from the storage and sends it itself. For images shown in our
  pages (the CSP allows images from our own origin only), small files, public files whose answer carries our
  own headers (ETag, ``Content-Security-Policy: sandbox``) and everything on local storage.
- ``hand_over(file, …)``: for document downloads (attachments). On an object store the answer is a redirect to
  a signed URL that expires after ``KITU_S3_URL_SECONDS`` (default 60) and makes the store answer with our
  file name and type as an attachment; the web process does not carry the bytes. On local storage it streams.
  Only ever called after the check, so a reader without the right never sees a URL.
- ``local_copy(name)``: a local path to a stored file for code that needs one (the BMEcat importer reads
  with lxml's iterparse from a path); a temporary copy when the storage has no paths.
"""

from __future__ import annotations

import mimetypes
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect
from django.utils.http import content_disposition_header

SIGNED_DEFAULT_SECONDS = 60


def has_paths(storage: Storage) -> bool:
    """Whether files of this storage live on the local disk (``storage.path`` works)."""
    try:
        storage.path("x")
    except NotImplementedError:
        return False
    return True


def signs_urls(storage: Storage) -> bool:
    """Whether the storage is an object store that issues signed, expiring URLs (django-storages' S3)."""
    return not has_paths(storage) and getattr(storage, "querystring_auth", False) is True


def file_name(file: FieldFile) -> str:
    """The stored file's own name without the folders, for Content-Disposition."""
    return PurePath(file.name or "").name or "datei"


def stream(
    file: FieldFile,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    as_attachment: bool = True,
    cache_control: str = "private, no-cache",
) -> FileResponse:
    """The file's bytes through this process, from any storage. Raises ``FileNotFoundError`` when the
    stored object is gone (callers answer 404)."""
    handle = file.open("rb")
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=filename or file_name(file),
        content_type=content_type or _guess_type(filename or file_name(file)),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response


def hand_over(file: FieldFile, *, filename: str | None = None, content_type: str | None = None) -> HttpResponseBase:
    """A document as an attachment for a reader whose right was checked: a redirect to a short-lived signed
    URL on an object store, else streamed. The signed URL makes the store answer with our name and type."""
    name = filename or file_name(file)
    kind = content_type or _guess_type(name)
    storage = file.storage
    if not signs_urls(storage):
        return stream(file, filename=name, content_type=kind)
    seconds = int(getattr(settings, "KITU_S3_URL_SECONDS", SIGNED_DEFAULT_SECONDS))
    url = storage.url(  # type: ignore[call-arg]  # S3Storage.url takes parameters and expire
        file.name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(True, name) or "attachment",
            "ResponseContentType": kind,
        },
        expire=seconds,
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"  # the URL itself is a short-lived credential
    response["Referrer-Policy"] = "no-referrer"
    return response


@contextmanager
def local_copy(name: str, storage: Storage | None = None) -> Iterator[Path]:
    """A path on the local disk with the stored file's content while the block runs."""
    storage = storage or default_storage
    if has_paths(storage):
        yield Path(storage.path(name))
        return
    suffix = PurePath(name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix, prefix="kitu-") as target:
        with storage.open(name, "rb") as source:
            shutil.copyfileobj(source, target, 1024 * 1024)
        target.flush()
        yield Path(target.name)


def _guess_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(head: bytes) -> str | None:
    """The image type by content (never by name or by what the uploader said), or None for anything else."""
    for signature, kind in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def stream_image(file: FieldFile, *, cache_control: str = "private, max-age=3600") -> FileResponse | None:
    """An image for an ``<img>`` of our pages, streamed with its type taken from its content; None when the
    stored file is no PNG, JPEG, GIF or WebP (callers answer 404). Raises ``FileNotFoundError`` when gone."""
    handle = file.open("rb")
    head = handle.read(12)
    kind = image_type(head)
    if kind is None:
        handle.close()
        return None
    handle.seek(0)
    response = FileResponse(handle, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = cache_control
    return response
