"""Helpers of the task inbox tests: the kinds and titles of a user's tasks, read fresh from the database."""

from __future__ import annotations

from typing import Any

from kitu.accounts.models import User
from kitu.tasks import registry


def tasks_of(user: Any, kind: str = "") -> list[registry.Task]:
    return registry.tasks_for(User.objects.get(pk=user.pk), kind=kind)


def titles(user: Any, kind: str) -> list[str]:
    return [t.title for t in tasks_of(user, kind)]
