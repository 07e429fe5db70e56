"""Who reads and keeps the asset register (docs/assets.md).

- The cooperative's staff (coop admin, contract management, service desk) read every member's devices.
- A member's ordering staff (member admin, requester, approver) read their member's devices.
- The member admin and requesters (who book goods receipts) enter devices by hand, enter serial numbers,
  site, cost centre and responsible person, and change the status.
- Putting due replacements into a demand campaign: who answers campaigns for the member
  (kitu.bundling.policies)."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import has_role, is_coop_admin
from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs

COOP_ROLES = (Role.COOP_ADMIN, Role.CONTRACT_MANAGER, Role.SERVICE_DESK)
MEMBER_READ_ROLES = (Role.MEMBER_ADMIN, Role.REQUESTER, Role.APPROVER)
EDIT_ROLES = (Role.MEMBER_ADMIN, Role.REQUESTER)


def is_office(user: Any) -> bool:
    return is_coop_admin(user) or any(role in COOP_ROLES for _org, role in role_pairs(user))


def member_org_ids(user: Any, roles: tuple[str, ...] = MEMBER_READ_ROLES) -> set[int]:
    return {org for org, role in role_pairs(user) if role in roles}


def can_edit(user: Any, member_org_id: int) -> bool:
    return any(has_role(user, role, member_org_id) for role in EDIT_ROLES)
