"""Citizens' photos: checked (type, size, pixels, memory needed to decode), scaled down, turned upright and
re-encoded as JPEG, which drops every metadata block (EXIF with GPS position and camera serial, XMP, IPTC,
comments).

Anyone may upload, so the memory a photo needs is bounded before it is decoded: ``Image.open`` reads only
the header, and from its size and mode :func:`decode_bytes` tells what decoding will hold. A JPEG is decoded
at a reduced scale right away (``Image.draft``: libjpeg scales by 1/2, 1/4 or 1/8 while decoding), so a large
camera photo costs a fraction of its full size; a progressive JPEG (or one whose first scan lacks components)
also makes libjpeg keep the coefficients of the whole image, which are counted too."""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from kitu.core.errors import DomainError

MAX_PHOTOS = 3
MAX_BYTES = 10 * 1024 * 1024  # per photo as uploaded
MAX_PIXELS = 50_000_000  # larger images are refused before decoding (decompression bombs)
# Memory one photo may need while it is decoded and scaled (see decode_bytes). A web process with every app
# loaded holds about 140 MB; a photo adds this budget plus about 12 MB for its scaled copies, so a report with
# three photos (handled one after the other) peaks under 200 MB (measured in tests/test_photos.py).
MAX_DECODE_BYTES = 40 * 1024 * 1024
MAX_EDGE = 1600  # longest edge after scaling
FORMATS = {"JPEG", "PNG", "WEBP"}
# The modes Pillow opens JPEG, PNG and WebP photos in, with the bytes it holds per pixel once decoded
# (one byte per band, 16-bit grey in two; images with three bands are stored in four bytes like RGBA).
# Anything else ("I", "F", "YCbCr", "LAB", …) is refused.
MODE_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "LA": 4, "RGB": 4, "RGBA": 4, "CMYK": 4}
# The alpha band is dropped before scaling, which copies the full image: counted once more.
ALPHA_MODES = {"LA", "RGBA"}
STRIP_ROWS = 64  # output rows scaled at a time
EXIF_ORIENTATION = 0x0112
ORIENTATION_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# libwebp decodes a WebP whole: into its own canvas, a copy of it and a copy handed to Pillow (measured 16 to
# 18 bytes a pixel with scaling).
WEBP_BYTES_PER_PIXEL = 20
JPEG_COEFFICIENT_BYTES = 128  # 64 coefficients of 2 bytes per 8x8 block, kept for every block of a multi-scan JPEG


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    width: int
    height: int


def target_size(width: int, height: int) -> tuple[int, int]:
    """The size after scaling: the longest edge at most MAX_EDGE, the aspect ratio kept."""
    scale = min(1.0, MAX_EDGE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _first_scan_components(fp: IO[bytes]) -> int | None:
    """The number of components in the first scan (SOS) of a JPEG, or None when it cannot be found. Junk
    between segments is skipped up to the next 0xFF, as libjpeg does."""
    fp.seek(0)
    data = fp.read(MAX_BYTES)
    pos = 2  # after SOI
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0:
            return None
        while pos < len(data) and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= len(data):
            return None
        code, pos = data[pos], pos + 1
        if code == 0x00 or code == 0x01 or 0xD0 <= code <= 0xD8:  # stuffed byte, TEM, RSTn, SOI: no length
            continue
        if code == 0xD9 or pos + 2 > len(data):  # EOI before any scan
            return None
        if code == 0xDA:
            return data[pos + 2] if pos + 2 < len(data) else None
        pos += int.from_bytes(data[pos : pos + 2], "big")


def _jpeg_coefficient_bytes(image: Image.Image, source: IO[bytes], width: int, height: int) -> int:
    """What libjpeg keeps for the whole image while decoding a progressive JPEG or one in several scans
    (its first scan carries fewer components than the frame): every 8x8 block's coefficients, at full
    size whatever the scale. 0 for a sequential JPEG in one scan, which is decoded a row of blocks at a
    time."""
    layers: list[tuple[int, int, int, int]] = getattr(image, "layer", [])
    if not layers:
        return 0
    if not image.info.get("progressive"):
        components = _first_scan_components(source)
        if components is not None and components >= len(layers):
            return 0
    h_max, v_max = max(layer[1] for layer in layers), max(layer[2] for layer in layers)
    blocks = sum(math.ceil(width * h / (h_max * 8)) * math.ceil(height * v / (v_max * 8)) for _id, h, v, _q in layers)
    return blocks * JPEG_COEFFICIENT_BYTES


def decode_bytes(image: Image.Image, source: IO[bytes], *, original_size: tuple[int, int] | None = None) -> int:
    """The memory decoding and scaling ``image`` (opened from ``source``, not yet loaded) needs: its pixels as
    Pillow holds them in its mode (after ``draft`` for a JPEG; a WebP at WEBP_BYTES_PER_PIXEL), once more for
    a mode with alpha, plus a multi-scan JPEG's coefficients at ``original_size``. ``ValueError`` for a mode
    that is not a photo's."""
    if image.mode not in MODE_BYTES:
        raise ValueError(image.mode)
    per_pixel = WEBP_BYTES_PER_PIXEL if image.format == "WEBP" else MODE_BYTES[image.mode]
    if image.mode in ALPHA_MODES:
        per_pixel += MODE_BYTES[image.mode]  # the copy without alpha
    pixels = image.width * image.height * per_pixel
    if image.format == "JPEG":
        pixels += _jpeg_coefficient_bytes(image, source, *(original_size or image.size))
    return pixels


def _refuse(name: str, message: str) -> DomainError:
    return DomainError(message % {"name": name}, field="photos")


def clean(upload: IO[bytes], *, name: str, size: int) -> CleanPhoto:
    """One uploaded photo as a clean JPEG, or a DomainError naming the file and what is wrong."""
    if size > MAX_BYTES:
        raise DomainError(
            _("%(name)s ist größer als %(mb)s MB.") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}, field="photos"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)  # reads the header only
            if image.format not in FORMATS:
                raise _refuse(name, _("%(name)s ist kein Foto im Format JPEG, PNG oder WebP."))
            if image.width * image.height > MAX_PIXELS:
                raise _refuse(name, _("%(name)s hat zu viele Bildpunkte."))
            original_size = image.size
            if image.format == "JPEG":
                image.draft(None, target_size(*image.size))  # decode at 1/2, 1/4 or 1/8 where that suffices
            try:
                needed = decode_bytes(image, upload, original_size=original_size)
            except ValueError:
                raise DomainError(
                    _("%(name)s hat ein Farbformat, das wir nicht annehmen (%(mode)s); bitte als JPEG senden.")
                    % {"name": name, "mode": image.mode},
                    field="photos",
                ) from None
            if needed > MAX_DECODE_BYTES:
                raise DomainError(
                    _(
                        "%(name)s ist zu groß zum Verarbeiten (%(needed)s MB Speicher, höchstens %(max)s MB); "
                        "bitte senden Sie ein kleineres Foto."
                    )
                    % {"name": name, "needed": math.ceil(needed / 2**20), "max": MAX_DECODE_BYTES // 2**20},
                    field="photos",
                )
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise _refuse(name, _("%(name)s ist kein lesbares Foto (JPEG, PNG oder WebP).")) from exc
    orientation = image.getexif().get(EXIF_ORIENTATION)
    scaled = _scaled(image, target_size(*image.size))
    del image  # the full-size pixels go before the small copies are made
    if orientation in ORIENTATION_TURNS:  # the camera's orientation becomes the pixels' before EXIF goes
        scaled = scaled.transpose(ORIENTATION_TURNS[orientation])
    if scaled.mode not in ("RGB", "L"):
        scaled = scaled.convert("RGB")
    scaled.info.clear()  # Pillow would carry a JPEG comment (and other blocks) of the original over
    out = io.BytesIO()
    scaled.save(out, "JPEG", quality=82, optimize=True)
    return CleanPhoto(out.getvalue(), scaled.width, scaled.height)


def _scaled(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` (loaded) scaled down to ``size``, bicubic, a band of STRIP_ROWS output rows at a time: the
    same pixels as one ``resize`` (within rounding), without its intermediate image of the full source height.
    Alpha is dropped first (the JPEG has none); "1" and "P" are scaled by nearest neighbour, as Pillow does."""
    if image.mode in ALPHA_MODES:
        image = image.convert(image.mode[:-1])  # the copy counted in decode_bytes
    if image.size == size:
        return image
    if image.mode in ("1", "P"):
        return image.resize(size, Image.Resampling.NEAREST)
    width, height = size
    rows_per_row = image.height / height
    scaled = Image.new(image.mode, size)
    for top in range(0, height, STRIP_ROWS):
        rows = min(STRIP_ROWS, height - top)
        box = (0.0, top * rows_per_row, float(image.width), (top + rows) * rows_per_row)
        scaled.paste(image.resize((width, rows), Image.Resampling.BICUBIC, box=box), (0, top))
    return scaled


def clean_all(uploads: list[tuple[IO[bytes], str, int]]) -> list[CleanPhoto]:
    """All photos of one report (file, name, size), checked before anything is stored."""
    if len(uploads) > MAX_PHOTOS:
        raise DomainError(_("Höchstens %(n)s Fotos je Meldung.") % {"n": MAX_PHOTOS}, field="photos")
    return [clean(upload, name=name, size=size) for upload, name, size in uploads]
