"""Rows that are read or only counted: the task inbox's selectors return their query unevaluated, so that the
header's task count on every page can count all of them in one statement instead of reading each (issue 23.4)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Aggregate, QuerySet, TextField

# A selector's rows: an unevaluated query (counted in SQL) or a list (a selector that has nothing to ask, or
# that builds its rows in Python; counted with len()).
TaskRows = QuerySet[Any, Any] | list[Any]


def count_rows(rows: Iterable[TaskRows]) -> int:
    """How many rows there are together: the lists by len(), the queries in one statement of scalar
    subqueries, ``SELECT (SELECT COUNT(*) FROM (q1) …) + (SELECT COUNT(*) FROM (q2) …)``, each planned on its
    own (and on its own index). A query keeps its LIMIT (a capped selector counts capped); unsliced ones lose
    their ORDER BY, which a count does not need."""
    total, using = 0, "default"
    parts: list[str] = []
    params: list[Any] = []
    for found in rows:
        if not isinstance(found, QuerySet):
            total += len(found)
            continue
        query = found if found.query.is_sliced else found.order_by()
        try:
            sql, query_params = query.query.get_compiler(using=query.db).as_sql()
        except EmptyResultSet:  # e.g. ``pk__in=[]``: nothing to count
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS kitu_rows_{len(parts)})")  # noqa: S608 -- compiled SQL, values bound
        params.extend(query_params)
        using = found.db
    if parts:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT " + " + ".join(parts), params)
            (counted,) = cursor.fetchone()
            total += int(counted)
    return total


class Joined(Aggregate):
    """The texts of a group joined by ``,`` in no particular order (NULL for no rows): ``STRING_AGG`` on
    PostgreSQL, ``GROUP_CONCAT`` on SQLite. Reads a few small rows with their parent row in one statement
    (``Subquery`` of ``values(key).annotate(Joined(...))``) where a prefetch would take a statement of its own."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def joined_pairs(text: str | None) -> list[tuple[str, str]]:
    """The ``key:value`` pairs of a :class:`Joined` text of ``Concat(key, ":", value)`` (none for NULL); the
    keys hold no ``:`` and the values no ``,``."""
    return [(key, value) for key, _, value in (pair.partition(":") for pair in filter(None, (text or "").split(",")))]
