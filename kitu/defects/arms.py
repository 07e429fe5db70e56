"""A town's coat of arms for its public pages, uploaded by its administration: checked like citizens' photos
(type, file size, pixels and the memory decoding needs, from the header before any pixel is decoded), scaled
down and re-encoded as PNG, which keeps transparency and drops every metadata block. SVG is not accepted: a
drawing can carry scripts and links."""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from kitu.core.errors import DomainError

from .photos import decode_bytes

MAX_BYTES = 1024 * 1024  # as uploaded
MAX_PIXELS = 16_000_000  # refused before decoding
MAX_DECODE_BYTES = 32 * 1024 * 1024  # decoding plus one RGBA copy for the conversion (see clean)
MAX_EDGE = 400  # longest edge as stored
FORMATS = {"PNG", "JPEG", "WEBP"}


@dataclass(frozen=True)
class CleanArms:
    content: bytes
    width: int
    height: int


def _refuse(message: str, **values: object) -> DomainError:
    return DomainError(message % values, field="coat_of_arms")


def clean(upload: IO[bytes], *, name: str, size: int) -> CleanArms:
    """The uploaded coat of arms as a clean PNG of at most MAX_EDGE pixels, or a DomainError at the field."""
    if size > MAX_BYTES:
        raise _refuse(_("%(name)s ist größer als %(kb)s KB."), name=name, kb=MAX_BYTES // 1024)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)  # the header only
            if image.format not in FORMATS:
                raise _refuse(_("%(name)s ist kein Bild im Format PNG, JPEG oder WebP."), name=name)
            if image.width * image.height > MAX_PIXELS:
                raise _refuse(_("%(name)s hat zu viele Bildpunkte."), name=name)
            original_size = image.size
            if image.format == "JPEG":
                image.draft(None, (MAX_EDGE, MAX_EDGE))
            try:
                # decoding, plus the RGBA copy a palette or grey image becomes before it is scaled
                needed = decode_bytes(image, upload, original_size=original_size) + image.width * image.height * 4
            except ValueError:
                raise _refuse(
                    _("%(name)s hat ein Farbformat, das wir nicht annehmen (%(mode)s); bitte als PNG senden."),
                    name=name,
                    mode=image.mode,
                ) from None
            if needed > MAX_DECODE_BYTES:
                raise _refuse(
                    _("%(name)s ist zu groß zum Verarbeiten (%(needed)s MB Speicher, höchstens %(max)s MB)."),
                    name=name,
                    needed=math.ceil(needed / 2**20),
                    max=MAX_DECODE_BYTES // 2**20,
                )
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise _refuse(_("%(name)s ist kein lesbares Bild (PNG, JPEG oder WebP)."), name=name) from exc
    converted = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    del image
    converted.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    converted.info.clear()
    out = io.BytesIO()
    converted.save(out, "PNG", optimize=True)
    return CleanArms(out.getvalue(), converted.width, converted.height)
