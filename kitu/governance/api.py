"""JSON API of the general assembly (docs/api.md): assemblies with their agenda and resolutions, and casting a
member's vote with a representative's token."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.pagination import PageQuery, paginate
from kitu.core.schemas import Id, StrictSchema
from kitu.members.models import Member

from . import policies, selectors
from .models import Assembly, Resolution
from .rules import PollStatus
from .services import voting

router = Router(tags=["general-assembly"])


class ResolutionOut(Schema):
    id: int
    title: str
    rule: str
    status: str
    secret: bool
    procedure: str
    result: dict[str, int | bool] | None


class AgendaItemOut(Schema):
    position: int
    title: str
    resolutions: list[ResolutionOut]


class AssemblyOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    mode: str
    place: str
    invited_at: dt.datetime | None
    cancelled_at: dt.datetime | None


class AssemblyDetailOut(AssemblyOut):
    online_url: str
    chair: str
    agenda: list[AgendaItemOut]
    resolutions: list[ResolutionOut]


class VoteIn(StrictSchema):
    choice: Literal["yes", "no", "abstain"]
    member: Id | None = Field(default=None, description="The member to vote for, when the caller may vote for several")
    receipt: str | None = Field(default=None, max_length=64, description="To change a secret vote: its receipt")


class VoteOut(Schema):
    resolution: int
    member: int
    choice: str
    changed: bool
    receipt: str


class Message(Schema):
    detail: str
    field: str | None = None


def _result(poll: Resolution) -> dict[str, int | bool] | None:
    if poll.status != PollStatus.COUNTED:
        return None  # no running tally: it would give secret choices away between two looks
    return {"yes": poll.yes, "no": poll.no, "abstain": poll.abstain, "adopted": bool(poll.adopted)}


def _resolution(poll: Resolution) -> dict[str, object]:
    return {
        "id": poll.pk,
        "title": poll.title,
        "rule": poll.rule,
        "status": poll.status,
        "secret": poll.secret,
        "procedure": poll.procedure,
        "result": _result(poll),
    }


def _assembly(assembly: Assembly) -> dict[str, object]:
    return {
        "id": assembly.pk,
        "title": assembly.title,
        "starts_at": assembly.starts_at,
        "mode": assembly.mode,
        "place": assembly.place,
        "invited_at": assembly.invited_at,
        "cancelled_at": assembly.cancelled_at,
    }


@router.get("/assemblies", response=list[AssemblyOut], summary="General assemblies, newest first, one page")
def assembly_list(request: HttpRequest, response: HttpResponse, query: Query[PageQuery]) -> list[dict[str, object]]:
    """Paged (``page``, ``page_size``; count and links in headers, see docs/api.md); no filters."""
    qs = selectors.assemblies(request.user).order_by("-starts_at", "-pk")
    return paginate(request, response, qs, page=query.page, page_size=query.page_size, render=_assembly)


@router.get("/assemblies/{assembly_id}", response=AssemblyDetailOut, summary="One assembly with agenda and resolutions")
def assembly_detail(request: HttpRequest, assembly_id: Id) -> dict[str, object]:
    assembly = selectors.assembly_for(request.user, assembly_id)
    polls = list(selectors.polls(assembly))
    agenda = [
        {
            "position": item.position,
            "title": item.title,
            "resolutions": [_resolution(p) for p in polls if p.agenda_item_id == item.pk],
        }
        for item in assembly.agenda.all()
    ]
    return {
        **_assembly(assembly),
        "online_url": assembly.online_url,
        "chair": assembly.chair,
        "agenda": agenda,
        "resolutions": [_resolution(p) for p in polls],
    }


def _member(request: HttpRequest, poll: Resolution, wanted: int | None) -> Member:
    slots = selectors.vote_slots(request.user, poll)
    if wanted is not None:
        slots = [s for s in slots if s.member.pk == wanted]
    if not slots:
        raise PermissionDenied("You may not vote on this resolution (not a representative of a voting member)")
    if len(slots) > 1:
        raise DomainError("You may vote for several members: name one in `member`", field="member")
    return slots[0].member


@router.post(
    "/assemblies/{assembly_id}/resolutions/{resolution_id}/votes",
    response={200: VoteOut, 201: VoteOut, 409: Message},
    summary="Cast (201) or change (200) the vote of the caller's member while the poll is open",
)
def vote(request: HttpRequest, assembly_id: Id, resolution_id: Id, payload: VoteIn) -> Status:
    if not policies.can_read(request.user):  # suppliers: not a representative, whatever the id
        raise PermissionDenied("Only representatives of members vote")
    assembly = selectors.assembly_for(request.user, assembly_id)
    poll = selectors.poll_for(request.user, assembly, resolution_id)
    member = _member(request, poll, payload.member)
    if poll.status != PollStatus.OPEN:
        return Status(409, {"detail": "The poll is not open", "field": "status"})
    try:
        cast = voting.vote_cast(
            actor=request.user, poll=poll, member=member, choice=payload.choice, receipt=payload.receipt or ""
        )
    except (voting.PollNotOpen, voting.AlreadyVoted) as exc:
        return Status(409, {"detail": exc.message, "field": exc.field})
    body = {
        "resolution": poll.pk,
        "member": member.pk,
        "choice": cast.choice,
        "changed": not cast.created,
        "receipt": cast.receipt,
    }
    return Status(201 if cast.created else 200, body)
