"""Who may manage campaigns and who answers them for a member."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import has_role
from kitu.accounts.roles import Role
from kitu.contracts.policies import can_manage_contracts

# Member roles that see their member's campaigns and answer them (the budget holders and requesters).
ANSWER_ROLES = (Role.MEMBER_ADMIN, Role.REQUESTER, Role.APPROVER)


def can_manage_campaigns(user: Any) -> bool:
    return can_manage_contracts(user)


def can_answer_for(user: Any, organisation_id: int) -> bool:
    return any(has_role(user, role, organisation_id) for role in ANSWER_ROLES)
