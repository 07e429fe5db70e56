"""The demo in-house award (kitu/demo/inhouse.py): KID Magdeburg GmbH, four years of turnover, an awarded
contract with a catalog the members order from; seeding twice creates nothing more."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kitu.catalog.models import Article
from kitu.contracts.models import InHouseAward, InHouseTurnover
from kitu.demo.inhouse import seed_inhouse
from kitu.orders import services as order_services

pytestmark = pytest.mark.django_db


def test_demo_inhouse_award(world: dict[str, Any]) -> None:
    today = dt.date(2026, 12, 6)
    assert seed_inhouse(world["admin"], today=today) == 1
    assert seed_inhouse(world["admin"], today=today) == 0
    (awarded,) = InHouseAward.objects.all()
    assert (awarded.contract.number, awarded.status, awarded.is_demo) == ("IH-2026-01", "awarded", True)
    assert list(InHouseTurnover.objects.order_by("year").values_list("year", flat=True)) == [2022, 2023, 2024, 2025]
    activity = awarded.assessment["activity"]
    assert [y["year"] for y in activity["years"]] == [2023, 2024, 2025]
    # (41.2 + 43.9 + 45.3) / (46.8 + 50.1 + 52.0) million
    assert Decimal(activity["share"]).quantize(Decimal("0.01")) == Decimal("87.58") and activity["result"] == "ok"
    assert awarded.contract.published_at is not None and awarded.contract.legal_basis == "gwb108"
    assert Article.objects.filter(contract=awarded.contract).count() == 5
    article = Article.objects.get(contract=awarded.contract, supplier_pid="IH-RZ-003")
    requester = world["users"]["requester"]
    line = order_services.cart_add(actor=requester, member=world["wernigerode"], article=article, quantity=2)
    assert (line.article.contract_id, line.article.price) == (awarded.contract_id, Decimal("65.00"))
