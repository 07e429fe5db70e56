"""Yes/no permission questions about users and roles."""

from __future__ import annotations

from typing import Any

from .models import Organisation
from .roles import COOP_STAFF_ROLES, SECOND_FACTOR_ROLES, OrgKind, Role
from .selectors import role_pairs


def has_role(user: Any, role: str, organisation_id: int | None = None) -> bool:
    return any(r == role and (organisation_id is None or o == organisation_id) for o, r in role_pairs(user))


def is_coop_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or has_role(user, Role.COOP_ADMIN)


def is_coop_staff(user: Any) -> bool:
    return is_coop_admin(user) or any(r in COOP_STAFF_ROLES for _, r in role_pairs(user))


def needs_second_factor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or any(r in SECOND_FACTOR_ROLES for _, r in role_pairs(user))


def can_read_audit(user: Any) -> bool:
    return is_coop_admin(user)


def can_manage_users_of(user: Any, organisation: Organisation) -> bool:
    """Coop admins manage everyone; member admins manage their own member's users."""
    if is_coop_admin(user):
        return True
    return organisation.kind == OrgKind.MEMBER and has_role(user, Role.MEMBER_ADMIN, organisation.pk)
