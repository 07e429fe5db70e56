import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kitu.accounts.models import Organisation
from kitu.contracts import services
from kitu.contracts.models import FrameworkContract, Supplier


@pytest.fixture
def contract_world(world: dict[str, Any]) -> dict[str, Any]:
    """A published notebook contract with one lot (max 100 pieces, 150,000 EUR) and an article limit,
    eligible: Stadt Wernigerode only; the supplier is the world's supplier organisation."""
    admin = world["admin"]
    org = Organisation.objects.get(name="Beispiel IT GmbH")
    supplier = Supplier.objects.create(
        organisation=org,
        street="Industriestraße 1",
        postcode="39112",
        city="Magdeburg",
        order_email="orders@beispiel-it.example",
    )
    contract = services.contract_save(
        actor=admin,
        number="RV-2025-01",
        title="Notebooks und Dockingstationen",
        legal_basis="uvgo15",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2028, 12, 31),
        call_off_mode="direct",
        suppliers=[supplier],
        eligible_members=[world["wernigerode"]],
    )
    lot = services.lot_save(actor=admin, contract=contract, number=1, title="Notebooks", supplier=supplier)
    lot_limit = services.limit_save(
        actor=admin, lot=lot, estimated_quantity=77, max_quantity=100, max_value=Decimal("150000")
    )
    article_limit = services.limit_save(actor=admin, lot=lot, article_pid="NB-1", max_quantity=10)
    services.contract_publish(actor=admin, contract=contract)
    draft = services.contract_save(
        actor=admin,
        number="RV-2026-02",
        title="Drucker (Entwurf)",
        legal_basis="vgv21",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2029, 12, 31),
        call_off_mode="direct",
        suppliers=[supplier],
        eligible_members=[world["wernigerode"], world["zeitz"]],
    )
    return {
        **world,
        "supplier": supplier,
        "contract": FrameworkContract.objects.get(pk=contract.pk),
        "lot": lot,
        "lot_limit": lot_limit,
        "article_limit": article_limit,
        "draft": draft,
    }
