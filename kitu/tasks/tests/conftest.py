"""Helpers of the task inbox tests: the kinds and titles of a user's tasks, read fresh from the database — and
each time counted too: the header's count (one statement over every kind's selector) must be the list's length."""

from __future__ import annotations

from typing import Any

from kitu.accounts.models import User
from kitu.tasks import registry


def tasks_of(user: Any, kind: str = "") -> list[registry.Task]:
    fresh = User.objects.get(pk=user.pk)
    found = registry.tasks_for(fresh, kind=kind)
    assert registry.count_for(fresh, kind=kind) == len(found), kind
    return found


def titles(user: Any, kind: str) -> list[str]:
    return [t.title for t in tasks_of(user, kind)]
