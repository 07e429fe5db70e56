"""The bytes of a catalog file on their way to the XML parser, within limits that keep memory flat.

- ``open_catalog``: the XML of a .xml file, or of the one XML file in a ZIP archive. A ZIP may unpack to
  at most ``max_bytes`` and to at most ``max_ratio`` times its own size, counted on the bytes actually
  unpacked (the XML and the images together), not on the sizes its headers claim.
- ``CheckedStream``: every byte the parser reads is looked at once, in chunks, with ``bytes.find`` and one
  regular expression. lxml's incremental parser buffers a comment, processing instruction, CDATA section
  or tag until its end has arrived, and libxml2 limits a text node only to 10 MB: so no markup and no text
  may run longer than ``MAX_RUN`` (a 1 GB comment is refused after 2 MB, not buffered). A document that
  declares a single-byte encoding (ISO-8859-1, windows-1252) but holds UTF-8 ("Ã¤" for "ä") is refused
  at the first such character, with its line.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, cast

from django.utils.translation import gettext as _

MAX_RUN = 2 * 1024 * 1024  # longest comment, PI, CDATA section, tag or text (bytes)
MAX_ZIP_ENTRIES = 200_000  # the XML and an image per article
MAX_ZIP_DIRECTORY = 32 * 1024 * 1024  # bytes of the ZIP's central directory (zipfile holds it in memory)
# UTF-8 of the characters a German catalog has (Ä-ÿ, NBSP-¿, €, dashes, quotes, …), read as single bytes
MOJIBAKE = re.compile(rb"\xC3[\x80-\xBF]|\xC2[\xA0-\xBF]|\xE2\x82\xAC|\xE2\x80[\x93\x94\x98-\x9E\xA2\xA6]")
CONSTRUCT = re.compile(rb"<(?:!--|\?|!\[CDATA\[)")
TERMINATORS = {b"<!--": b"-->", b"<?": b"?>", b"<![CDATA[": b"]]>"}
KEEP = 8  # bytes kept from one chunk to the next: a token may be split between them


class RefusedDocument(Exception):
    """The file cannot be imported as it is; the message says why and where."""


def _mb(size: int) -> str:
    """Megabytes in German notation: "0,4", "3", "2.048"."""
    mb = size / 1024 / 1024
    if mb < 10 and mb != int(mb):
        return f"{mb:.1f}".replace(".", ",")
    return f"{mb:,.0f}".replace(",", ".")


class CheckedStream:
    """A readable byte stream that checks what passes through it (see the module doc) and calls
    ``before_read`` before each read, where the reader frees what it has done with."""

    def __init__(self, raw: IO[bytes], *, encoding: str | None = None, max_run: int = MAX_RUN) -> None:
        """``encoding``: the single-byte encoding the document declares (None for UTF-8)."""
        self.raw, self.encoding, self.max_run = raw, encoding, max_run
        self.mojibake = MOJIBAKE if encoding else None
        self.before_read: Callable[[], None] | None = None
        self.delivered = 0  # bytes handed to the parser
        self._lines = 0  # newlines in the bytes before ``_base``
        self._base = 0  # offset of ``_buf[0]`` in the file
        self._buf = b""  # the unscanned rest of the previous chunk (at most KEEP bytes)
        self._last_lt = 0  # offset of the last "<" outside comments, PIs and CDATA
        self._last_lt_line = 1
        self._open: bytes | None = None  # terminator of the open comment, PI or CDATA section
        self._open_at, self._open_line = 0, 1

    def read(self, size: int = -1) -> bytes:
        if self.before_read is not None:
            self.before_read()
        data = self.raw.read(size)
        if data:
            self._scan(data)
            self.delivered += len(data)
        return data

    def line(self) -> int:
        """The line the parser has read up to."""
        return self._lines + self._buf.count(b"\n") + 1

    def _line_at(self, buf: bytes, index: int) -> int:
        return self._lines + buf.count(b"\n", 0, index) + 1

    def _scan(self, data: bytes) -> None:
        buf = self._buf + data
        if self.mojibake is not None and (found := self.mojibake.search(buf)):
            self._refuse_encoding(buf, found)
        pos = 0
        while pos < len(buf):
            if self._open is not None:  # inside a comment, PI or CDATA section: only its end counts
                end = buf.find(self._open, pos)
                stop = len(buf) if end < 0 else end + len(self._open)
                if self._base + stop - self._open_at > self.max_run:
                    raise RefusedDocument(
                        _(
                            "Zeile %(line)d: ein Kommentar, eine Verarbeitungsanweisung oder ein CDATA-Abschnitt ist "
                            "länger als %(mb)s MB; so etwas enthält kein Katalog."
                        )
                        % {"line": self._open_line, "mb": _mb(self.max_run)}
                    )
                if end < 0:
                    pos = max(pos, len(buf) - len(self._open) + 1)
                    break
                self._open, pos = None, stop
                self._last_lt, self._last_lt_line = self._base + end, self._line_at(buf, end)
                continue
            found_construct = CONSTRUCT.search(buf, pos)
            stop = found_construct.start() if found_construct else len(buf)
            first = buf.find(b"<", pos, stop + 1 if found_construct else stop)
            gap_end = self._base + (first if first >= 0 else stop)
            if gap_end - self._last_lt > self.max_run:
                raise RefusedDocument(
                    _(
                        "Zeile %(line)d: mehr als %(mb)s MB Text oder Leerraum am Stück, oder ein Element-Tag länger "
                        "als %(mb)s MB; so etwas enthält kein Katalog."
                    )
                    % {"line": self._last_lt_line, "mb": _mb(self.max_run)}
                )
            last = buf.rfind(b"<", pos, stop + 1 if found_construct else stop)
            if last >= 0:
                self._last_lt, self._last_lt_line = self._base + last, self._line_at(buf, last)
            if found_construct is None:
                pos = max(pos, len(buf) - KEEP)  # "<!-" may continue in the next chunk
                break
            token = found_construct.group()
            self._open = TERMINATORS[token]
            self._open_at, self._open_line = self._base + stop, self._line_at(buf, stop)
            pos = stop + len(token)
        keep = buf[pos:] if pos < len(buf) else b""
        consumed = len(buf) - len(keep)
        self._lines += buf.count(b"\n", 0, consumed)
        self._base += consumed
        self._buf = keep

    def _refuse_encoding(self, buf: bytes, found: re.Match[bytes]) -> None:
        raw = found.group()
        assert self.encoding is not None
        raise RefusedDocument(
            _(
                "Zeile %(line)d: die Datei ist als %(declared)s deklariert, enthält aber UTF-8 („%(seen)s“ statt "
                "„%(meant)s“). Sie würde verfälscht importiert; bitte die Kodierung in der XML-Deklaration "
                'richtigstellen (encoding="UTF-8") oder die Datei in %(declared)s speichern.'
            )
            % {
                "line": self._line_at(buf, found.start()),
                "declared": self.encoding,
                # C1 control characters (ISO-8859-1 0x80-0x9F) are invisible: shown as \x9f
                "seen": "".join(
                    c if c.isprintable() else f"\\x{ord(c):02x}" for c in raw.decode(self.encoding, errors="replace")
                ),
                "meant": raw.decode("utf-8"),
            }
        )


class _Rewindable:
    """Lets the reader look at the prolog and then start again, without reading the file twice
    (a ZipExtFile cannot seek back reliably)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.buffer = b""
        self.pos = 0

    def read(self, size: int = -1) -> bytes:
        if self.pos < len(self.buffer):
            chunk = self.buffer[self.pos : self.pos + size if size >= 0 else None]
            self.pos += len(chunk)
            if size < 0 or len(chunk) < size:
                chunk += self.raw.read(-1 if size < 0 else size - len(chunk))
            return chunk
        data = self.raw.read(size)
        if not self.buffer and self.pos == 0:
            self.buffer = data
            self.pos = len(data)
        return data

    def seek(self, offset: int) -> None:
        if offset != 0 or len(self.buffer) == 0:
            raise OSError("only a rewind to the start is supported")
        self.pos = 0


class _Budget:
    """The bytes a ZIP may still unpack; every member read from it draws on it."""

    def __init__(self, limit: int, reason: str) -> None:
        self.left, self.reason = limit, reason

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise RefusedDocument(self.reason)


class _Counted:
    def __init__(self, raw: IO[bytes], budget: _Budget) -> None:
        self.raw, self.budget = raw, budget

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.budget.take(len(data))
        return data


class Archive:
    """A catalog ZIP: its members by name (and by their trailing path), read within the budget."""

    def __init__(self, archive: zipfile.ZipFile, budget: _Budget) -> None:
        self.zip, self.budget = archive, budget
        self.names: dict[str, str] = {}
        for name in archive.namelist():
            parts = name.split("/")
            for i in range(len(parts)):  # "bilder/a.png" is found as "bilder/a.png" and as "a.png"
                self.names.setdefault("/".join(parts[i:]), name)

    def find(self, name: str) -> str | None:
        return self.names.get(name)

    def read(self, name: str, limit: int) -> bytes:
        """At most ``limit`` + 1 bytes of member ``name``."""
        with self.zip.open(name) as member:
            data = member.read(limit + 1)
        self.budget.take(len(data))
        return data


def _directory(path: Path) -> tuple[int, int]:
    """Entries and size of a ZIP's central directory from its end record (ZIP64 too), read before
    zipfile builds an object per entry."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 65_557))
        tail = f.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            raise zipfile.BadZipFile("no end of central directory")
        entries, directory = struct.unpack("<6xHL4x", tail[at + 4 : at + 20])
        locator = tail.rfind(b"PK\x06\x07", 0, at)
        if locator >= 0 and (entries == 0xFFFF or directory == 0xFFFFFFFF):
            (offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
            f.seek(offset)
            record = f.read(56)
            if record[:4] == b"PK\x06\x06":
                entries, directory = struct.unpack("<QQ8x", record[32:56])
    return entries, directory


@contextmanager
def open_catalog(path: Path, *, max_bytes: int, max_ratio: int) -> Iterator[tuple[IO[bytes], Archive | None]]:
    """The XML stream of a .xml file, or of the one XML file in a ZIP (with the ZIP, for the images)."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as stream:
            yield stream, None
        return
    packed = path.stat().st_size
    limit = min(max_bytes, packed * max_ratio)
    too_large = _(
        "Die ZIP-Datei entpackt zu mehr als %(mb)s MB (höchstens %(max)s MB und das %(ratio)d-Fache ihrer Größe); "
        "das ist kein plausibler Katalog (ZIP-Bombe?)."
    ) % {"mb": _mb(limit), "max": _mb(max_bytes), "ratio": max_ratio}
    entries, directory = _directory(path)
    if entries > MAX_ZIP_ENTRIES:
        raise RefusedDocument(
            _("Die ZIP-Datei hat %(n)d Einträge (höchstens %(max)d).") % {"n": entries, "max": MAX_ZIP_ENTRIES}
        )
    if directory > MAX_ZIP_DIRECTORY:
        raise RefusedDocument(
            _("Das Inhaltsverzeichnis der ZIP-Datei ist größer als %(size)s.")
            % {
                "size": f"{_mb(MAX_ZIP_DIRECTORY)} MB"
                if MAX_ZIP_DIRECTORY >= 1024 * 1024
                else f"{MAX_ZIP_DIRECTORY} Bytes"
            }
        )
    with zipfile.ZipFile(path) as archive:
        if sum(info.file_size for info in archive.infolist()) > limit:  # what the headers claim …
            raise RefusedDocument(too_large)
        if any(info.flag_bits & 0x1 for info in archive.infolist()):
            raise RefusedDocument(_("Die ZIP-Datei ist verschlüsselt."))
        names = [n for n in archive.namelist() if n.lower().endswith(".xml") and not n.startswith("__MACOSX")]
        if len(names) != 1:
            raise RefusedDocument(
                _("Die ZIP-Datei muss genau eine XML-Datei enthalten (gefunden: %(n)d).") % {"n": len(names)}
            )
        budget = _Budget(limit, too_large)  # … and what they really unpack to
        with archive.open(names[0]) as raw:
            yield cast(IO[bytes], _Rewindable(cast(IO[bytes], _Counted(raw, budget)))), Archive(archive, budget)
