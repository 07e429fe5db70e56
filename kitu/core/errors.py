"""Domain errors raised by services; views and the API turn them into messages and 4xx answers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A rule of the domain forbids the requested change. ``field`` names the input at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist or the acting user may not see it (never tell which)."""


class PermissionDenied(DomainError):
    """The acting user sees the object but may not change it."""


def full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    """Model validation turned into a DomainError naming the first field at fault."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from exc
