"""The billing test world: four services (flat monthly with a price change, per unit with a tier,
one-off at 7 %, a yearly membership fee at 0 %) and subscriptions of Wernigerode and Zeitz."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kitu.billing.models import Price, PriceTier, QuantityChange, Service, Subscription
from kitu.members.models import LeitwegId

D = dt.date


@pytest.fixture
def billing_world(world: dict[str, Any]) -> dict[str, Any]:
    LeitwegId.objects.create(member=world["wernigerode"], value="04011000-1234512345-06", is_default=True)
    LeitwegId.objects.create(member=world["zeitz"], value="992-90009-96", is_default=True)
    hosting = Service.objects.create(
        code="hosting-fv",
        name="Hosting Fachverfahren",
        category="hosting",
        pricing="flat",
        interval="month",
        contract_reference="DLV-2024-01",
        vat_rate=Decimal("19.00"),
    )
    Price.objects.create(service=hosting, valid_from=D(2024, 1, 1), amount=Decimal("1200.00"))
    Price.objects.create(service=hosting, valid_from=D(2026, 3, 16), amount=Decimal("1300.00"))
    workplaces = Service.objects.create(
        code="betrieb-ap",
        name="Betriebsführung je Arbeitsplatz",
        category="operations",
        pricing="per_unit",
        interval="month",
        unit_label="Arbeitsplatz",
        contract_reference="DLV-2024-02",
    )
    price = Price.objects.create(service=workplaces, valid_from=D(2024, 1, 1), amount=Decimal("25.00"))
    PriceTier.objects.create(price=price, min_quantity=50, amount=Decimal("22.50"))
    training = Service.objects.create(
        code="schulung",
        name="Schulungstag",
        category="training",
        pricing="one_off",
        unit_code="DAY",
        unit_label="Tag",
        contract_reference="DLV-2024-05",
        vat_rate=Decimal("7.00"),
    )
    Price.objects.create(service=training, valid_from=D(2024, 1, 1), amount=Decimal("480.00"))
    fee = Service.objects.create(
        code="beitrag",
        name="Mitgliedsbeitrag",
        category="membership",
        pricing="flat",
        interval="year",
        contract_reference="Satzung § 12",
        vat_rate=Decimal("0.00"),
    )
    Price.objects.create(service=fee, valid_from=D(2024, 1, 1), amount=Decimal("2400.00"))
    w, z = world["wernigerode"], world["zeitz"]

    def subscribe(
        member: Any, service: Service, start: dt.date, quantity: int = 1, end: dt.date | None = None
    ) -> Subscription:
        sub = Subscription.objects.create(member=member, service=service, starts_on=start, ends_on=end)
        QuantityChange.objects.create(subscription=sub, effective_from=start, quantity=quantity)
        return sub

    ap = subscribe(w, workplaces, D(2025, 1, 1), 40)
    QuantityChange.objects.create(subscription=ap, effective_from=D(2026, 3, 1), quantity=55)
    subs = {
        "hosting": subscribe(w, hosting, D(2025, 6, 1)),
        "ap": ap,
        "training": subscribe(w, training, D(2026, 3, 10), 2),
        "fee": subscribe(w, fee, D(2013, 9, 1)),
        "zeitz_fee": subscribe(z, fee, D(2018, 10, 1)),
        "zeitz_hosting": subscribe(z, hosting, D(2026, 3, 20), end=D(2026, 12, 31)),
    }
    return {**world, "subs": subs, "admin": world["users"]["coop_admin"]}
