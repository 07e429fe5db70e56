"""Who reads and keeps the register of specialist procedures (docs/procedures.md).

- The cooperative's staff (coop admin, contract management, service desk) read every member's entries and
  the matrix procedures × members, and export it.
- A member's staff read their member's entries; councillors (council_member) do not.
- Only the member's administration (member admin) creates, changes and deletes its entries."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import has_role, is_coop_admin
from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs

COOP_ROLES = (Role.COOP_ADMIN, Role.CONTRACT_MANAGER, Role.SERVICE_DESK)
MEMBER_READ_ROLES = (
    Role.MEMBER_ADMIN,
    Role.REQUESTER,
    Role.APPROVER,
    Role.CASE_WORKER,
    Role.WORKGROUP_MEMBER,
    Role.COUNCIL_OFFICE,
    Role.REPRESENTATIVE,
)
EDIT_ROLES = (Role.MEMBER_ADMIN,)


def is_office(user: Any) -> bool:
    """Coop staff who see the whole register."""
    return is_coop_admin(user) or any(role in COOP_ROLES for _org, role in role_pairs(user))


def member_org_ids(user: Any, roles: tuple[str, ...] = MEMBER_READ_ROLES) -> set[int]:
    return {org for org, role in role_pairs(user) if role in roles}


def can_edit(user: Any, member_org_id: int) -> bool:
    return any(has_role(user, role, member_org_id) for role in EDIT_ROLES)
