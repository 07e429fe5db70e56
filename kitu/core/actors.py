"""The actor of work nobody did in person: management commands, periodic tasks, imports.

Services take the acting user; system work passes ``SYSTEM`` explicitly instead of ``None``, so a service can
tell "the platform did this" from "nobody is signed in". The audit trail records it as "system".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    name: str = "system"
    pk: None = None
    email: str = "system"
    is_authenticated: bool = False
    is_active: bool = True
    is_superuser: bool = False


SYSTEM = SystemActor()
