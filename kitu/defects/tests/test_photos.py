"""Memory bounds of citizens' photos: what decoding a photo needs is read from its header and refused above
MAX_DECODE_BYTES before any pixel is decoded; a report with three large photos that are allowed stays under
200 MB peak memory, measured in a fresh process."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from kitu.core.errors import DomainError
from kitu.defects import photos
from kitu.defects.models import Photo, Report

MB = 1024 * 1024
PEAK_LIMIT_MB = 200


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


def png_bytes(width: int, height: int, bit_depth: int, colour_type: int) -> bytes:
    """An all-zero PNG written by hand (Pillow cannot write 16-bit RGBA): tiny, however large its pixels."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    row = b"\x00" + bytes(width * channels * bit_depth // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    palette = chunk(b"PLTE", bytes(6)) if colour_type == 3 else b""
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + palette + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def gradient(mode: str, width: int, height: int) -> Image.Image:
    """A smooth picture: it compresses well but decodes to its full size."""
    grey = Image.linear_gradient("L").resize((width, height))
    if mode == "RGB":
        return Image.merge("RGB", (grey, grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT), grey))
    return grey.convert(mode)


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def opened(content: bytes) -> tuple[Image.Image, io.BytesIO]:
    source = io.BytesIO(content)
    return Image.open(source), source


def first_scan_with_one_component(jpeg: bytes) -> bytes:
    """The same JPEG with its first scan (SOS) claiming one component: libjpeg then buffers the whole image."""
    sos = jpeg.index(b"\xff\xda")
    return jpeg[: sos + 4] + b"\x01" + jpeg[sos + 5 :]


@pytest.mark.django_db
def test_hostile_16_bit_png_is_refused_before_decoding_and_nothing_is_saved(defect_world: dict[str, Any]) -> None:
    hostile = png_bytes(7000, 7000, 16, 6)  # 16-bit RGBA: 49 megapixels, under MAX_PIXELS
    assert len(hostile) < 400_000 and photos.MAX_PIXELS >= 7000 * 7000
    response = Client().post(
        reverse("defects:town", args=["wernigerode"]),
        {
            "category": "strassenschaden",
            "description": "Schlagloch",
            "address": "Markt 1",
            "photos": [SimpleUploadedFile("bombe.png", hostile, "image/png")],
        },
    )
    assert response.status_code == 400
    # Pillow holds it as 8-bit RGBA (4 bytes a pixel), dropping alpha copies it: 392,000,000 bytes
    assert response.context["form"].errors == {
        "photos": [
            "bombe.png ist zu groß zum Verarbeiten (374 MB Speicher, höchstens 40 MB); "
            "bitte senden Sie ein kleineres Foto."
        ]
    }
    assert (Report.objects.count(), Photo.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("bit_depth", "colour_type", "mode", "needed"),
    [
        (1, 0, "1", 100 * 50),
        (8, 0, "L", 100 * 50),
        (8, 3, "P", 100 * 50),
        (16, 0, "I;16", 100 * 50 * 2),
        (8, 2, "RGB", 100 * 50 * 4),
        (16, 2, "RGB", 100 * 50 * 4),  # Pillow reduces 16-bit colour to 8 bits a band
        (8, 4, "LA", 100 * 50 * 4 * 2),  # alpha: a copy without it for scaling
        (8, 6, "RGBA", 100 * 50 * 4 * 2),
        (16, 6, "RGBA", 100 * 50 * 4 * 2),
    ],
)
def test_decode_bytes_of_each_png_mode(bit_depth: int, colour_type: int, mode: str, needed: int) -> None:
    image, source = opened(png_bytes(100, 50, bit_depth, colour_type))
    assert (image.mode, photos.decode_bytes(image, source)) == (mode, needed)


def test_decode_bytes_of_webp_and_cmyk_jpeg() -> None:
    webp, source = opened(encoded(gradient("RGB", 100, 50), "WEBP"))
    assert photos.decode_bytes(webp, source) == 100 * 50 * 20
    webp, source = opened(encoded(Image.new("RGBA", (100, 50)), "WEBP"))
    assert (webp.mode, photos.decode_bytes(webp, source)) == ("RGBA", 100 * 50 * (20 + 4))
    cmyk, source = opened(encoded(Image.new("CMYK", (64, 48)), "JPEG"))
    assert (cmyk.mode, photos.decode_bytes(cmyk, source)) == ("CMYK", 64 * 48 * 4)


def test_multi_scan_jpeg_counts_the_coefficients_of_the_whole_image(monkeypatch: pytest.MonkeyPatch) -> None:
    picture = gradient("RGB", 1024, 768)
    baseline = encoded(picture, "JPEG", quality=80)  # 4:2:0, one interleaved scan
    pixels = 1024 * 768 * 4
    # Y: 128 x 96 blocks, Cb and Cr 64 x 48 each; 128 bytes of coefficients a block
    coefficients = (128 * 96 + 2 * 64 * 48) * 128
    cases = {
        "baseline": (baseline, pixels),
        "progressive": (encoded(picture, "JPEG", quality=80, progressive=True), pixels + coefficients),
        "first scan with one component": (first_scan_with_one_component(baseline), pixels + coefficients),
    }
    for name, (content, needed) in cases.items():
        image, source = opened(content)
        assert photos.decode_bytes(image, source) == needed, name
    # with a budget between the two, the sequential JPEG passes and the multi-scan ones are refused
    monkeypatch.setattr(photos, "MAX_DECODE_BYTES", 4 * MB)
    assert photos.clean(io.BytesIO(baseline), name="a.jpg", size=len(baseline)).width == 1024
    for name in ("progressive", "first scan with one component"):
        content = cases[name][0]
        with pytest.raises(DomainError) as error:
            photos.clean(io.BytesIO(content), name="b.jpg", size=len(content))
        assert error.value.message == (
            "b.jpg ist zu groß zum Verarbeiten (6 MB Speicher, höchstens 4 MB); bitte senden Sie ein kleineres Foto."
        ), name


def test_modes_that_are_no_photo_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for mode in ("I", "F", "YCbCr", "LAB", "HSV", "RGBX"):
        with pytest.raises(ValueError, match=mode):
            photos.decode_bytes(Image.new(mode, (4, 4)), io.BytesIO())
    # Pillow opens no JPEG, PNG or WebP in mode "I" today; should one arrive, it is named and refused
    real_open = Image.open

    def open_as_32_bit(fp: Any) -> Image.Image:
        image = real_open(fp)
        image._mode = "I"
        return image

    monkeypatch.setattr(photos.Image, "open", open_as_32_bit)
    content = png_bytes(10, 10, 16, 0)
    with pytest.raises(DomainError) as error:
        photos.clean(io.BytesIO(content), name="scan.png", size=len(content))
    assert (error.value.message, error.value.field) == (
        "scan.png hat ein Farbformat, das wir nicht annehmen (I); bitte als JPEG senden.",
        "photos",
    )


@pytest.fixture(scope="module")
def large_photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three large photos that are allowed, each near a limit: a 48-megapixel camera JPEG (decoded at 1/4),
    a PNG and a WebP just under MAX_DECODE_BYTES."""
    folder = tmp_path_factory.mktemp("large-photos")
    files = {
        "kamera.jpg": encoded(gradient("RGB", 8000, 6000), "JPEG", quality=85),
        "plan.png": encoded(gradient("RGB", 3238, 3238), "PNG"),
        "bild.webp": encoded(gradient("RGB", 1448, 1448), "WEBP", quality=80),
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return [folder / name for name in files]


def test_camera_jpeg_is_decoded_at_a_quarter(large_photos: list[Path]) -> None:
    content = large_photos[0].read_bytes()
    image, source = opened(content)
    image.draft(None, photos.target_size(*image.size))
    assert (image.size, photos.decode_bytes(image, source, original_size=(8000, 6000))) == ((2000, 1500), 12_000_000)
    clean = photos.clean(io.BytesIO(content), name="kamera.jpg", size=len(content))
    assert (clean.width, clean.height) == (1600, 1200)
    for path in large_photos[1:]:
        image, source = opened(path.read_bytes())
        assert photos.MAX_DECODE_BYTES - 10_000 < photos.decode_bytes(image, source) <= photos.MAX_DECODE_BYTES


PEAK_SCRIPT = """
import json, resource, sys
import django
django.setup()
from django.apps import apps
from django.conf import settings
settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}  # tables straight from the models
settings.MEDIA_ROOT = sys.argv[1]
from django.core.management import call_command
call_command("migrate", run_syncdb=True, verbosity=0)
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
setup_test_environment()
from conftest import make_member
from kitu.defects.models import Category, DefectService, Photo
service = DefectService.objects.create(member=make_member("Stadt Wernigerode"), slug="wernigerode")
Category.objects.create(service=service, code="strassenschaden", name="Straße", department_email="t@example.org")
def peak_mb():
    # VmHWM: the peak resident memory of this process. ru_maxrss would also carry the parent's peak over,
    # which Linux hands on through fork and exec.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
client = Client()
url = reverse("defects:town", args=["wernigerode"])
client.get(url)
before = peak_mb()
files = [open(path, "rb") for path in sys.argv[2:]]
data = {"category": "strassenschaden", "description": "Schlagloch", "address": "Markt 1", "photos": files}
response = client.post(url, data)
print(json.dumps({
    "status": response.status_code,
    "before_mb": before,
    "peak_mb": peak_mb(),
    "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "photos": sorted([photo.width, photo.height] for photo in Photo.objects.all()),
}))
"""


def test_report_with_three_large_photos_stays_under_200_mb(large_photos: list[Path], tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'peak.sqlite3'}",  # its own database, whatever the suite uses
    }
    result = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, str(tmp_path / "media"), *map(str, large_photos)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"peak RSS of a report with 3 large photos: {measured}")
    assert (measured["status"], measured["photos"]) == (302, [[1448, 1448], [1600, 1200], [1600, 1600]])
    assert measured["peak_mb"] < PEAK_LIMIT_MB
    # the photos add at most the budget of one photo and its scaled copies to what the process held before
    assert measured["peak_mb"] - measured["before_mb"] < photos.MAX_DECODE_BYTES / MB + 16
