"""Reads of contracts and suppliers, scoped to the acting user: contract managers see everything,
suppliers their own contracts, members the published contracts they are eligible for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from kitu.accounts.roles import Role
from kitu.accounts.selectors import organisation_ids
from kitu.core.errors import NotFound
from kitu.core.rows import TaskRows
from kitu.members.selectors import own_member_ids

from .eligibility import open_to_q
from .models import FrameworkContract, Lot, MemberQuota, Supplier, VolumeLimit, VolumeWarning
from .policies import can_manage_contracts


def visible_contracts(user: Any) -> QuerySet[FrameworkContract]:
    qs = FrameworkContract.objects.prefetch_related("suppliers__organisation", "limits").order_by("number")
    if can_manage_contracts(user):
        return qs
    supplier_orgs = organisation_ids(user, roles=(Role.SUPPLIER_USER,))
    return qs.filter(
        Q(suppliers__organisation_id__in=supplier_orgs)
        | Q(published_at__isnull=False) & open_to_q(own_member_ids(user))
    ).distinct()


def contract_for(user: Any, contract_id: int) -> FrameworkContract:
    contract = visible_contracts(user).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound("Contract not found")
    return contract


def contract_by_number(number: str) -> FrameworkContract | None:
    return FrameworkContract.objects.filter(number=number).first()


def visible_suppliers(user: Any) -> QuerySet[Supplier]:
    qs = Supplier.objects.select_related("organisation").prefetch_related("contacts").order_by("organisation__name")
    if can_manage_contracts(user):
        return qs
    return qs.filter(contracts__in=visible_contracts(user)).distinct()


def supplier_for(user: Any, supplier_id: int) -> Supplier:
    supplier = visible_suppliers(user).filter(pk=supplier_id).first()
    if supplier is None:
        raise NotFound("Supplier not found")
    return supplier


def contract_limits(contract: FrameworkContract) -> QuerySet[VolumeLimit]:
    return contract.limits.select_related("lot").order_by("lot__number", "article_pid")


def contract_lots(user: Any, contract_id: int) -> QuerySet[Lot]:
    """The lots of a contract the user may see, by number (index ``contracts_lot_unique``); not found for
    any other contract. Nothing of the contract itself is loaded (no limits for lots of other pages)."""
    if not visible_contracts(user).prefetch_related(None).filter(pk=contract_id).exists():
        raise NotFound("Contract not found")
    return Lot.objects.filter(contract_id=contract_id).order_by("number")


def lot_limits(lot_ids: list[int]) -> QuerySet[VolumeLimit]:
    """The limits of these lots (the lot's own and its articles'), by lot and article number."""
    return VolumeLimit.objects.filter(lot_id__in=lot_ids).order_by("lot_id", "article_pid")


def contract_warnings(contract: FrameworkContract) -> QuerySet[VolumeWarning]:
    return VolumeWarning.objects.filter(limit__contract=contract).select_related("limit__lot")


def contract_quotas(user: Any, contract: FrameworkContract) -> QuerySet[MemberQuota]:
    """The members' quotas (from the demand bundling): all for contract managers, the own member's for
    its users, none for suppliers."""
    qs = contract.quotas.select_related("member__organisation").order_by("member__organisation__name", "article_pid")
    return qs if can_manage_contracts(user) else qs.filter(member_id__in=own_member_ids(user))


# --- the task inbox (kitu.tasks reads these; one query each, facts only) ---------------------------------

VOLUME_TASK_PERCENT = 80
ENDING_TASK_DAYS = 90


def volume_tasks(user: Any, today: dt.date | None = None) -> TaskRows:
    """Volume limits of running published contracts used (consumed and reserved) to VOLUME_TASK_PERCENT % or
    more, by quantity or value; ``since`` is the first warning at that level (else the publication)."""
    if not can_manage_contracts(user):
        return []
    today = today or timezone.localdate()
    share = VOLUME_TASK_PERCENT
    used = Q(max_quantity__gt=0, used_q__gte=F("max_quantity") * share) | Q(
        max_value__gt=0, used_v__gte=F("max_value") * share
    )
    warned = VolumeWarning.objects.filter(limit_id=OuterRef("pk"), percent__gte=share).order_by("created_at")
    return (
        VolumeLimit.objects.filter(contract__published_at__isnull=False, contract__ends_on__gte=today)
        .annotate(
            used_q=(F("consumed_quantity") + F("reserved_quantity")) * 100,
            used_v=(F("consumed_value") + F("reserved_value")) * 100,
        )
        .filter(used)
        .annotate(since=Coalesce(Subquery(warned.values("created_at")[:1]), "contract__published_at"))
        .values(
            "pk",
            "contract_id",
            "contract__number",
            "lot__number",
            "article_pid",
            "since",
            "max_quantity",
            "max_value",
            "consumed_quantity",
            "reserved_quantity",
            "consumed_value",
            "reserved_value",
        )
    )


def ending_contract_tasks(user: Any, today: dt.date | None = None) -> TaskRows:
    """Published contracts whose term ends within ENDING_TASK_DAYS days (follow-up tender or extension)."""
    if not can_manage_contracts(user):
        return []
    today = today or timezone.localdate()
    return FrameworkContract.objects.filter(
        published_at__isnull=False, ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=ENDING_TASK_DAYS)
    ).values("pk", "number", "title", "ends_on")
