"""Who may see and manage framework contracts."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import has_role, is_coop_admin
from kitu.accounts.roles import Role


def can_manage_contracts(user: Any) -> bool:
    return is_coop_admin(user) or has_role(user, Role.CONTRACT_MANAGER)


def can_manage_inhouse(user: Any) -> bool:
    """In-house awards (§ 108 GWB) are decided by the cooperative's office."""
    return is_coop_admin(user)


def can_read_inhouse(user: Any) -> bool:
    """The office and the contract management read in-house entities, awards and their notes."""
    return can_manage_contracts(user)
