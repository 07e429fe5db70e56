"""A read of fixed shape whose SQL Django compiles once per database, instead of on every call.

Building a queryset and compiling it (joins of ``select_related``, the select list, ORDER BY, WHERE) costs
Django more CPU than sending the statement and reading its rows: on the order path (issue 23.3) about half of
the CPU of a request. :class:`Prepared` builds the queryset once with marker values in place of its
arguments, compiles it, and remembers where in the statement's parameters each marker went; a call sends the
same SQL with the call's values in those places and turns the rows into model instances (or values) exactly
as the queryset would — ``select_related``, annotations, ``values_list``, ``select_for_update`` and
``prefetch_related`` (the prefetches themselves are compiled as usual) included.

Arguments are ints or strings, or lists of them (compiled once per length: ``pk__in`` with 1 or 3 ids are
two statements). The queryset must depend on the arguments only through the values it filters by (not
through its shape: no ``if`` on an argument inside ``build``); a marker the statement does not carry as a
parameter is an error at the first call. The answer is a list: the queryset cannot be chained further."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.query import Query
from django.db.transaction import TransactionManagementError

from kitu.core.postgresql.base import prepare_on_server

T = TypeVar("T")
Arg = int | str | Sequence[int] | Sequence[str]

_INT_MARK = 1_900_000_000  # no id or constant of these statements comes near (int4 still holds it)
_STR_MARK = "\x1ekitu-prepared-{}\x1e"


@dataclass
class _Statement:
    sql: str
    template: list[Any]  # the parameters, markers included (replaced per call)
    slots: list[tuple[int, int]]  # (position in the parameters, index of the flat argument)
    compiler: Any  # as compiled: select list, klass_info, annotation columns
    queryset: QuerySet[Any]
    locks: bool  # SELECT … FOR UPDATE: only inside a transaction
    converters: weakref.WeakKeyDictionary[Any, Any] = field(default_factory=weakref.WeakKeyDictionary)


_EMPTY = object()  # a statement with an empty ``IN ()``: no rows, no query (as Django)


class Prepared(Generic[T]):
    """``Prepared(lambda user_id: Model.objects.filter(user_id=user_id).select_related(...))``; calling it
    with the arguments returns the rows as ``list(queryset)`` would."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self.build = build
        self._statements: dict[tuple[str, tuple[Any, ...]], _Statement | object] = {}

    def __call__(self, *args: Arg, using: str = DEFAULT_DB_ALIAS) -> list[T]:
        flat: list[Any] = []
        shape: list[Any] = []
        for arg in args:
            if isinstance(arg, (list, tuple)):
                shape.append((len(arg), type(arg[0]) if arg else None))
                flat.extend(arg)
            else:
                shape.append(type(arg))
                flat.append(arg)
        key = (using, tuple(shape))
        statement = self._statements.get(key)
        if statement is None:
            statement = self._statements[key] = self._compile(args, using)
        if statement is _EMPTY:
            return []
        assert isinstance(statement, _Statement)
        params = list(statement.template)
        for position, index in statement.slots:
            params[position] = flat[index]
        connection = connections[using]
        if statement.locks and connection.get_autocommit() and connection.features.supports_transactions:
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        # shallow copies by hand: copy.copy() of a QuerySet would evaluate it (its __getstate__)
        compiler = _shallow(statement.compiler)
        compiler.connection, compiler.kitu_params = connection, params
        query = _shallow(statement.queryset.query)
        query.kitu_compiler = compiler
        queryset = _shallow(statement.queryset)
        queryset._query = query  # not .query: its setter would change a values_list() into values()
        return list(queryset)

    def _compile(self, args: Sequence[Arg], using: str) -> _Statement | object:
        marks: list[Any] = []
        flat_marks: list[Any] = []
        for arg in args:
            if isinstance(arg, (list, tuple)):
                group = [_mark(item, len(flat_marks) + i) for i, item in enumerate(arg)]
                marks.append(type(arg)(group))
                flat_marks.extend(group)
            else:
                marks.append(_mark(arg, len(flat_marks)))
                flat_marks.append(marks[-1])
        queryset = self.build(*marks)
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _EMPTY
        where = {mark: index for index, mark in enumerate(flat_marks)}
        slots = [(position, where[p]) for position, p in enumerate(params) if _hashable(p) and p in where]
        missing = set(range(len(flat_marks))) - {index for _position, index in slots}
        if missing:
            raise ValueError(f"Prepared: the statement does not carry argument(s) {sorted(missing)} as parameters")
        compiler.__class__ = type("Prepared" + type(compiler).__name__, (_CompiledMixin, type(compiler)), {})
        compiler.kitu_sql = sql
        prepare_on_server(sql)  # of fixed shape, by key: planned once per connection (kitu.core.postgresql)
        query = queryset.query
        query.__class__ = _prepared_query_class(type(query))
        statement = _Statement(sql, list(params), slots, compiler, queryset, bool(query.select_for_update))
        compiler.kitu_statement = statement
        return statement


class _CompiledMixin:
    kitu_sql: str
    kitu_params: list[Any]
    kitu_statement: _Statement
    connection: Any

    def as_sql(self, *args: Any, **kwargs: Any) -> tuple[str, list[Any]]:
        return self.kitu_sql, self.kitu_params

    def get_converters(self, expressions: Any) -> Any:  # the same expressions on every call
        cache = self.kitu_statement.converters
        found = cache.get(self.connection)
        if found is None:
            found = cache[self.connection] = super().get_converters(expressions)  # type: ignore[misc]
        return found


_QUERY_CLASSES: dict[type[Query], type[Query]] = {}


def _prepared_query_class(base: type[Query]) -> type[Query]:
    found = _QUERY_CLASSES.get(base)
    if found is None:

        def get_compiler(self: Any, using: Any = None, connection: Any = None, elide_empty: bool = True) -> Any:
            return self.kitu_compiler

        found = _QUERY_CLASSES[base] = type("Prepared" + base.__name__, (base,), {"get_compiler": get_compiler})
    return found


def _shallow(obj: Any) -> Any:
    twin = object.__new__(type(obj))
    twin.__dict__.update(obj.__dict__)
    return twin


def _mark(arg: Any, index: int) -> Any:
    if isinstance(arg, bool) or not isinstance(arg, (int, str)):
        raise TypeError(f"Prepared: arguments are ints or strings (or lists of them), not {type(arg).__name__}")
    return _INT_MARK + index if isinstance(arg, int) else _STR_MARK.format(index)


def _hashable(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def set_prefetched(instance: Any, name: str, rows: list[Any]) -> None:
    """Hand ``rows`` to ``instance`` as if ``prefetch_related(name)`` had read them (``instance.<name>.all()``
    answers from them), for a relation read by a :class:`Prepared` statement."""
    related = getattr(instance, name).all()
    related._result_cache, related._prefetch_done = rows, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = related
