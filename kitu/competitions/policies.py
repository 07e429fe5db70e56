"""Who starts a mini-competition for a member, who follows and evaluates it, which supplier answers."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import is_coop_admin, is_coop_staff
from kitu.members.models import Member
from kitu.orders.policies import can_order_for, order_member_org_ids, supplier_org_ids

from .models import Competition, Status


def can_request(user: Any, member: Member) -> bool:
    """Requesters and member admins of the member (who may order for it), and the cooperative's office on
    the member's behalf (it prepares and sends; the member scores and awards, the order is the member's)."""
    return can_order_for(user, member) or is_coop_admin(user)


def can_request_bundle(user: Any) -> bool:
    """A bundle request for several members: the cooperative's office only."""
    return is_coop_admin(user)


def can_send(user: Any, competition: Competition) -> bool:
    if competition.is_bundle:
        return is_coop_admin(user)
    return can_order_for(user, competition.member) or (is_coop_admin(user) and competition.created_by_id == user.pk)


def can_evaluate(user: Any, competition: Competition) -> bool:
    """Send, score and award: who may order for the member; for a bundle the office (the members read)."""
    if competition.is_bundle:
        return is_coop_admin(user)
    return can_order_for(user, competition.member)


def reads_as_member(user: Any, competition: Competition) -> bool:
    """The member's staff (requesters, approvers, admins) and the cooperative's office follow it."""
    if is_coop_staff(user):
        return True
    orgs = order_member_org_ids(user)
    if competition.is_bundle:
        return competition.bundle_members.filter(member__organisation_id__in=orgs).exists()
    return competition.member.organisation_id in orgs


def invited_supplier_id(user: Any, competition: Competition) -> int | None:
    """The invited supplier the user answers for (none for a draft)."""
    if competition.status == Status.DRAFT:
        return None
    orgs = supplier_org_ids(user)
    if not orgs:
        return None
    invitation = competition.invitations.filter(supplier__organisation_id__in=orgs).first()
    return invitation.supplier_id if invitation else None
