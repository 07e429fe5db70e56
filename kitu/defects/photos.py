"""Citizens' photos: checked (type, size, pixels), turned upright, scaled down and re-encoded as JPEG, which
drops every metadata block (EXIF with GPS position and camera serial, XMP, IPTC, comments)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kitu.core.errors import DomainError

MAX_PHOTOS = 3
MAX_BYTES = 10 * 1024 * 1024  # per photo as uploaded
MAX_PIXELS = 50_000_000  # larger images are refused before decoding (decompression bombs)
MAX_EDGE = 1600  # longest edge after scaling
FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    width: int
    height: int


def clean(upload: IO[bytes], *, name: str, size: int) -> CleanPhoto:
    """One uploaded photo as a clean JPEG, or a DomainError naming the file and what is wrong."""
    if size > MAX_BYTES:
        raise DomainError(
            _("%(name)s ist größer als %(mb)s MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}, field="photos"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in FORMATS:
                raise DomainError(
                    _("%(name)s ist kein Foto im Format JPEG, PNG oder WebP.") % {"name": name}, field="photos"
                )
            if image.width * image.height > MAX_PIXELS:
                raise DomainError(_("%(name)s hat zu viele Bildpunkte.") % {"name": name}, field="photos")
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise DomainError(
            _("%(name)s ist kein lesbares Foto (JPEG, PNG oder WebP).") % {"name": name}, field="photos"
        ) from exc
    upright: Image.Image = ImageOps.exif_transpose(
        image
    )  # the camera's orientation becomes the pixels' before EXIF goes
    upright.thumbnail((MAX_EDGE, MAX_EDGE))
    if upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    upright.info.clear()  # Pillow would carry a JPEG comment (and other blocks) of the original over
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=82, optimize=True)
    return CleanPhoto(out.getvalue(), upright.width, upright.height)


def clean_all(uploads: list[tuple[IO[bytes], str, int]]) -> list[CleanPhoto]:
    """All photos of one report (file, name, size), checked before anything is stored."""
    if len(uploads) > MAX_PHOTOS:
        raise DomainError(_("Höchstens %(n)s Fotos je Meldung.") % {"n": MAX_PHOTOS}, field="photos")
    return [clean(upload, name=name, size=size) for upload, name, size in uploads]
