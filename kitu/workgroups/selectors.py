"""Reads of working groups and meetings, scoped to the acting user: coop staff see everything; member
staff see the groups (to join them), the meetings of the groups they belong to, and all trainings and
events."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kitu.accounts.models import Organisation
from kitu.accounts.roles import OrgKind
from kitu.accounts.selectors import organisation_ids
from kitu.core.errors import NotFound

from .models import GroupMembership, Meeting, MembershipStatus, Registration, RegistrationStatus, WorkingGroup
from .policies import can_manage_groups, is_staff_of_member_or_coop


def visible_groups(user: Any) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.all() if is_staff_of_member_or_coop(user) else WorkingGroup.objects.none()


def active_group_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        GroupMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values_list("group_id", flat=True)
    )


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("group").annotate(
        registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED))
    )
    if can_manage_groups(user):
        return qs
    if not is_staff_of_member_or_coop(user):
        return qs.none()
    return qs.filter(Q(group__isnull=True) | Q(group_id__in=active_group_ids(user)))


def upcoming_meetings(user: Any) -> QuerySet[Meeting]:
    return visible_meetings(user).filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")


def meeting_for(user: Any, meeting_id: int) -> Meeting:
    meeting = visible_meetings(user).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("Meeting not found")
    return meeting


def registering_organisation(user: Any) -> Organisation | None:
    """The organisation a user registers for (its member; coop staff for the cooperative): the one the
    per-member limit counts against."""
    orgs = Organisation.objects.filter(pk__in=organisation_ids(user)).order_by("kind", "name")
    return orgs.filter(kind=OrgKind.MEMBER).first() or orgs.filter(kind=OrgKind.COOPERATIVE).first()


def waiting_position(registration: Registration | None) -> int | None:
    """1-based place on the waiting list (None unless waiting)."""
    if registration is None or registration.status != RegistrationStatus.WAITING:
        return None
    ahead = Registration.objects.filter(
        meeting_id=registration.meeting_id, status=RegistrationStatus.WAITING, queued_at__lt=registration.queued_at
    ).count()
    return ahead + 1
