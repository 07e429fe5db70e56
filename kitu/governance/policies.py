"""Yes/no permission questions of the governance."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import has_role, is_coop_admin, is_coop_staff
from kitu.accounts.roles import OrgKind, Role
from kitu.members.models import Member
from kitu.members.selectors import own_member_ids


def can_manage(user: Any) -> bool:
    """Assemblies, polls, bodies, minutes: the cooperative's office (coop admins)."""
    return is_coop_admin(user)


def can_read(user: Any) -> bool:
    """The cooperative's staff and every user of a member (the members are the cooperative); not suppliers."""
    if is_coop_staff(user):
        return True
    return bool(own_member_ids(user))


def is_representative_of(user: Any, member: Member) -> bool:
    return has_role(user, Role.REPRESENTATIVE, member.organisation_id)


def can_name_representatives(user: Any, member: Member) -> bool:
    """The member's own admin; the office too (it keeps the register)."""
    if is_coop_admin(user):
        return True
    return member.organisation.kind == OrgKind.MEMBER and has_role(user, Role.MEMBER_ADMIN, member.organisation_id)
