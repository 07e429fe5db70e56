"""The statutes' choices as settings (``KITU_GOVERNANCE`` in the settings, these are the defaults)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "INVITATION_DAYS": 14,  # § 46 GenG: at least two weeks
    "MAX_PROXIES": 2,  # § 43 (5) GenG: a proxy represents at most two members
    "VIRTUAL_ALLOWED": True,  # § 43b GenG: only where the statutes allow it
    "HYBRID_ALLOWED": True,
    "WRITTEN_VOTING": True,  # § 43 (7) GenG: written or electronic voting before the assembly
    "MULTIPLE_VOTES": False,  # § 43 (3) GenG: multiple votes only under the statutes
    "QUORUM_PERCENT": 0,  # share of all members' votes that must be present; 0 = none (GenG sets none)
}


def get(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "KITU_GOVERNANCE", {})}[name]
