"""JSON API of the service desk (docs/api.md): members report and follow their tickets, the desk reads all.
Another member's ticket is 404; members never see internal notes."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kitu.core.errors import DomainError
from kitu.core.schemas import Id, StrictSchema

from . import selectors, services
from .models import PRIORITY_BY_CODE, PRIORITY_CODES, Channel, Ticket
from .policies import is_desk_staff
from .services import files

router = Router(tags=["tickets"])


class TicketIn(StrictSchema):
    subject: str = Field(max_length=200)
    description: str = Field(max_length=20_000)
    kind: Literal["incident", "service_request", "question"]
    service_id: Id | None = None
    procedure_id: Id | None = None
    asset_id: Id | None = None
    impact: Literal["high", "medium", "low"]
    urgency: Literal["high", "medium", "low"]
    member_id: Id | None = Field(None, description="only needed by a user of several members")


class TicketCreated(Schema):
    id: int
    number: str
    priority: str
    status: str
    response_due: dt.datetime | None
    resolution_due: dt.datetime | None


class TicketOut(TicketCreated):
    subject: str
    kind: str
    member: str
    member_id: int
    service_id: int | None
    procedure_id: int | None
    asset_id: int | None
    impact: str
    urgency: str
    created_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    rating: int | None


class CommentOut(Schema):
    id: int
    author: str
    body: str
    internal: bool
    channel: str
    created_at: dt.datetime


class TicketDetailOut(TicketOut):
    description: str
    comments: list[CommentOut]


class TicketPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[TicketOut]


class AttachmentIn(StrictSchema):
    file_name: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(description="standard base64 with padding, no line breaks")


class CommentIn(StrictSchema):
    body: str = Field(max_length=20_000)
    internal: bool = False
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=files.MAX_FILES)


class TicketFilter(Schema):
    status: Literal["new", "in_progress", "waiting", "resolved", "closed", "merged"] | None = None
    priority: Literal["critical", "high", "medium", "low"] | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


def _out(ticket: Ticket) -> dict[str, object]:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "priority": PRIORITY_CODES[ticket.priority],
        "status": ticket.status,
        "response_due": ticket.response_due,
        "resolution_due": ticket.resolution_due,
        "subject": ticket.subject,
        "kind": ticket.kind,
        "member": ticket.member.name,
        "member_id": ticket.member_id,
        "service_id": ticket.service_id,
        "procedure_id": ticket.procedure_id,
        "asset_id": ticket.asset_id,
        "impact": ticket.impact,
        "urgency": ticket.urgency,
        "created_at": ticket.created_at,
        "first_response_at": ticket.first_response_at,
        "resolved_at": ticket.resolved_at,
        "rating": ticket.rating,
    }


def _comment(comment: object) -> dict[str, object]:
    return {
        "id": comment.pk,  # type: ignore[attr-defined]
        "author": comment.author_name,  # type: ignore[attr-defined]
        "body": comment.body,  # type: ignore[attr-defined]
        "internal": comment.is_internal,  # type: ignore[attr-defined]
        "channel": comment.channel,  # type: ignore[attr-defined]
        "created_at": comment.created_at,  # type: ignore[attr-defined]
    }


@router.get("/tickets", response=TicketPage, summary="Tickets the caller may see, most urgent first")
def ticket_list(request: HttpRequest, filters: Query[TicketFilter]) -> dict[str, object]:
    tickets = selectors.visible_tickets(request.user).select_related("member__organisation")
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    if filters.priority:
        tickets = tickets.filter(priority=PRIORITY_BY_CODE[filters.priority])
    tickets = tickets.order_by("priority", "resolution_due", "id")
    start = (filters.page - 1) * filters.page_size
    items = [_out(t) for t in tickets[start : start + filters.page_size]]
    return {"count": tickets.count(), "page": filters.page, "page_size": filters.page_size, "items": items}


@router.post("/tickets", response={201: TicketCreated}, summary="Report a ticket for the caller's member")
def ticket_create(request: HttpRequest, payload: TicketIn) -> Status:
    members = selectors.reporting_members(request.user)
    if payload.member_id is not None:
        members = [m for m in members if m.pk == payload.member_id]
        if not members:
            raise DomainError("Not a member you report for", field="member_id")
    if not members:
        raise DomainError("Only a member's users report tickets", field="member_id")
    if len(members) > 1:
        raise DomainError("You report for several members: please send member_id", field="member_id")
    ticket = services.ticket_create(
        actor=request.user,
        member=members[0],
        subject=payload.subject,
        description=payload.description,
        kind=payload.kind,
        impact=payload.impact,
        urgency=payload.urgency,
        service_id=payload.service_id,
        procedure_id=payload.procedure_id,
        asset_id=payload.asset_id,
        channel=Channel.API,
    )
    return Status(201, _out(ticket))


@router.get("/tickets/{ticket_id}", response=TicketDetailOut, summary="One ticket with its replies")
def ticket_detail(request: HttpRequest, ticket_id: Id) -> dict[str, object]:
    ticket = selectors.ticket_for(request.user, ticket_id)
    comments = [_comment(c) for c in selectors.comments_for(request.user, ticket)]
    return {**_out(ticket), "description": ticket.description, "comments": comments}


@router.post("/tickets/{ticket_id}/comments", response={201: CommentOut}, summary="Reply (desk: or internal note)")
def comment_create(request: HttpRequest, ticket_id: Id, payload: CommentIn) -> Status:
    ticket = selectors.ticket_for(request.user, ticket_id)
    if payload.internal and not is_desk_staff(request.user):
        raise DomainError("Only the service desk writes internal notes", field="internal")
    uploads = [
        files.decode(item.file_name, item.content_base64, field=f"attachments[{i}]")
        for i, item in enumerate(payload.attachments)
    ]
    comment = services.comment_add(
        actor=request.user,
        ticket=ticket,
        body=payload.body,
        internal=payload.internal,
        channel=Channel.API,
        uploads=uploads,
        upload_field="attachments",
    )
    return Status(201, _comment(comment))
