"""JSON API of meetings, trainings and events: the caller's upcoming ones and its registration."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.errors import ValidationError
from pydantic import ValidationError as PydanticValidationError

from kitu.core.pagination import PageQuery, paginate
from kitu.core.schemas import Id, StrictSchema

from . import selectors, services
from .models import Meeting, RegistrationStatus

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    kind: str
    group: str | None
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    video_url: str
    capacity: int | None
    per_member_limit: int | None
    registered: int


class RegistrationIn(StrictSchema):
    waitlist: bool = False


class RegistrationOut(Schema):
    status: str
    position: int | None = None  # on the waiting list, 1-based


class RefusedOut(Schema):
    detail: str
    waiting: bool
    position: int | None = None


def _meeting(m: Meeting) -> dict[str, object]:
    return {
        "id": m.pk,
        "kind": m.kind,
        "group": m.group.name if m.group else None,
        "title": m.title,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "place": m.place,
        "video_url": m.video_url,
        "capacity": m.capacity,
        "per_member_limit": m.per_member_limit,
        "registered": m.registered,  # type: ignore[attr-defined]
    }


@router.get(
    "/meetings",
    response=list[MeetingOut],
    summary="Upcoming meetings, trainings and events the caller may see, soonest first, one page",
)
def meetings(request: HttpRequest, response: HttpResponse, paging: Query[PageQuery]) -> list[dict[str, object]]:
    """Not yet ended, by start (then id). Paged (``page``, ``page_size``; count and links in headers, see
    docs/api.md); no filters."""
    return paginate(request, response, selectors.upcoming_meetings(request.user), **paging.dict(), render=_meeting)


@router.post(
    "/meetings/{meeting_id}/registrations",
    response={201: RegistrationOut, 409: RefusedOut},
    summary="Register the caller (409 when full or the member's limit is reached; with waitlist it then queues)",
)
def register(request: HttpRequest, meeting_id: Id, waitlist: bool = False) -> Status[dict[str, object]]:
    """Ask for the waiting list with ``?waitlist=true`` or the JSON body ``{"waitlist": true}`` (the
    body may be empty)."""
    meeting = selectors.meeting_for(request.user, meeting_id)
    if request.content_type == "application/json" and request.body:
        try:
            waitlist = waitlist or RegistrationIn.model_validate_json(request.body).waitlist
        except PydanticValidationError as exc:
            errors = exc.errors(include_url=False, include_context=False, include_input=False)
            raise ValidationError([{**e, "loc": ("body", "payload", *e["loc"])} for e in errors]) from exc
    try:
        registration = services.register(actor=request.user, meeting=meeting, waitlist=waitlist)
    except services.RegistrationRefused as exc:
        return Status(409, {"detail": exc.message, "waiting": False, "position": None})
    if registration.status == RegistrationStatus.WAITING:
        return Status(
            409,
            {
                "detail": "Kein Platz frei; Sie stehen auf der Warteliste.",
                "waiting": True,
                "position": selectors.waiting_position(registration),
            },
        )
    return Status(201, {"status": registration.status, "position": None})


@router.delete(
    "/meetings/{meeting_id}/registrations/me", response={204: None}, summary="Cancel the caller's registration"
)
def cancel(request: HttpRequest, meeting_id: Id) -> Status[None]:
    meeting = selectors.meeting_for(request.user, meeting_id)
    services.cancel(actor=request.user, meeting=meeting)
    return Status(204, None)
