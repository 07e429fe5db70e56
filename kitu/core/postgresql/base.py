"""Django's PostgreSQL backend with the hot paths' statements prepared on the server, and only those.

A statement Django sends is parsed and planned by PostgreSQL at every call. For the few statements that run on
every request of a hot path — the reads of :class:`kitu.core.prepared.Prepared` and the INSERTs of
:mod:`kitu.core.inserts`, all of fixed shape and by key — :func:`prepare_on_server` registers their SQL, and
this backend's cursor sends them as prepared statements (psycopg, ``prepare=True``): PostgreSQL plans them once
per connection (a generic plan; lookups by key lose nothing by it). On the order path that cut PostgreSQL's CPU
per order from ~7 to ~3 ms (docs/benchmarks.md). Every other statement is planned for its own values as
before: preparing everything (psycopg's threshold) once let PostgreSQL switch a lookup of article numbers by
the importer (since removed: the importer draws the ids it writes) to a generic plan that scanned a
million-article catalog for every batch.

Needs ``OPTIONS["server_side_binding"] = True`` (config/settings/base.py, ``KITU_PG_PREPARED_STATEMENTS``); off
behind a connection pooler in transaction mode that cannot keep prepared statements (PgBouncer before 1.21)."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base

HOT_STATEMENTS: set[str] = set()
NEVER = 2**31 - 1  # psycopg's threshold for preparing a statement by itself: only those asked for are prepared


def prepare_on_server(sql: str) -> None:
    """Have ``sql`` prepared on the server wherever it runs (a statement of fixed shape, looking up by key)."""
    HOT_STATEMENTS.add(sql)


class HotStatementCursor(base.ServerBindingCursor):  # type: ignore[name-defined]
    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, **kwargs: Any) -> Any:
        if prepare is None and query in HOT_STATEMENTS:
            prepare = True
        return super().execute(query, params, prepare=prepare, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if params.get("cursor_factory") is base.ServerBindingCursor:  # type: ignore[attr-defined]
            params["cursor_factory"] = HotStatementCursor
            params["prepare_threshold"] = NEVER
        return params
