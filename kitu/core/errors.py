"""Domain errors raised by services; views and the API turn them into messages and 4xx answers."""

from __future__ import annotations


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
