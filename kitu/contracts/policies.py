"""Who may see and manage framework contracts."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import has_role, is_coop_admin
from kitu.accounts.roles import Role


def can_manage_contracts(user: Any) -> bool:
    return is_coop_admin(user) or has_role(user, Role.CONTRACT_MANAGER)
