"""JSON API of the asset register: ``GET /api/v1/assets`` (paginated, scoped: a member's ordering staff see
their member's devices, the cooperative's staff all; filters as on the page). Unknown query parameters
are 422."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import ConfigDict, Field

from kitu.core.schemas import MAX_ID, IsoDate

from . import lifecycle, selectors
from .models import Asset, AssetStatus

router = Router(tags=["assets"])


class AssetOut(Schema):
    id: int
    member_id: int
    member: str
    source: str
    description: str
    manufacturer: str
    eclass_group: str
    serial_number: str
    inventory_number: str
    status: str
    acquired_on: dt.date
    warranty_end: dt.date | None
    replacement_due: dt.date | None
    price: Decimal | None
    supplier: str | None
    order_number: str | None
    article_id: int | None
    site: str | None
    cost_centre: str | None
    responsible: str

    @staticmethod
    def of(a: Asset) -> AssetOut:
        return AssetOut(
            id=a.pk,
            member_id=a.member_id,
            member=a.member.name,
            source=a.source,
            description=a.description,
            manufacturer=a.manufacturer,
            eclass_group=a.eclass_group,
            serial_number=a.serial_number,
            inventory_number=a.inventory_number,
            status=a.status,
            acquired_on=a.acquired_on,
            warranty_end=a.warranty_end,
            replacement_due=lifecycle.replacement_due(a.acquired_on, a.eclass_group),
            price=a.price,
            supplier=a.supplier.organisation.name if a.supplier else None,
            order_number=a.order.number if a.order else None,
            article_id=a.article_id,
            site=a.site.name if a.site else None,
            cost_centre=a.cost_centre.code if a.cost_centre else None,
            responsible=a.responsible,
        )


class AssetPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[AssetOut]


class AssetFilter(Schema):
    model_config = ConfigDict(extra="forbid")

    q: str = Field("", max_length=100)
    status: str | None = Field(None, pattern="^(" + "|".join(AssetStatus.values) + ")$")
    eclass_group: str = Field("", max_length=20)
    member: int | None = Field(None, ge=1, le=MAX_ID)
    site: int | None = Field(None, ge=1, le=MAX_ID)
    cost_centre: int | None = Field(None, ge=1, le=MAX_ID)
    warranty_until: IsoDate | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/assets", response=AssetPage, summary="The devices of the asset register the user may see")
def list_assets(request: HttpRequest, filters: Query[AssetFilter]) -> AssetPage:
    unknown = sorted(set(request.GET) - set(AssetFilter.model_fields))
    if unknown:
        raise ValidationError([{"type": "extra_forbidden", "loc": ("query", unknown[0]), "msg": "Unknown field"}])
    data = filters.dict()
    page, size = data.pop("page"), data.pop("page_size")
    data["status"] = data["status"] or ""
    qs = selectors.filtered(selectors.visible_assets(request.user), **data).order_by("pk")
    count = qs.count()
    items = [AssetOut.of(a) for a in qs[(page - 1) * size : page * size]]
    return AssetPage(count=count, page=page, page_size=size, items=items)
