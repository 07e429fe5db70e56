"""Reads of working groups and meetings, scoped to the acting user: coop staff see everything; member
staff see the groups (to join them), the meetings of the groups they belong to, and all trainings and
events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from kitu.accounts.models import Organisation, User
from kitu.accounts.roles import OrgKind
from kitu.accounts.selectors import organisation_ids
from kitu.core.errors import NotFound
from kitu.core.rows import TaskRows

from .models import (
    CalendarFeed,
    DocumentVersion,
    GroupMembership,
    Meeting,
    MembershipStatus,
    MinutesItem,
    MinutesItemKind,
    NewsItem,
    Registration,
    RegistrationStatus,
    WorkingGroup,
)
from .policies import can_manage_groups, is_staff_of_member_or_coop


def visible_groups(user: Any) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.all() if is_staff_of_member_or_coop(user) else WorkingGroup.objects.none()


def active_group_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        GroupMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values_list("group_id", flat=True)
    )


def registered_count() -> Coalesce:
    """The number of registered (not waiting, not cancelled) places of the meeting, as a subquery: counting
    or paging the meetings then needs no join with every registration (``count()`` leaves it out)."""
    places = (
        Registration.objects.filter(meeting=OuterRef("pk"), status=RegistrationStatus.REGISTERED)
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(places), 0)


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("group").annotate(registered=registered_count())
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


def group_member_ids(group: WorkingGroup) -> set[int]:
    return set(
        GroupMembership.objects.filter(group=group, status=MembershipStatus.ACTIVE).values_list("user_id", flat=True)
    )


def is_insider(user: Any, group: WorkingGroup) -> bool:
    """Sees the group's meetings, members, minutes and documents: its active members and the office."""
    return can_manage_groups(user) or group.pk in active_group_ids(user)


def invitees(meeting: Meeting) -> list[int]:
    """Who an invitation goes to: the group's members, or for a training or event the active staff of all
    members and of the cooperative."""
    if meeting.group_id is not None:
        users = User.objects.filter(
            group_memberships__group_id=meeting.group_id, group_memberships__status=MembershipStatus.ACTIVE
        )
    else:
        users = User.objects.filter(
            role_assignments__organisation__kind__in=(OrgKind.MEMBER, OrgKind.COOPERATIVE)
        ).distinct()
    return sorted(users.filter(is_active=True).values_list("pk", flat=True))


def version_for(user: Any, version_id: int) -> DocumentVersion:
    """A document version, only for the members of its group and the office (NotFound otherwise)."""
    version = DocumentVersion.objects.select_related("document__group").filter(pk=version_id).first()
    if version is None or not is_insider(user, version.document.group):
        raise NotFound("Document not found")
    return version


def visible_news(user: Any) -> QuerySet[NewsItem]:
    """Published news for everyone of the members and the cooperative; group news for that group only."""
    qs = NewsItem.objects.select_related("group")
    if can_manage_groups(user):
        return qs
    if not is_staff_of_member_or_coop(user):
        return qs.none()
    return qs.filter(published_at__lte=timezone.now()).filter(
        Q(group__isnull=True) | Q(group_id__in=active_group_ids(user))
    )


def open_action_items(user: Any) -> QuerySet[MinutesItem]:
    return (
        MinutesItem.objects.filter(kind=MinutesItemKind.ACTION, owner=user, done_on__isnull=True)
        .select_related("meeting__group")
        .order_by("due_on", "pk")
    )


def my_meetings(user: Any) -> QuerySet[Meeting]:
    """The user's meetings: the ones registered for (or waiting) and those of the user's groups."""
    mine = Registration.objects.filter(user=user).exclude(status=RegistrationStatus.CANCELLED)
    return visible_meetings(user).filter(Q(pk__in=mine.values("meeting_id")) | Q(group_id__in=active_group_ids(user)))


def start_widgets(user: Any) -> dict[str, Any]:
    """The start page's part of the working groups: my groups, my upcoming meetings, the news (open action
    items are tasks of the task inbox)."""
    if not is_staff_of_member_or_coop(user):
        return {}
    return {
        "my_groups": list(WorkingGroup.objects.filter(pk__in=active_group_ids(user))),
        "my_meetings": list(my_meetings(user).filter(ends_at__gte=timezone.now()).order_by("starts_at")[:5]),
        "news": list(visible_news(user).filter(published_at__lte=timezone.now())[:5]),
        "today": timezone.localdate(),
    }


def feed_user(token: str) -> User | None:
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    return feed.user if feed is not None else None


def feed_meetings(user: Any) -> QuerySet[Meeting]:
    """The calendar feed: the user's meetings from 90 days back on (cancelled registrations drop out)."""
    return my_meetings(user).filter(ends_at__gte=timezone.now() - dt.timedelta(days=90)).order_by("starts_at")


def unbilled_fees() -> QuerySet[Registration]:
    """Fees of registrations of meetings that are over, not yet billed (no-shows pay, as announced)."""
    return Registration.objects.filter(
        status=RegistrationStatus.REGISTERED,
        fee__gt=0,
        billed_at__isnull=True,
        meeting__ends_at__lt=timezone.now(),
    )


def unbilled_fees_by_organisation() -> list[dict[str, Any]]:
    return list(
        unbilled_fees()
        .values("organisation_id", "organisation__name")
        .annotate(count=Count("pk"), total=Sum("fee"))
        .order_by("organisation__name")
    )


# --- the task inbox (kitu.tasks reads these; one query each, facts only) ---------------------------------


def action_item_tasks(user: Any) -> TaskRows:
    """The user's open action items from minutes; ``since`` is the end of the meeting that assigned them."""
    if not getattr(user, "is_authenticated", False):
        return []
    return MinutesItem.objects.filter(kind=MinutesItemKind.ACTION, owner=user, done_on__isnull=True).values(
        "pk", "text", "due_on", "meeting_id", "meeting__title", "meeting__ends_at"
    )


def registration_tasks(user: Any, now: dt.datetime | None = None) -> TaskRows:
    """Upcoming meetings of the user's groups with the invitation out and no registration of the user
    (neither registered nor waiting)."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    mine = GroupMembership.objects.filter(group_id=OuterRef("group_id"), user=user, status=MembershipStatus.ACTIVE)
    registered = Registration.objects.filter(meeting_id=OuterRef("pk"), user=user).exclude(
        status=RegistrationStatus.CANCELLED
    )
    return (
        Meeting.objects.filter(invited_at__isnull=False, starts_at__gt=now, group__isnull=False)
        .filter(Exists(mine))
        .exclude(Exists(registered))
        .values("pk", "title", "starts_at", "invited_at", "group__name")
    )


def join_request_tasks(user: Any) -> TaskRows:
    """Requests to join a group: all for the office, those of the groups they coordinate for coordinators."""
    if not getattr(user, "is_authenticated", False):
        return []
    pending = GroupMembership.objects.filter(status=MembershipStatus.PENDING)
    if not can_manage_groups(user):
        coordinated = GroupMembership.objects.filter(
            group_id=OuterRef("group_id"), user=user, is_coordinator=True, status=MembershipStatus.ACTIVE
        )
        pending = pending.filter(Exists(coordinated))
    return pending.values("pk", "group_id", "group__name", "user__full_name", "user__email", "created_at")
