"""The demo mini-competition (kitu/demo/competitions.py): three suppliers on one lot, one request open with
sealed offers, one awarded into an order waiting for approval; seeding twice creates nothing more."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kitu.competitions import selectors
from kitu.competitions.models import Competition, Invitation, Offer, Status
from kitu.demo.competitions import seed_competitions
from kitu.orders.models import OrderStatus

pytestmark = pytest.mark.django_db


def test_demo_competitions(order_world: dict[str, Any]) -> None:
    w = order_world
    args = {"member": w["wernigerode"], "requester": w["users"]["requester"]}
    assert seed_competitions(w["admin"], **args) == 2
    assert seed_competitions(w["admin"], **args) == 0
    awarded = Competition.objects.get(status=Status.AWARDED)
    still_open = Competition.objects.get(status=Status.OPEN)
    assert Invitation.objects.filter(competition=still_open).count() == 3
    assert Offer.objects.filter(competition=still_open).count() == 2
    assert selectors.is_sealed(still_open)
    assert awarded.winner is not None and awarded.winner.supplier.name == "Harz Büro- und Drucksysteme GmbH (Demo)"
    order = awarded.order
    assert order is not None and order.status == OrderStatus.PENDING
    assert order.total == Decimal("10108.80")  # 12 × 712.50 + 12 × 129.90
    ranking = selectors.comparison(w["users"]["requester"], awarded).ranking
    assert ranking[0].key == awarded.winner_id
