"""Who manages working groups and who sees and joins what."""

from __future__ import annotations

from typing import Any

from kitu.accounts.models import Organisation
from kitu.accounts.policies import is_coop_staff
from kitu.accounts.roles import OrgKind
from kitu.accounts.selectors import role_pairs

from .models import GroupMembership, MembershipStatus


def can_manage_groups(user: Any) -> bool:
    return is_coop_staff(user)


def is_staff_of_member_or_coop(user: Any) -> bool:
    """Suppliers and citizens have no part in the working groups; member and cooperative staff do."""
    orgs = {org for org, _role in role_pairs(user)}
    return (
        bool(orgs) and Organisation.objects.filter(pk__in=orgs, kind__in=(OrgKind.MEMBER, OrgKind.COOPERATIVE)).exists()
    )


def is_coordinator(user: Any, group_id: int | None) -> bool:
    return (
        group_id is not None
        and getattr(user, "is_authenticated", False)
        and GroupMembership.objects.filter(
            group_id=group_id, user=user, is_coordinator=True, status=MembershipStatus.ACTIVE
        ).exists()
    )


def can_run_group(user: Any, group_id: int | None) -> bool:
    """The office, or a coordinator of the group: edits its meetings, members, minutes and documents."""
    return can_manage_groups(user) or is_coordinator(user, group_id)
