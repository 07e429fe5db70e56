"""What an import found: its counts, errors (with line and article number) and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import bmecat

MAX_ERRORS = 1000


class ImportRolledBack(Exception):
    pass


@dataclass
class Outcome:
    total: int = 0
    new: int = 0
    changed: int = 0
    deactivated: int = 0
    price_changes: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    header: bmecat.Header | None = None
    saved_files: list[str] = field(default_factory=list)
    where: str = ""  # the product being read, for an unexpected error
    stored_images: dict[str, str] = field(default_factory=dict)  # member of the ZIP → stored path

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)
