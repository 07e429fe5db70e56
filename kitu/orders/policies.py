"""Who orders for a member, who sees its orders, who sets its approval rules."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Value

from kitu.accounts.policies import has_role, is_coop_staff
from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs
from kitu.core.prepared import Prepared
from kitu.members.models import Member

READ_WITH_RULE = "kitu_read_with_rule"  # set on member rows read with their approval rule
ORDER_ROLES = (Role.REQUESTER, Role.MEMBER_ADMIN)
MEMBER_ROLES = (Role.REQUESTER, Role.MEMBER_ADMIN, Role.APPROVER)


# with what a checkout needs of the member: the default delivery site and the approval rule (one join each;
# the flag tells planning.build that the rule was read with the row, also when the member has none)
_ORDERING_MEMBERS: Prepared[Member] = Prepared(
    lambda orgs: (
        Member.objects.with_name()
        .select_related("default_site", "approval_policy")
        .annotate(**{READ_WITH_RULE: Value(True, output_field=BooleanField())})
        .filter(organisation_id__in=orgs)
        .order_by("organisation__name")
    )
)


def ordering_members(user: Any) -> list[Member]:
    """The members the user may order for (requester or member admin there)."""
    return _ORDERING_MEMBERS(sorted({org for org, role in role_pairs(user) if role in ORDER_ROLES}))


def can_order_for(user: Any, member: Member) -> bool:
    return any(has_role(user, role, member.organisation_id) for role in ORDER_ROLES)


def order_member_org_ids(user: Any) -> set[int]:
    """Organisations whose orders the user sees: its requesters, approvers and member admins."""
    return {org for org, role in role_pairs(user) if role in MEMBER_ROLES}


def can_see_all_orders(user: Any) -> bool:
    return is_coop_staff(user)


def can_manage_rules(user: Any, member: Member) -> bool:
    return has_role(user, Role.MEMBER_ADMIN, member.organisation_id)


def supplier_org_ids(user: Any) -> set[int]:
    """Supplier organisations the user works for (the supplier portal shows their orders only)."""
    return {org for org, role in role_pairs(user) if role == Role.SUPPLIER_USER}


def is_supplier_of(user: Any, supplier_org_id: int) -> bool:
    return has_role(user, Role.SUPPLIER_USER, supplier_org_id)


def can_manage_baskets(user: Any) -> bool:
    """The office curates the standard baskets."""
    return is_coop_staff(user)
