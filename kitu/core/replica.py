"""Reporting reads on a read replica (docs/scaling.md).

The ``replica`` database alias is ``KITU_DATABASE_REPLICA_URL`` (a streaming replica of the primary) or,
without it, the primary itself. Reporting reads — exports, dashboards, figures — ask for
``reporting_db()`` explicitly (``queryset.using(reporting_db())`` or ``for_reporting(queryset)``); everything
else, and every write, stays on the primary through ``ReplicaRouter``. A replica lags the primary by a
moment, so nothing that a user has just changed and expects to see again (forms, lists after an action,
locks, numbers) reads from it; only reports that may be a few seconds old.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models

REPLICA = "replica"
M = TypeVar("M", bound=models.Model)


def reporting_db() -> str:
    """The alias for reporting reads: the replica when one is configured, else the primary."""
    if settings.KITU_DATABASE_REPLICA_URL:
        return REPLICA
    return DEFAULT_DB_ALIAS


def for_reporting(queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    return queryset.using(reporting_db())


class ReplicaRouter:
    """Every read and write on the primary unless a query names the replica; only the primary migrates."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return str(instance._state.db)  # related objects of a reporting row come from where it came from
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool:
        return True  # one database behind both aliases

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
