"""Yes/no permission questions about users and roles."""

from __future__ import annotations

from typing import Any

from django_otp import user_has_device

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


def second_factor_target(user: Any, *, relaxed: bool) -> str:
    """Where a signed-in user must go before anything else: the verification of the second factor
    (``accounts:otp_verify``), its setup (``accounts:otp_setup``), or nowhere (empty)."""
    if not getattr(user, "is_authenticated", False) or user.is_verified():
        return ""
    if user_has_device(user):
        return "accounts:otp_verify"
    if needs_second_factor(user) and not relaxed:
        return "accounts:otp_setup"
    return ""


def can_read_audit(user: Any) -> bool:
    return is_coop_admin(user)


def can_manage_users_of(user: Any, organisation: Organisation) -> bool:
    """Coop admins manage everyone; member admins manage their own member's users."""
    if is_coop_admin(user):
        return True
    return organisation.kind == OrgKind.MEMBER and has_role(user, Role.MEMBER_ADMIN, organisation.pk)
