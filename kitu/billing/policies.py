"""Who sees and does what in billing: the office (coop admin) runs billing, decides requests and records
payments; coop staff read every invoice; a member's admins and approvers read that member's invoices and
subscriptions; its admins request services."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import has_role, is_coop_admin, is_coop_staff
from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs
from kitu.members.models import Member

READER_ROLES = (Role.MEMBER_ADMIN, Role.APPROVER)


def can_manage_billing(user: Any) -> bool:
    return is_coop_admin(user)


def can_see_all_billing(user: Any) -> bool:
    return is_coop_staff(user)


def reader_org_ids(user: Any) -> set[int]:
    """Organisations whose invoices and subscriptions the user reads (its member admins and approvers)."""
    return {org for org, role in role_pairs(user) if role in READER_ROLES}


def can_request_for(user: Any, member: Member) -> bool:
    return is_coop_admin(user) or has_role(user, Role.MEMBER_ADMIN, member.organisation_id)


def can_use_billing(user: Any) -> bool:
    return can_see_all_billing(user) or bool(reader_org_ids(user))
