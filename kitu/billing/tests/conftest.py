"""The billing test world: four services (flat monthly with a price change, per unit with a tier,
one-off at 7 %, a yearly membership fee at 0 %) and subscriptions of Wernigerode and Zeitz."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kitu.billing import xrechnung
from kitu.billing.models import Invoice, InvoiceLine, Price, PriceTier, QuantityChange, Service, Subscription
from kitu.members.models import LeitwegId

from . import einvoice_check

D = dt.date


@pytest.fixture(autouse=True)
def _every_einvoice_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every XRechnung a billing test generates — for a page, a download, a mail or the command — passes the
    XSD, the CEN and BR-DE rules and the Leitweg-ID check where the checking tools are there (asked at each
    call). Without them the tests still run; the validation tests in test_xrechnung.py skip, or fail under CI."""
    for name in ("to_ubl", "to_cii"):
        original = getattr(xrechnung, name)

        def checked(invoice: Invoice, lines: list[InvoiceLine] | None = None, _original: Any = original) -> bytes:
            xml: bytes = _original(invoice, lines)
            if einvoice_check.available():
                assert einvoice_check.problems(xml) == [], invoice.number
            return xml

        monkeypatch.setattr(xrechnung, name, checked)


def offer(code: str, name: str, category: str, pricing: str, amount: str, **fields: Any) -> Service:
    """A service (monthly, 19 % unless given) with its price since 2024."""
    service = Service.objects.create(code=code, name=name, category=category, pricing=pricing, **fields)
    Price.objects.create(service=service, valid_from=D(2024, 1, 1), amount=Decimal(amount))
    return service


@pytest.fixture
def billing_world(world: dict[str, Any]) -> dict[str, Any]:
    LeitwegId.objects.create(member=world["wernigerode"], value="04011000-1234512345-06", is_default=True)
    LeitwegId.objects.create(member=world["zeitz"], value="992-90009-96", is_default=True)
    hosting = offer(
        "hosting-fv", "Hosting Fachverfahren", "hosting", "flat", "1200.00", contract_reference="DLV-2024-01"
    )
    Price.objects.create(service=hosting, valid_from=D(2026, 3, 16), amount=Decimal("1300.00"))
    workplaces = offer(
        "betrieb-ap",
        "Betriebsführung je Arbeitsplatz",
        "operations",
        "per_unit",
        "25.00",
        unit_label="Arbeitsplatz",
        contract_reference="DLV-2024-02",
    )
    PriceTier.objects.create(price=workplaces.prices.get(), min_quantity=50, amount=Decimal("22.50"))
    training = offer(
        "schulung",
        "Schulungstag",
        "training",
        "one_off",
        "480.00",
        unit_code="DAY",
        unit_label="Tag",
        contract_reference="DLV-2024-05",
        vat_rate=Decimal("7.00"),
    )
    fee = offer(
        "beitrag",
        "Mitgliedsbeitrag",
        "membership",
        "flat",
        "2400.00",
        interval="year",
        contract_reference="Satzung § 12",
        vat_rate=Decimal("0.00"),
    )
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
