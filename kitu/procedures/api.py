"""JSON API of the register: ``GET /api/v1/procedures`` (paginated, scoped: a member's staff see their
member's entries, the cooperative's staff all; filters as on the page). Unknown query parameters are 422."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import ConfigDict, Field

from kitu.core.schemas import MAX_ID, IsoDate

from . import selectors
from .models import Area, Operation, Procedure, ProtectionNeed

router = Router(tags=["procedures"])


class ProcedureOut(Schema):
    id: int
    member_id: int
    member: str
    name: str
    vendor: str
    product: str
    version: str
    area: str
    operation: str
    protection_need: str
    licence_count: int | None
    contract_end: dt.date | None
    dpa_date: dt.date | None
    has_dpa_document: bool
    processing_record: str
    contact_name: str
    contact_email: str
    contact_phone: str
    vendor_contact: str

    @staticmethod
    def of(p: Procedure) -> ProcedureOut:
        return ProcedureOut(
            id=p.pk,
            member_id=p.member_id,
            member=p.member.name,
            name=p.name,
            vendor=p.vendor,
            product=p.product,
            version=p.version,
            area=p.area,
            operation=p.operation,
            protection_need=p.protection_need,
            licence_count=p.licence_count,
            contract_end=p.contract_end,
            dpa_date=p.dpa_date,
            has_dpa_document=bool(p.dpa_document),
            processing_record=p.processing_record,
            contact_name=p.contact_name,
            contact_email=p.contact_email,
            contact_phone=p.contact_phone,
            vendor_contact=p.vendor_contact,
        )


class ProcedurePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ProcedureOut]


def _pattern(choices: list[tuple[str, Any]]) -> str:
    return "^(" + "|".join(code for code, _label in choices) + ")$"


class ProcedureFilter(Schema):
    model_config = ConfigDict(extra="forbid")

    q: str = Field("", max_length=100)
    product: str = Field("", max_length=120)
    version: str = Field("", max_length=40)
    area: str | None = Field(None, pattern=_pattern(Area.choices))
    operation: str | None = Field(None, pattern=_pattern(Operation.choices))
    protection_need: str | None = Field(None, pattern=_pattern(ProtectionNeed.choices))
    member: int | None = Field(None, ge=1, le=MAX_ID)
    contract_end_before: IsoDate | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


def reject_unknown(request: HttpRequest, schema: type[Schema]) -> None:
    """Query parameters the filter does not know are an error naming them (never silently ignored)."""
    unknown = sorted(set(request.GET) - set(schema.model_fields))
    if unknown:
        raise ValidationError([{"type": "extra_forbidden", "loc": ("query", unknown[0]), "msg": "Unknown field"}])


@router.get("/procedures", response=ProcedurePage, summary="The register of specialist procedures the user may see")
def list_procedures(request: HttpRequest, filters: Query[ProcedureFilter]) -> ProcedurePage:
    reject_unknown(request, ProcedureFilter)
    data = filters.dict()
    page, size = data.pop("page"), data.pop("page_size")
    data = {
        key: ("" if value is None and key in ("area", "operation", "protection_need") else value)
        for key, value in data.items()
    }
    qs = selectors.filtered(selectors.visible_procedures(request.user), **data).order_by("pk")
    count = qs.count()
    items = [ProcedureOut.of(p) for p in qs[(page - 1) * size : page * size]]
    return ProcedurePage(count=count, page=page, page_size=size, items=items)
