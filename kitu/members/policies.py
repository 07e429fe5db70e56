"""Who may see and change what in the member register."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import has_role, is_coop_admin, is_coop_staff
from kitu.accounts.roles import Role
from kitu.accounts.selectors import organisation_ids

from .models import Member


def can_view_register(user: Any) -> bool:
    """The whole register (all members) is for the cooperative's staff."""
    return is_coop_staff(user)


def can_view_member(user: Any, member: Member) -> bool:
    return is_coop_staff(user) or member.organisation_id in organisation_ids(user)


def can_record_events(user: Any) -> bool:
    """Admissions, shares, notices and exits are recorded by the cooperative's office."""
    return is_coop_admin(user)


def can_edit_member_all(user: Any, member: Member) -> bool:
    return is_coop_admin(user)


def can_edit_member_self_service(user: Any, member: Member) -> bool:
    return has_role(user, Role.MEMBER_ADMIN, member.organisation_id)


def can_manage_subrecords(user: Any, member: Member) -> bool:
    """Contacts, sites, cost centres and Leitweg-IDs: the cooperative or the member's own admins."""
    return can_edit_member_all(user, member) or can_edit_member_self_service(user, member)
