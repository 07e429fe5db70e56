"""Reads of the service desk, scoped to the acting user: the cooperative's staff see every ticket, member
admins their member's, other member users the ones they reported; anything else answers NotFound."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kitu.billing.models import Service, Subscription
from kitu.core.errors import NotFound
from kitu.core.rows import TaskRows
from kitu.members.models import Member

from . import conf
from .models import OPEN_STATUSES, Attachment, Comment, Status, Team, Ticket
from .policies import admin_org_ids, is_desk_staff, reporting_org_ids

TASK_LIMIT = 200  # the inbox shows the oldest (or most urgent) 200 tickets of a kind


def visible_tickets(user: Any) -> QuerySet[Ticket]:
    if is_desk_staff(user):
        return Ticket.objects.all()
    reporting, admin = reporting_org_ids(user), admin_org_ids(user)
    if not reporting:
        return Ticket.objects.none()
    return Ticket.objects.filter(
        Q(member__organisation_id__in=admin) | Q(member__organisation_id__in=reporting, requester=user)
    )


def ticket_for(user: Any, ticket_id: int) -> Ticket:
    ticket = (
        visible_tickets(user)
        .select_related("member__organisation", "requester", "service", "procedure", "asset", "team", "assignee")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFound("Not found")
    return ticket


def comments_for(user: Any, ticket: Ticket) -> QuerySet[Comment]:
    """Public replies for the member's users; internal notes too for the cooperative's staff."""
    comments = ticket.comments.select_related("author")
    return comments if is_desk_staff(user) else comments.filter(is_internal=False)


def attachments_for(user: Any, ticket: Ticket) -> QuerySet[Attachment]:
    attachments = ticket.attachments.all()
    return attachments if is_desk_staff(user) else attachments.filter(is_internal=False)


def reporting_members(user: Any) -> list[Member]:
    return list(Member.objects.filter(organisation_id__in=reporting_org_ids(user)).select_related("organisation"))


def subscribed_services(member: Member, day: dt.date | None = None) -> QuerySet[Service]:
    """The services the member subscribes to on ``day`` (a ticket may concern one of them)."""
    day = day or timezone.localdate()
    subscriptions = Subscription.objects.filter(member=member, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    return Service.objects.filter(pk__in=subscriptions.values("service_id")).order_by("name")


def queue(
    *, team: Team | None = None, status: str | None = None, assignee: Any = None, priority: int | None = None
) -> QuerySet[Ticket]:
    """The coop queue: open tickets (or one status), most urgent first (priority, then resolution due)."""
    tickets = Ticket.objects.filter(status=status) if status else Ticket.objects.filter(status__in=OPEN_STATUSES)
    if team is not None:
        tickets = tickets.filter(team=team)
    if assignee is not None:
        tickets = tickets.filter(assignee=assignee)
    if priority is not None:
        tickets = tickets.filter(priority=priority)
    return tickets.order_by("priority", "resolution_due", "id")


def queue_page(tickets: QuerySet[Ticket], page: int, page_size: int) -> tuple[int, list[dict[str, Any]]]:
    """One page of a queue as rows (one query for the rows, one for the count)."""
    rows = [
        dict(row)
        for row in tickets.values(
            "id",
            "number",
            "subject",
            "status",
            "priority",
            "kind",
            "created_at",
            "response_due",
            "resolution_due",
            "first_response_at",
            "member__organisation__name",
            "team__name",
            "assignee__full_name",
        )[(page - 1) * page_size : page * page_size]
    ]
    return tickets.count(), rows


def teams() -> QuerySet[Team]:
    return Team.objects.all()


def waiting_tasks(user: Any) -> TaskRows:
    """Tickets waiting for the member: for the reporter, and for the member's admins."""
    reporting, admin = reporting_org_ids(user), admin_org_ids(user)
    if not reporting:
        return []
    rows = Ticket.objects.filter(status__in=(Status.WAITING, Status.RESOLVED)).filter(
        Q(member__organisation_id__in=admin) | Q(member__organisation_id__in=reporting, requester=user)
    )
    return rows.order_by("paused_since", "pk").values("pk", "number", "subject", "status", "paused_since")[:TASK_LIMIT]


def assigned_tasks(user: Any) -> TaskRows:
    if not is_desk_staff(user):
        return []
    rows = Ticket.objects.filter(assignee=user, status__in=(Status.NEW, Status.IN_PROGRESS))
    return rows.order_by("created_at", "pk").values("pk", "number", "subject", "created_at", "resolution_due")[
        :TASK_LIMIT
    ]


def near_breach_tasks(user: Any, now: dt.datetime | None = None) -> TaskRows:
    """Open, running tickets whose next due time is within the warning window (or passed): for the assignee,
    else for every member of the ticket's team, else for all of the desk."""
    if not is_desk_staff(user):
        return []
    limit = (now or timezone.now()) + dt.timedelta(minutes=conf.warn_minutes())
    near = Q(first_response_at__isnull=True, response_due__lte=limit) | Q(resolution_due__lte=limit)
    my_teams = Team.members.through.objects.filter(user_id=user.pk).values("team_id")
    mine = (
        Q(assignee=user) | Q(assignee__isnull=True, team_id__in=my_teams) | Q(assignee__isnull=True, team__isnull=True)
    )
    rows = Ticket.objects.filter(near, mine, status__in=(Status.NEW, Status.IN_PROGRESS))
    return rows.order_by("resolution_due", "pk").values("pk", "number", "subject", "created_at", "resolution_due")[
        :TASK_LIMIT
    ]
