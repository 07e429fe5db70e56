"""Who may change what in the catalog."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import is_coop_staff


def can_edit_synonyms(user: Any) -> bool:
    """The search's synonym list is kept by the cooperative's office (coop admins and contract managers)."""
    return bool(getattr(user, "is_authenticated", False)) and is_coop_staff(user)
