"""Parsing the BMEcat file in a second thread, a few hundred products ahead of the importing thread."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.utils import translation

from .. import bmecat

READ_AHEAD = 256  # products per hand-over from the reading thread
_END = object()


@contextmanager
def read_ahead(stream: IO[bytes]) -> Iterator[Iterator[bmecat.Header | bmecat.Product]]:
    """``bmecat.read(stream)``, parsed in a second thread a few hundred products ahead: the parsing runs
    while the importing thread waits for the database, so the two overlap. The reader never touches the
    database; an error it raises is raised here, after the products read before it. Leaving the block
    early stops the reader."""
    handed: queue.Queue[list[Any]] = queue.Queue(maxsize=8)  # bounded: memory stays flat
    stop = threading.Event()
    language = translation.get_language()
    size = READ_AHEAD

    def put(chunk: list[Any]) -> bool:
        while not stop.is_set():
            try:
                handed.put(chunk, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        chunk: list[Any] = []
        with translation.override(language):  # the reader's messages in the caller's language
            try:
                for item in bmecat.read(stream):
                    chunk.append(item)
                    if len(chunk) >= size or isinstance(item, bmecat.Header):
                        if not put(chunk):
                            return  # the importer stopped reading
                        chunk = []
                chunk.append(_END)
            except Exception as exc:  # noqa: BLE001 (handed over and raised in the importing thread)
                chunk.append(exc)
            put(chunk)

    def consume() -> Iterator[bmecat.Header | bmecat.Product]:
        while True:
            for item in handed.get():
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item

    reader = threading.Thread(target=produce, name="bmecat-reader", daemon=True)
    reader.start()
    try:
        yield consume()
    finally:
        stop.set()
        reader.join()
