"""JSON API of framework contracts, lots and suppliers (read-only; changes go through the pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from kitu.core.pagination import PageQuery, paginate
from kitu.core.schemas import Id

from . import selectors
from .models import FrameworkContract, Lot, Supplier, VolumeLimit

router = Router(tags=["contracts"])


class ContactOut(Schema):
    name: str
    role: str
    email: str
    phone: str


class SupplierOut(Schema):
    id: int
    name: str
    city: str
    order_email: str
    contacts: list[ContactOut]

    @staticmethod
    def of(s: Supplier) -> dict[str, object]:
        return {
            "id": s.pk,
            "name": s.name,
            "city": s.city,
            "order_email": s.order_email,
            "contacts": [
                {"name": c.name, "role": c.role, "email": c.email, "phone": c.phone} for c in s.contacts.all()
            ],
        }


class LimitOut(Schema):
    article_pid: str
    estimated_quantity: int | None
    max_quantity: int | None
    estimated_value: Decimal | None
    max_value: Decimal | None
    consumed_quantity: int
    consumed_value: Decimal
    percent_used: int


class LotOut(Schema):
    id: int
    number: int
    title: str
    supplier_id: int
    limits: list[LimitOut]


class ContractOut(Schema):
    id: int
    number: str
    title: str
    legal_basis: str
    state: str
    starts_on: dt.date
    ends_on: dt.date
    call_off_mode: str
    supplier_ids: list[int]


class ContractDetailOut(ContractOut):
    awarding_body: str
    description: str
    lots: list[LotOut]


def _contract(c: FrameworkContract) -> dict[str, object]:
    return {
        "id": c.pk,
        "number": c.number,
        "title": c.title,
        "legal_basis": c.legal_basis,
        "state": c.state,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "call_off_mode": c.call_off_mode,
        "supplier_ids": sorted(s.pk for s in c.suppliers.all()),
    }


def _lot(lot: Lot, limits: list[VolumeLimit]) -> dict[str, object]:
    return {
        "id": lot.pk,
        "number": lot.number,
        "title": lot.title,
        "supplier_id": lot.supplier_id,
        "limits": [lim for lim in limits if lim.lot_id == lot.pk],
    }


@router.get("/contracts", response=list[ContractOut], summary="Contracts the acting user may see")
def list_contracts(request: HttpRequest, response: HttpResponse, paging: Query[PageQuery]) -> list[dict[str, object]]:
    """Paged (``page``, ``page_size``; count and links in headers, see docs/api.md)."""
    return paginate(request, response, selectors.visible_contracts(request.user), **paging.dict(), render=_contract)


@router.get("/contracts/{contract_id}", response=ContractDetailOut)
def get_contract(request: HttpRequest, contract_id: Id) -> dict[str, object]:
    contract = selectors.contract_for(request.user, contract_id)
    limits = list(selectors.contract_limits(contract))
    return {
        **_contract(contract),
        "awarding_body": contract.awarding_body,
        "description": contract.description,
        "lots": [_lot(lot, limits) for lot in contract.lots.all()],
    }


@router.get(
    "/contracts/{contract_id}/lots", response=list[LotOut], summary="Lots of a contract with their limits, by number"
)
def list_lots(
    request: HttpRequest, response: HttpResponse, contract_id: Id, paging: Query[PageQuery]
) -> list[dict[str, object]]:
    """By lot number, each with its limits (the lot's and its articles'). Paged (``page``, ``page_size``;
    count and links in headers, see docs/api.md); no filters."""
    lots = paginate(request, response, selectors.contract_lots(request.user, contract_id), **paging.dict())
    limits = list(selectors.lot_limits([lot.pk for lot in lots]))
    return [_lot(lot, limits) for lot in lots]


@router.get("/suppliers", response=list[SupplierOut])
def list_suppliers(request: HttpRequest, response: HttpResponse, paging: Query[PageQuery]) -> list[dict[str, object]]:
    """Paged (``page``, ``page_size``; count and links in headers, see docs/api.md)."""
    qs = selectors.visible_suppliers(request.user).order_by("organisation__name", "pk")
    return paginate(request, response, qs, **paging.dict(), render=SupplierOut.of)


@router.get("/suppliers/{supplier_id}", response=SupplierOut)
def get_supplier(request: HttpRequest, supplier_id: Id) -> dict[str, object]:
    return SupplierOut.of(selectors.supplier_for(request.user, supplier_id))
