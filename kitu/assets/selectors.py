"""The devices a user may see, the filters of lists and API, and the replacement plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from kitu.core.errors import NotFound

from . import lifecycle
from .models import Asset, AssetStatus
from .policies import is_office, member_org_ids

ACTIVE = (AssetStatus.IN_USE, AssetStatus.STOCK, AssetStatus.DEFECTIVE)


def visible_assets(user: Any) -> QuerySet[Asset]:
    base = Asset.objects.select_related(
        "member__organisation", "site", "cost_centre", "supplier__organisation", "order"
    )
    if is_office(user):
        return base
    orgs = member_org_ids(user)
    if not orgs:
        return Asset.objects.none()
    return base.filter(member__organisation_id__in=orgs)


def visible_asset(user: Any, asset_id: int) -> Asset:
    found = visible_assets(user).filter(pk=asset_id).first()
    if found is None:
        raise NotFound("Not found")
    return found


def filtered(
    qs: QuerySet[Asset],
    *,
    q: str = "",
    status: str = "",
    eclass_group: str = "",
    member: int | None = None,
    site: int | None = None,
    cost_centre: int | None = None,
    warranty_until: dt.date | None = None,
) -> QuerySet[Asset]:
    if q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(description__icontains=text)
            | Q(serial_number__icontains=text)
            | Q(inventory_number__icontains=text)
            | Q(responsible__icontains=text)
            | Q(order__number__icontains=text)
        )
    if status:
        qs = qs.filter(status=status)
    if eclass_group.strip():
        qs = qs.filter(eclass_group=eclass_group.replace("-", "").strip())
    if member is not None:
        qs = qs.filter(member_id=member)
    if site is not None:
        qs = qs.filter(site_id=site)
    if cost_centre is not None:
        qs = qs.filter(cost_centre_id=cost_centre)
    if warranty_until is not None:
        qs = qs.filter(warranty_end__lte=warranty_until)
    return qs


def replacement_plan(qs: QuerySet[Asset], *, first_year: int, years: int = 6) -> list[lifecycle.PlanYear]:
    """The plan of the devices still in service (in use, stock, defective) — retired ones are out."""
    devices = (
        lifecycle.PlanInput(eclass_group=row[0], acquired_on=row[1], price=row[2])
        for row in qs.filter(status__in=ACTIVE).values_list("eclass_group", "acquired_on", "price")
    )
    return lifecycle.plan(devices, first_year=first_year, years=years)


def due_by(qs: QuerySet[Asset], *, day: dt.date) -> list[Asset]:
    """Devices in service whose replacement is due on or before ``day``."""
    out = []
    for asset in qs.filter(status__in=ACTIVE).order_by("acquired_on", "pk"):
        due = lifecycle.replacement_due(asset.acquired_on, asset.eclass_group)
        if due is not None and due <= day:
            out.append(asset)
    return out
