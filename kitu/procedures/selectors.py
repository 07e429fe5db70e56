"""The procedures a user may see, the filters of lists and API, and the matrix procedures × members."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from kitu.core.errors import NotFound
from kitu.core.rows import TaskRows
from kitu.members.models import Member

from .models import Procedure
from .policies import EDIT_ROLES, is_office, member_org_ids


def visible_procedures(user: Any) -> QuerySet[Procedure]:
    base = Procedure.objects.select_related("member__organisation")
    if is_office(user):
        return base
    orgs = member_org_ids(user)
    if not orgs:
        return Procedure.objects.none()
    return base.filter(member__organisation_id__in=orgs)


def visible_procedure(user: Any, procedure_id: int) -> Procedure:
    found = visible_procedures(user).filter(pk=procedure_id).first()
    if found is None:
        raise NotFound("Not found")
    return found


def filtered(
    qs: QuerySet[Procedure],
    *,
    q: str = "",
    product: str = "",
    version: str = "",
    area: str = "",
    operation: str = "",
    protection_need: str = "",
    member: int | None = None,
    contract_end_before: dt.date | None = None,
) -> QuerySet[Procedure]:
    if q.strip():
        text = q.strip()
        qs = qs.filter(Q(name__icontains=text) | Q(product__icontains=text) | Q(vendor__icontains=text))
    if product.strip():
        qs = qs.filter(product__iexact=product.strip())
    if version.strip():
        qs = qs.filter(version__iexact=version.strip())
    if area:
        qs = qs.filter(area=area)
    if operation:
        qs = qs.filter(operation=operation)
    if protection_need:
        qs = qs.filter(protection_need=protection_need)
    if member is not None:
        qs = qs.filter(member_id=member)
    if contract_end_before is not None:
        qs = qs.filter(contract_end__lte=contract_end_before)
    return qs


def ending_contracts(user: Any, *, today: dt.date, days: int) -> QuerySet[Procedure]:
    """The entries the user keeps (member admin) whose contract ends within ``days`` (or has ended
    within the last 30 days), soonest first."""
    orgs = member_org_ids(user, EDIT_ROLES)
    return (
        Procedure.objects.filter(
            member__organisation_id__in=orgs,
            contract_end__gte=today - dt.timedelta(days=30),
            contract_end__lte=today + dt.timedelta(days=days),
        )
        .select_related("member__organisation")
        .order_by("contract_end", "pk")
    )


def ending_days() -> int:
    """How many days before a procedure's contract end its keepers get a task (setting
    ``KITU_PROCEDURE_CONTRACT_ENDING_DAYS``, default 90)."""
    return int(getattr(settings, "KITU_PROCEDURE_CONTRACT_ENDING_DAYS", 90))


def ending_contract_tasks(user: Any, today: dt.date | None = None) -> TaskRows:
    """Facts of the task inbox (kitu.tasks): the member admin's entries whose contract ends within
    ``ending_days()`` or ended in the last 30 days; at most 200."""
    rows = ending_contracts(user, today=today or timezone.localdate(), days=ending_days())
    return rows.values("pk", "name", "product", "version", "contract_end", "member__organisation__name")[:200]


@dataclass
class MatrixRow:
    product: str
    vendor: str
    area: str
    versions: dict[int, str] = field(default_factory=dict)  # member id -> "version, version"

    @property
    def member_count(self) -> int:
        return len(self.versions)


@dataclass
class Matrix:
    members: list[Member]
    rows: list[MatrixRow]


def matrix(qs: QuerySet[Procedure]) -> Matrix:
    """Products (rows) × members (columns); a cell holds the versions that member runs (several when it
    runs the product more than once). Only members with at least one entry in ``qs`` are columns."""
    rows: dict[tuple[str, str], MatrixRow] = {}
    member_ids: set[int] = set()
    for proc in qs.order_by("vendor", "product", "version", "pk").values(
        "product", "vendor", "area", "version", "member_id"
    ):
        key = (proc["vendor"].strip().lower(), proc["product"].strip().lower())
        row = rows.setdefault(key, MatrixRow(product=proc["product"], vendor=proc["vendor"], area=proc["area"]))
        versions = [v for v in row.versions.get(proc["member_id"], "").split(", ") if v]
        label = proc["version"] or "–"
        if label not in versions:
            versions.append(label)
        row.versions[proc["member_id"]] = ", ".join(versions)
        member_ids.add(proc["member_id"])
    members = list(Member.objects.filter(pk__in=member_ids).select_related("organisation"))
    members.sort(key=lambda m: m.organisation.name)
    ordered = sorted(rows.values(), key=lambda r: (-r.member_count, r.vendor.lower(), r.product.lower()))
    return Matrix(members=members, rows=ordered)
