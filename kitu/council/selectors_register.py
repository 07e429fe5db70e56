"""Reads of the council register: the towns a user runs the council office for, the member towns the
cooperative can switch the system on for, and the office's dashboard figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs
from kitu.members.models import COUNCIL_TYPES, Member

from .models import Body, Meeting, Paper
from .visibility import Visibility


def office_bodies(user: Any) -> QuerySet[Body]:
    """The switched-on towns whose council office the user is."""
    if not getattr(user, "is_authenticated", False):
        return Body.objects.none()
    orgs = {org for org, role in role_pairs(user) if role == Role.COUNCIL_OFFICE}
    return Body.objects.filter(member__organisation_id__in=orgs, is_enabled=True, deleted=False).select_related(
        "member__organisation"
    )


def office_body(user: Any, slug: str) -> Body | None:
    return office_bodies(user).filter(slug=slug).first()


def setup_members(q: str = "") -> list[Member]:
    """Current member towns (the kinds of member that have a council), with their council body if any:
    those with a system first, then the others by name; ``q`` searches the name."""
    members = Member.objects.members_on(timezone.localdate()).select_related("organisation", "council_body")
    members = members.filter(Q(member_type__in=COUNCIL_TYPES) | Q(council_body__isnull=False))
    if q.strip():
        members = members.filter(organisation__name__icontains=q.strip())
    return sorted(members, key=lambda m: (not hasattr(m, "council_body"), m.name))


@dataclass(frozen=True)
class Dashboard:
    upcoming: list[Meeting]
    recent_papers: list[Paper]
    counts: dict[str, int]


def dashboard(user: Any, body: Body, limit: int = 5) -> Dashboard:
    seen = Visibility.for_user(user, body)
    now = timezone.now()
    upcoming = list(seen.meetings().filter(start__gte=now).order_by("start").prefetch_related("organizations")[:limit])
    papers = list(seen.papers().order_by("-modified")[:limit])
    counts = {
        "organizations": seen.organizations().count(),
        "persons": seen.persons().count(),
        "memberships": seen.memberships().count(),
        "terms": seen.terms().count(),
        "locations": seen.locations().count(),
        "meetings_upcoming": seen.meetings().filter(start__gte=now).count(),
        "papers": seen.papers().count(),
    }
    return Dashboard(upcoming, papers, counts)
