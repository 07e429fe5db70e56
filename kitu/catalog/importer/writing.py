"""Writing article rows in batches, as plain rows (no model instances): ``COPY`` on PostgreSQL,
``executemany`` on SQLite; the search indexes follow by database triggers (catalog migrations 0002, 0003).

On PostgreSQL the batches are written by a second thread on the import's own connection (psycopg
connections are thread-safe; the thread's statements are in the import's transaction), so the database
works on one batch — COPY, index maintenance, the search-index trigger — while this thread checks the
next. On SQLite everything is written at once, in the importing thread."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from operator import itemgetter
from typing import Any, Protocol

from django.db import connection
from django.utils import timezone

from kitu.contracts.models import FrameworkContract, Lot, Supplier

from .outcome import Outcome
from .values import ARTICLE_FIELDS, PRICE_FIELDS

BATCH = 2000
SQL_CHUNK = 900  # values per IN (...) list, under SQLite's variable limit
QUEUED = 2  # batches waiting for the writing thread: memory stays flat
Tiers = list[tuple[Decimal, Decimal]]


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...
    def executemany(self, sql: str, params_seq: Sequence[Sequence[Any]]) -> Any: ...
    def fetchall(self) -> list[Any]: ...


Job = Callable[[Cursor], None]


def insert(cursor: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, copy: bool) -> None:
    """Insert ``rows``: COPY on PostgreSQL (``copy``; a psycopg cursor), executemany on SQLite.
    Table and column names are constants of this package; all values are bound or streamed."""
    if copy:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
            for row in rows:
                stream.write_row(row)
    else:
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)  # noqa: S608


class Sink:
    """Runs the writes (``submit``) in order: in a second thread on PostgreSQL, at once on SQLite. A
    failure of a write is raised by the next ``submit`` or by ``drain``; after ``drain`` nothing is
    being written and the connection is the caller's again."""

    def __init__(self) -> None:
        self.background = connection.vendor == "postgresql"
        self.failure: BaseException | None = None
        self.stop = threading.Event()
        self.jobs: queue.Queue[Job | None] = queue.Queue(maxsize=QUEUED)
        self.thread: threading.Thread | None = None
        if self.background:
            connection.ensure_connection()
            raw = connection.connection  # the psycopg connection, in the import's transaction
            self.thread = threading.Thread(target=self._work, args=(raw,), name="catalog-writer", daemon=True)
            self.thread.start()

    def _work(self, raw: Any) -> None:
        while (job := self.jobs.get()) is not None:
            try:
                if self.failure is None and not self.stop.is_set():
                    with raw.cursor() as cursor:
                        job(cursor)
            except BaseException as exc:  # noqa: BLE001 (handed to the importing thread)
                self.failure = exc
            finally:
                self.jobs.task_done()
        self.jobs.task_done()

    def _raise(self) -> None:
        if self.failure is not None:
            raise self.failure

    def submit(self, job: Job) -> None:
        if not self.background:
            with connection.cursor() as cursor:
                job(cursor)
            return
        self._raise()
        self.jobs.put(job)

    def drain(self) -> None:
        if self.background:
            self.jobs.join()
            self._raise()

    def close(self) -> None:
        """Stop the thread: the write in progress ends, the waiting ones are dropped."""
        if self.thread is not None:
            self.stop.set()
            self.jobs.put(None)
            self.thread.join()
            self.thread = None


@contextmanager
def checked_per_statement() -> Iterator[None]:
    """PostgreSQL: the foreign keys of articles and scale prices (Django makes them ``DEFERRABLE INITIALLY
    DEFERRED``) are checked at the end of each write, in the writing thread beside the checks, instead of
    all at the commit, where nothing else runs (3 checks an article: ~15 s of the database's time at
    1,000,000 articles, and a queue of 3,000,000 pending checks). The same checks, the same errors; the
    deferral comes back at the end (a failure rolls the setting back with the transaction or savepoint)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND condeferred "
            "AND conrelid IN ('catalog_article'::regclass, 'catalog_scaleprice'::regclass)"
        )
        names = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
        if names:
            cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
    yield
    if names:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


@contextmanager
def sink() -> Iterator[Sink]:
    """A ``Sink`` whose thread ends with the block, also after an error (before the transaction is
    rolled back: the connection is never used by two threads at the end)."""
    writes = Sink()
    try:
        yield writes
    finally:
        writes.close()


def _drawn_ids(cursor: Cursor, count: int) -> list[int]:
    """PostgreSQL: ``count`` new article ids from the table's own sequence, for rows written with their id —
    their scale prices need no lookup. (The lookup by article number, a plan made on the statistics of the
    table before the import, read every article of the contract again for each batch: 251 million rows at
    1,000,000 articles.)"""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence('catalog_article', 'id')) FROM generate_series(1, %s)", [count]
    )
    return [pk for (pk,) in cursor.fetchall()]


def _ids(cursor: Cursor, contract_id: int, pids: list[str]) -> dict[str, int]:
    """SQLite: the article ids of ``pids`` in the contract, after their rows are written."""
    ids: dict[str, int] = {}
    for start in range(0, len(pids), SQL_CHUNK):
        chunk = pids[start : start + SQL_CHUNK]
        cursor.execute(
            "SELECT supplier_pid, id FROM catalog_article WHERE contract_id = %s "  # noqa: S608 (placeholders only)
            f"AND supplier_pid IN ({', '.join(['%s'] * len(chunk))})",
            [contract_id, *chunk],
        )
        ids.update(cursor.fetchall())
    return ids


def _write_tiers(cursor: Cursor, tiers_by_id: list[tuple[int, Tiers]], *, replace: bool, copy: bool) -> None:
    """Scale prices of the articles just written; ``replace`` drops their old tiers first."""
    if replace:
        for start in range(0, len(tiers_by_id), SQL_CHUNK):
            chunk = [pk for pk, _ in tiers_by_id[start : start + SQL_CHUNK]]
            cursor.execute(
                f"DELETE FROM catalog_scaleprice WHERE article_id IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                chunk,
            )
    rows = [(pk, bound, amount) for pk, tiers in tiers_by_id for bound, amount in tiers]
    if rows:
        insert(cursor, "catalog_scaleprice", ["article_id", "lower_bound", "amount"], rows, copy=copy)


class Writer:
    """Collects article rows (dicts of column values) and writes them in batches through a ``Sink``."""

    def __init__(
        self,
        contract: FrameworkContract,
        lot: Lot,
        supplier: Supplier,
        outcome: Outcome,
        dry_run: bool,
        writes: Sink,
    ) -> None:
        self.contract, self.lot, self.supplier, self.outcome, self.dry_run = contract, lot, supplier, outcome, dry_run
        self.writes = writes
        self.copy = connection.vendor == "postgresql"
        self.create: list[tuple[dict[str, Any], Tiers]] = []
        self.update: list[tuple[dict[str, Any], Tiers | None]] = []
        self.deactivate: list[int] = []
        self.columns: tuple[str, ...] = (*ARTICLE_FIELDS, "is_active", "content_hash", "search_text", "image")

    def prices_only(self) -> None:
        self.columns = (*PRICE_FIELDS, "content_hash")

    def flush(self, *, force: bool = False) -> None:
        if self.outcome.error_count or self.dry_run:
            self.create.clear()
            self.update.clear()
            return
        if self.create and (force or len(self.create) >= BATCH):
            self.writes.submit(self._creating(self.create))
            self.create = []
        if self.update and (force or len(self.update) >= BATCH):
            self.writes.submit(self._updating(self.update))
            self.update = []

    def _creating(self, batch: list[tuple[dict[str, Any], Tiers]]) -> Job:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        fixed = (self.contract.pk, self.lot.pk, self.supplier.pk)
        columns = ("contract_id", "lot_id", "supplier_id", "supplier_pid", *self.columns, "updated_at")
        row_values = itemgetter("supplier_pid", *self.columns)  # a tuple of the values in column order
        rows = [(*fixed, *row_values(v), now) for v, _ in batch]
        tiered = [(i, tiers) for i, (_, tiers) in enumerate(batch) if tiers]
        contract_id, copy = self.contract.pk, self.copy

        def job(cursor: Cursor) -> None:
            if copy:  # PostgreSQL: each row with an id drawn before
                ids = _drawn_ids(cursor, len(rows))
                insert(
                    cursor,
                    "catalog_article",
                    ("id", *columns),
                    [(pk, *r) for pk, r in zip(ids, rows, strict=True)],
                    copy=True,
                )
                tier_ids = [ids[i] for i, _ in tiered]
            else:
                insert(cursor, "catalog_article", columns, rows, copy=False)
                pids = [rows[i][3] for i, _ in tiered]
                by_pid = _ids(cursor, contract_id, pids) if tiered else {}
                tier_ids = [by_pid[pid] for pid in pids]
            if tiered:
                _write_tiers(
                    cursor,
                    [(pk, tiers) for pk, (_, tiers) in zip(tier_ids, tiered, strict=True)],
                    replace=False,
                    copy=copy,
                )

        return job

    def _updating(self, batch: list[tuple[dict[str, Any], Tiers | None]]) -> Job:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        assignments = ", ".join(f"{c} = %s" for c in [*self.columns, "updated_at"])
        rows = [(*[v[c] for c in self.columns], now, v["id"]) for v, _ in batch]
        tiers = [(v["id"], t) for v, t in batch if t is not None]
        copy = self.copy

        def job(cursor: Cursor) -> None:
            cursor.executemany(f"UPDATE catalog_article SET {assignments} WHERE id = %s", rows)  # noqa: S608
            _write_tiers(cursor, tiers, replace=True, copy=copy)

        return job
