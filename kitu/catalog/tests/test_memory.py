"""Peak memory of reading hostile catalog ZIPs that unpack to a gigabyte, each in a fresh Python process
(``ru_maxrss``): below 300 MB for any input, and the input is read past or refused with a clear error.

The ZIPs are written in milliseconds: each repeated part is deflated once, with a full flush that resets
the compressor, so its compressed bytes can be written again and again (``deflated_zip``)."""

import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from kitu.catalog import sources

from .samples import catalog_2005, product_2005

MB = 1024 * 1024
GB = 1024 * MB
RSS_LIMIT_MB = 300
HEAD, TAIL = catalog_2005("@@").split("@@")
PRODUCT_A, PRODUCT_B = product_2005("A").encode(), product_2005("B").encode()
DEFAULT = (settings.KITU_CATALOG_UNZIPPED_MAX_BYTES, settings.KITU_CATALOG_UNZIP_MAX_RATIO)
NO_RATIO = (4 * GB, 10**9)  # lets the gigabyte through the ZIP limits to reach the XML reader

READ = """
import json, os, resource, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
from pathlib import Path
from kitu.catalog import bmecat
from kitu.catalog.sources import open_catalog
path, max_bytes, max_ratio = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
items, error = [], ""
try:
    with open_catalog(path, max_bytes=max_bytes, max_ratio=max_ratio) as (stream, _archive):
        items = [getattr(item, "supplier_pid", "HEADER") for item in bmecat.read(stream)]
except Exception as exc:
    error = f"{type(exc).__name__}: {exc}"
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024
print(json.dumps({"items": items, "error": error, "rss_mb": rss, "hwm_mb": hwm}))
"""


def deflated_zip(path: Path, parts: list[tuple[bytes, int]], *, claimed: int | None = None) -> int:
    """A ZIP whose one member katalog.xml is each part repeated n times; returns the unpacked size.
    ``claimed``: the size its headers state instead (a lie)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    pieces = [(compressor.compress(part) + compressor.flush(zlib.Z_FULL_FLUSH), n) for part, n in parts]
    pieces.append((compressor.flush(zlib.Z_FINISH), 1))
    crc, size = 0, 0
    for part, n in parts:
        for _ in range(n):
            crc = zlib.crc32(part, crc)
        size += len(part) * n
    packed = sum(len(piece) * n for piece, n in pieces)
    name = b"katalog.xml"
    stated = size if claimed is None else claimed
    date, time = (2026 - 1980) << 9 | 1 << 5 | 1, 0
    with open(path, "wb") as out:
        out.write(
            struct.pack(
                zipfile.structFileHeader, b"PK\x03\x04", 20, 0, 0, 8, time, date, crc, packed, stated, len(name), 0
            )
        )
        out.write(name)
        for piece, n in pieces:
            for _ in range(n):
                out.write(piece)
        directory = out.tell()
        out.write(
            struct.pack(
                zipfile.structCentralDir,
                b"PK\x01\x02",
                20,
                3,
                20,
                0,
                0,
                8,
                time,
                date,
                crc,
                packed,
                stated,
                len(name),
                0,
                0,
                0,
                0,
                0o644 << 16,
                0,
            )
        )
        out.write(name)
        end = out.tell()
        out.write(struct.pack(zipfile.structEndArchive, b"PK\x05\x06", 0, 0, 1, 1, end - directory, directory, 0))
    return size


def read(path: Path, limits: tuple[int, int]) -> tuple[list[str], str]:
    """What a fresh process reads from ``path`` (the items, or the error that stopped it); its peak RSS
    must stay below the limit."""
    # Started through a shell that forks it: Linux carries a parent's peak RSS over an exec into the child's
    # ru_maxrss, so a child exec'd straight from this (large) test process would report at least ours.
    done = subprocess.run(
        ["/bin/sh", "-c", '"$@"; exit $?', "sh", sys.executable, "-c", READ, str(path), str(limits[0]), str(limits[1])],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"peak RSS {result['rss_mb']:.0f} MB (VmHWM {result['hwm_mb']:.0f} MB): {result['error'] or result['items']}")
    assert result["rss_mb"] < RSS_LIMIT_MB, result
    return result["items"], result["error"]


def document(*middle: tuple[bytes, int], before_transaction: bool = False) -> list[tuple[bytes, int]]:
    """HEADER, article A, the middle parts, article B; or the middle parts ahead of the transaction."""
    head = HEAD.encode()
    if before_transaction:
        start, rest = head.split(b"<T_NEW_CATALOG>")
        return [(start, 1), *middle, (b"<T_NEW_CATALOG>" + rest + PRODUCT_A + PRODUCT_B + TAIL.encode(), 1)]
    return [(head + PRODUCT_A, 1), *middle, (PRODUCT_B + TAIL.encode(), 1)]


def test_a_gigabyte_of_whitespace_comments_and_elements_between_the_products(tmp_path: Path) -> None:
    """Everything between the products is legal and read to the end: 1 MB runs of whitespace, 1 MB
    comments, thousands of unknown elements — the tree is pruned as it grows."""
    block = b" \n" * (MB // 2) + b"<!--" + b"c" * (MB - 7) + b"-->" + b"<X><Y>z</Y></X>\n" * 4096
    size = deflated_zip(tmp_path / "k.zip", document((block, GB // len(block) + 1)))
    assert size > GB
    assert read(tmp_path / "k.zip", NO_RATIO) == (["HEADER", "A", "B"], "")


RUN = (
    "RefusedDocument: Zeile {}: mehr als 2 MB Text oder Leerraum am Stück, oder ein Element-Tag länger als 2 MB; "
    "so etwas enthält kein Katalog."
)
CONSTRUCT = (
    "RefusedDocument: Zeile {}: ein Kommentar, eine Verarbeitungsanweisung oder ein CDATA-Abschnitt ist länger "
    "als 2 MB; so etwas enthält kein Katalog."
)


def bomb(packed: int) -> str:
    return (
        f"RefusedDocument: Die ZIP-Datei entpackt zu mehr als {sources._mb(packed * 100)} MB (höchstens 2.048 MB "
        "und das 100-Fache ihrer Größe); das ist kein plausibler Katalog (ZIP-Bombe?)."
    )


@pytest.mark.parametrize(
    ("parts", "refusal"),
    [
        (document((b" " * MB, 1024), before_transaction=True), RUN.format(7)),
        (document((b"<!--", 1), (b"-" * MB, 1024), (b"-->", 1)), CONSTRUCT.format(29)),
        (document((b"<?pi ", 1), (b"?" * MB, 1024), (b"?>", 1)), CONSTRUCT.format(29)),
        (document((b"<X><![CDATA[", 1), (b"]>" * (MB // 2), 1024), (b"]]></X>", 1)), CONSTRUCT.format(29)),
        (document((b"<X>", 1), (b"text" * (MB // 4), 1024), (b"</X>", 1)), RUN.format(29)),
        (document((b'<X a="', 1), (b">" * MB, 1024), (b'"/>', 1)), RUN.format(29)),
        (
            [
                (HEAD.encode() + PRODUCT_A.split(b"Langtext zu ")[0], 1),
                (b"a" * MB, 1024),
                (b"</DESCRIPTION_LONG></PRODUCT_DETAILS></PRODUCT>" + TAIL.encode(), 1),
            ],
            "RefusedDocument: Zeile 14: PRODUCT ab Zeile 9 ist größer als 1 MB; so groß ist kein Artikel.",
        ),
    ],
    ids=["whitespace", "comment", "pi", "cdata", "text", "attribute", "text-node-in-product"],
)
def test_a_gigabyte_in_one_piece_is_refused_early(
    tmp_path: Path, request: pytest.FixtureRequest, parts: list[tuple[bytes, int]], refusal: str
) -> None:
    path = tmp_path / "k.zip"
    assert deflated_zip(path, parts) > GB
    assert read(path, NO_RATIO) == ([], refusal)
    if request.node.callspec.id in ("whitespace", "comment"):
        # with the limits of the settings the ZIP does not even get that far
        assert read(path, DEFAULT) == ([], bomb(path.stat().st_size))


def test_a_zip_bomb_of_elements_over_the_ratio(tmp_path: Path) -> None:
    path = tmp_path / "k.zip"
    assert deflated_zip(path, document((b"<X/>" * (MB // 4), 1024))) > GB
    packed = path.stat().st_size
    assert packed * 100 < GB
    assert read(path, DEFAULT) == ([], bomb(packed))


def test_a_zip_whose_header_lies_about_its_size(tmp_path: Path) -> None:
    path = tmp_path / "k.zip"
    parts = document((b" " * (MB - 4) + b"<X/>", 1024))
    assert deflated_zip(path, parts, claimed=20 * MB) > GB  # claims 20 MB, unpacks to a gigabyte
    # zipfile stops at the size claimed; the checksum is of the whole gigabyte
    assert read(path, NO_RATIO) == ([], "BadZipFile: Bad CRC-32 for file 'katalog.xml'")
    assert deflated_zip(path, parts, claimed=3 * GB) > GB  # claims more than any catalog may unpack to
    assert read(path, (2 * GB, 10**9)) == (
        [],
        "RefusedDocument: Die ZIP-Datei entpackt zu mehr als 2.048 MB (höchstens 2.048 MB und das "
        "1000000000-Fache ihrer Größe); das ist kein plausibler Katalog (ZIP-Bombe?).",
    )
