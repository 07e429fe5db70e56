"""A new row written with the INSERT Django's compiler writes for its model, built once per model and database
instead of once per row.

``Model.save(force_insert=True)`` builds an InsertQuery and compiles it into SQL for every row: on a hot path
that writes one small row per request (an Open311 POST) this took more CPU than sending the row and reading
its id back. ``insert`` keeps what decides the row — each field's ``pre_save`` (``auto_now_add``, ``auto_now``)
and ``get_db_prep_save`` (the database's form of the value) — and the statement the compiler wrote, with
the columns the database returns (the id). It sends no ``pre_save``/``post_save`` signals: use it only for
models nothing listens to (the project sends none for business flow)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import NOT_PROVIDED, Field, Model
from django.db.models.sql import InsertQuery

from kitu.core.postgresql.base import prepare_on_server

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Statement:
    sql: str
    fields: tuple[Field, ...]  # the fields of the row, in the statement's order
    returning: tuple[Field, ...]  # what the database gives back (the id)
    returning_params: tuple[object, ...]


_STATEMENTS: dict[tuple[type[Model], str], Statement | None] = {}


def statement(model: type[Model], using: str = DEFAULT_DB_ALIAS) -> Statement | None:
    """The INSERT of one new ``model`` row as ``save(force_insert=True)`` writes it, compiled once for the
    database ``using``; None (save() then writes it) when the statement depends on the values (a field with
    its own placeholder, a database default, a parent table) or the database cannot return the id as stored."""
    key = (model, using)
    if key in _STATEMENTS:
        return _STATEMENTS[key]
    _STATEMENTS[key] = found = _compile(model, using)
    return found


def _compile(model: type[Model], using: str) -> Statement | None:
    meta = model._meta
    fields = tuple(f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field)
    if meta.parents or any(hasattr(f, "get_placeholder") or f.db_default is not NOT_PROVIDED for f in fields):
        return None
    connection = connections[using]
    returning = tuple(meta.db_returning_fields)
    columns = [f.get_col(meta.db_table) for f in returning]
    if not connection.features.can_return_columns_from_insert or any(
        connection.ops.get_db_converters(c) or c.get_db_converters(connection) for c in columns
    ):
        return None
    query = InsertQuery(model)
    query.insert_values(fields, [model()])  # a blank row: only the shape of the statement is kept
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = list(returning)
    [(sql, _values)] = compiler.as_sql()
    prepare_on_server(sql)  # planned once per connection (kitu.core.postgresql)
    return Statement(sql, fields, returning, tuple(compiler.returning_params))


def insert(instance: M, using: str = DEFAULT_DB_ALIAS) -> M:
    """Write the new ``instance`` (one INSERT; inside a caller's transaction it joins that one, else it
    commits on its own) and set what the database returned (its id), as ``save(force_insert=True)``."""
    found = statement(type(instance), using)
    if found is None:
        instance.save(force_insert=True, using=using)
        return instance
    # as save(): no unsaved related object (Django's own check; not in the type stubs)
    instance._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
    connection = connections[using]
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection=connection) for f in found.fields]
    with connection.cursor() as cursor:
        cursor.execute(found.sql, values)
        returned = connection.ops.fetch_returned_insert_columns(cursor, found.returning_params)
    for field, value in zip(found.returning, returned, strict=True):
        setattr(instance, field.attname, value)
    instance._state.adding, instance._state.db = False, using
    return instance


_COMPUTING: dict[tuple[type[Model], str, str, str], tuple[str, int]] = {}


def insert_computing(instance: M, name: str, sql: str, params: list[Any], using: str = DEFAULT_DB_ALIAS) -> M:
    """:func:`insert` with the field ``name`` computed by the database in the INSERT (``sql``: a scalar
    expression with ``params``) and set on the instance from the row written — e.g. an order number drawn from
    a sequence without a statement of its own. PostgreSQL (or any database returning columns from an INSERT)
    and a model :func:`statement` compiles."""
    found = statement(type(instance), using)
    if found is None:
        raise ValueError(f"{type(instance).__name__}: no compiled INSERT to compute {name} in")
    key = (type(instance), using, name, sql)
    if key not in _COMPUTING:
        qn = connections[using].ops.quote_name
        table = qn(instance._meta.db_table)
        position, computed_field = next((i, f) for i, f in enumerate(found.fields) if f.name == name)
        columns = ", ".join(qn(f.column) for f in found.fields)
        placeholders = ", ".join(sql if f is computed_field else "%s" for f in found.fields)
        returning = ", ".join(f"{table}.{qn(f.column)}" for f in (*found.returning, computed_field))
        text = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {returning}"  # noqa: S608 (names)
        prepare_on_server(text)
        _COMPUTING[key] = (text, position)
    text, position = _COMPUTING[key]
    instance._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
    connection = connections[using]
    params_row: list[Any] = [
        f.get_db_prep_save(f.pre_save(instance, True), connection=connection) for f in found.fields
    ]
    params_row[position : position + 1] = params  # the expression's parameters in the field's place
    with connection.cursor() as cursor:
        cursor.execute(text, params_row)
        *returned, computed = cursor.fetchone()
    for field, value in zip(found.returning, returned, strict=True):
        setattr(instance, field.attname, value)
    setattr(instance, name, computed)
    instance._state.adding, instance._state.db = False, using
    return instance
