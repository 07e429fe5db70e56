"""Writing the audit trail. Services call :func:`record` inside their transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from . import inserts
from .models import AuditEntry

REDACTED = "***"


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime, Decimal)):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def snapshot(instance: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The values of ``fields`` as JSON-ready data (foreign keys as their id)."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname) if isinstance(field, models.ForeignKey) else getattr(instance, name)
        data[name] = _plain(value)
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    before = before or {}
    after = after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    *,
    actor: Any,
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    redact: tuple[str, ...] = (),
    sealed_until: dt.datetime | None = None,
) -> AuditEntry | None:
    """Append one audit row; nothing is written when an update changed nothing.

    ``redact`` names fields whose values are personal data that must be deletable (GDPR): the row
    records that they changed, not what they were.
    """
    changes = diff(before, after)
    if action == AuditEntry.Action.UPDATE and not changes:
        return None
    for name in redact:
        if name in changes:
            changes[name] = [REDACTED, REDACTED]
    label = f"{instance._meta.verbose_name} #{instance.pk}" if redact else str(instance)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return inserts.insert(  # the INSERT compiled once (append-only: a new row is all AuditEntry.save allows)
        AuditEntry(
            actor=actor_obj,
            actor_email=getattr(actor_obj, "email", "") or "system",
            action=action,
            object_type=instance._meta.label,
            object_id=str(instance.pk),
            object_repr=label[:200],
            changes=changes,
            sealed_until=sealed_until,
        )
    )
