"""Who sees and does what in the service desk (docs/servicedesk.md).

- The cooperative's service desk (role ``service_desk``) and its office (``coop_admin``) see every ticket, work
  the queues, write internal notes, record time, merge.
- A member's users report tickets for their member; member admins see all of their member's tickets, every
  other member user only the tickets they reported. Nobody of a member ever sees an internal note.
- Anybody else (suppliers, contract managers, other members) sees none: 404."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import is_coop_admin
from kitu.accounts.roles import ROLES_BY_KIND, OrgKind, Role
from kitu.accounts.selectors import role_pairs

MEMBER_ROLES = ROLES_BY_KIND[OrgKind.MEMBER]


def is_desk_staff(user: Any) -> bool:
    return is_coop_admin(user) or any(role == Role.SERVICE_DESK for _org, role in role_pairs(user))


def reporting_org_ids(user: Any) -> set[int]:
    """Member organisations the user may report tickets for (any member role there)."""
    return {org for org, role in role_pairs(user) if role in MEMBER_ROLES}


def admin_org_ids(user: Any) -> set[int]:
    return {org for org, role in role_pairs(user) if role == Role.MEMBER_ADMIN}


def can_report(user: Any, member_org_id: int) -> bool:
    return member_org_id in reporting_org_ids(user)
