"""JSON API of the member register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from kitu.core.errors import DomainError, NotFound
from kitu.core.pagination import PageQuery, paginate
from kitu.core.schemas import Id, StrictSchema

from . import policies, selectors, services
from .models import EventKind, Member, MembershipEvent

router = Router(tags=["members"])


class MemberOut(Schema):
    id: int
    name: str
    member_type: str
    member_number: int | None
    leitweg_id: str
    joined_on: dt.date | None
    left_on: dt.date | None
    status: str
    city: str

    @staticmethod
    def from_member(m: Member) -> dict[str, object]:
        return {
            "id": m.pk,
            "name": m.name,
            "member_type": m.member_type,
            "member_number": m.member_number,
            "leitweg_id": m.default_leitweg_id,
            "joined_on": m.joined_on,
            "left_on": m.left_on,
            "status": m.status,
            "city": m.city,
        }


class LeitwegOut(Schema):
    value: str
    description: str
    is_default: bool


class MemberDetailOut(MemberOut):
    street: str
    postcode: str
    ags: str
    vat_id: str
    invoice_email: str
    phone: str
    website: str
    leitweg_ids: list[LeitwegOut]
    shares: int
    paid_in: Decimal
    successor_id: int | None


class LeitwegIn(StrictSchema):
    value: str = Field(max_length=46)
    description: str = Field("", max_length=120)
    is_default: bool = False


class MemberPatch(StrictSchema):
    """Only the fields sent are changed; ``null`` is refused (send "" to clear a text field)."""

    name: str | None = None
    member_type: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    ags: str | None = None
    vat_id: str | None = None
    invoice_email: str | None = None
    phone: str | None = None
    website: str | None = None
    leitweg_id: str | None = Field(
        None, max_length=46, description="Make this the default Leitweg-ID for invoices (added if new)"
    )
    leitweg_ids: list[LeitwegIn] | None = Field(
        None, max_length=50, description="Replace all Leitweg-IDs; the first (or the one marked) is the default"
    )


class MemberFilter(PageQuery):
    q: str = ""
    status: str = Field("", description="active | leaving | applicant | exited")
    member_type: str = ""


class EventOut(Schema):
    id: int
    kind: str
    effective_date: dt.date
    share_delta: int
    amount: Decimal | None
    exit_date: dt.date | None
    member_number: int | None
    successor_id: int | None
    note: str
    recorded_at: dt.datetime


class EventIn(StrictSchema):
    kind: EventKind
    effective_date: dt.date = Field(description="Effective date; for a notice the date of receipt")
    share_delta: int | None = Field(None, ge=1, description="Shares (admission, increase, reduction)")
    amount: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2)
    member_number: int | None = Field(None, ge=1, description="Admission of historic data only")
    successor_id: Id | None = None
    note: str = Field("", max_length=2000)


def _detail(member: Member) -> dict[str, object]:
    figures = selectors.member_figures(member)
    return {
        **MemberOut.from_member(member),
        "street": member.street,
        "postcode": member.postcode,
        "ags": member.ags,
        "vat_id": member.vat_id,
        "invoice_email": member.invoice_email,
        "phone": member.phone,
        "website": member.website,
        "leitweg_ids": list(member.leitweg_ids.all()),
        "shares": figures.shares,
        "paid_in": figures.paid_in,
        "successor_id": member.successor_id,
    }


@router.get("", response=list[MemberOut], summary="Members the acting user may see, by name, one page")
def list_members(request: HttpRequest, response: HttpResponse, filters: Query[MemberFilter]) -> list[dict[str, object]]:
    """Paged (``page``, ``page_size``; count and links in headers, see docs/api.md)."""
    data = filters.dict()
    page, size = data.pop("page"), data.pop("page_size")
    qs = selectors.search_members(request.user, **data).order_by("organisation__name", "pk")
    return paginate(request, response, qs, page=page, page_size=size, allowed=data, render=MemberOut.from_member)


@router.get("/{member_id}", response=MemberDetailOut)
def get_member(request: HttpRequest, member_id: Id) -> dict[str, object]:
    return _detail(selectors.member_for(request.user, member_id))


@router.patch(
    "/{member_id}",
    response=MemberDetailOut,
    summary="Change master data (coop admin: all; member admin: contact fields)",
)
def patch_member(request: HttpRequest, member_id: Id, payload: MemberPatch) -> dict[str, object]:
    member = selectors.member_for(request.user, member_id)
    data = payload.dict(exclude_unset=True)
    for name, value in data.items():
        if value is None:
            raise DomainError(_("Das Feld darf nicht null sein."), field=name)
    if "leitweg_id" in data and "leitweg_ids" in data:
        raise DomainError(_("Bitte entweder leitweg_id oder leitweg_ids senden."), field="leitweg_id")
    leitweg_id, leitweg_ids = data.pop("leitweg_id", None), data.pop("leitweg_ids", None)
    with transaction.atomic():  # all of it or nothing
        if data:
            member = services.member_update(actor=request.user, member=member, **data)
        if leitweg_ids is not None:
            services.leitweg_ids_replace(actor=request.user, member=member, items=leitweg_ids)
        if leitweg_id is not None:
            services.leitweg_id_set_default(actor=request.user, member=member, value=leitweg_id)
    return _detail(selectors.member_for(request.user, member.pk))


@router.get(
    "/{member_id}/events", response=list[EventOut], summary="Membership events of a member in date order, one page"
)
def list_events(
    request: HttpRequest, response: HttpResponse, member_id: Id, paging: Query[PageQuery]
) -> list[MembershipEvent]:
    """Oldest first (effective date, then as recorded). Paged (``page``, ``page_size``; count and links in
    headers, see docs/api.md); no filters."""
    member = selectors.member_for(request.user, member_id)
    return paginate(request, response, selectors.member_events(member), **paging.dict())


@router.post("/{member_id}/events", response={201: EventOut}, summary="Record a membership event (coop admin)")
def create_event(request: HttpRequest, member_id: Id, payload: EventIn) -> Status:
    member = selectors.member_for(request.user, member_id)
    if not policies.can_record_events(request.user):
        raise HttpError(403, "Only the cooperative's office records membership events.")
    data = payload.dict()
    successor_id = data.pop("successor_id")
    if successor_id is not None:
        try:
            data["successor"] = selectors.member_for(request.user, successor_id)
        except NotFound as exc:
            raise HttpError(400, "successor_id: no such member") from exc
    event = services.event_record(actor=request.user, member=member, kind=payload.kind, data=data)
    return Status(201, event)
