"""What the database does for a page's rows of OParl objects (``render``): moments as OParl's text and an
empty keyword list as NULL on PostgreSQL, read back with ``row_value``."""

from __future__ import annotations

from typing import Any

from django.db import NotSupportedError, connection
from django.db.models import F, Func, JSONField, TextField


class GermanTime(Func):
    """``http.iso`` done by PostgreSQL: the moment in German time to the second, with its offset
    (``2024-03-31T03:00:00+02:00``). A page embeds about 5,000 moments; read as datetimes and formatted in
    Python they were a third of a meeting page's CPU time. (Before 1893 Berlin's offset had seconds, which
    this leaves out; the council's data starts long after.) PostgreSQL only."""

    arity = 1
    output_field = TextField()
    TEMPLATE = (
        "to_char({0} AT TIME ZONE 'Europe/Berlin', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '+' || "
        "to_char(({0} AT TIME ZONE 'Europe/Berlin') - ({0} AT TIME ZONE 'UTC'), 'HH24:MI')"
    )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return self.TEMPLATE.format(sql), (*params, *params, *params)  # the moment is named three times

    def as_sql(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError("GermanTime is PostgreSQL's; db_values reads plain values elsewhere")


class _NoEmptyList(Func):
    """A JSON list, NULL when empty (most keyword lists are), so that it is not decoded for nothing."""

    arity = 1
    output_field = JSONField()
    template = "NULLIF(%(expressions)s, '[]'::jsonb)"


MOMENTS = frozenset({"created", "modified", "start", "end"})


def db_values(*names: str) -> dict[str, Any]:
    """Annotations ``<name>_db`` for a page's rows: on PostgreSQL the moments arrive as OParl's text and
    an empty keyword list as NULL; on other databases the plain values. Read them with ``row_value``."""
    postgres = connection.vendor == "postgresql"
    wrap = {name: (GermanTime if name in MOMENTS else _NoEmptyList) for name in names} if postgres else {}
    return {f"{name}_db": wrap[name](name) if postgres else F(name) for name in names}


_MISSING = object()


def row_value(obj: Any, name: str) -> Any:
    """``obj.<name>_db`` (``db_values``) where the object or row has it, else ``obj.<name>``."""
    value = getattr(obj, f"{name}_db", _MISSING)
    return getattr(obj, name) if value is _MISSING else value
