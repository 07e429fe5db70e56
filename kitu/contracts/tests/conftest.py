from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.contracts import inhouse
from kitu.contracts import services as contract_services


def make_inhouse(w: dict[str, Any], *, share: str = "90") -> dict[str, Any]:
    """KID Magdeburg GmbH as in-house entity of the cooperative (sole control, no private capital) with the
    turnover of the three years before this year (``share`` % each with the cooperative: total 10 million
    EUR a year), and a draft award "IH-1" (500,000 EUR, this year to three years on) serving Wernigerode."""
    admin = w["admin"]
    today = timezone.localdate()
    kid = contract_services.supplier_create(
        actor=admin,
        name="KID Magdeburg GmbH",
        street="Alter Markt 6",
        postcode="39104",
        city="Magdeburg",
        order_email="bestellung@kid-magdeburg.example",
    )
    entity = inhouse.entity_save(
        actor=admin,
        supplier=kid,
        control_kind="sole",
        control_confirmed=True,
        control_note="Gesellschaftsvertrag § 7: Weisungsrecht der Gesellschafterversammlung.",
        private_capital_free=True,
        capital_note="Gesellschafter sind ausschließlich öffentliche Auftraggeber.",
    )
    years = [today.year - 3, today.year - 2, today.year - 1]
    for year in years:
        inhouse.turnover_save(
            actor=admin,
            entity=entity,
            year=year,
            controlling_turnover=Decimal("100000") * Decimal(share),
            total_turnover=Decimal("10000000"),
            note=f"Jahresabschluss {year}",
        )
    award = inhouse.award_save(
        actor=admin,
        entity=entity,
        number="IH-1",
        subject="Betrieb des kommunalen Rechenzentrums",
        description="Hosting und Betrieb von Fachverfahren",
        value=Decimal("500000.00"),
        starts_on=dt.date(today.year, 1, 1),
        ends_on=dt.date(today.year + 3, 12, 31),
        members=[w["wernigerode"]],
    )
    return {"kid": kid, "entity": entity, "award": award, "years": years, "today": today}


@pytest.fixture
def inhouse_world(world: dict[str, Any]) -> dict[str, Any]:
    """``world`` plus :func:`make_inhouse`, a KID portal user, and the council roles of Wernigerode and a
    councillor of Zeitz (for the permission matrices)."""
    data = make_inhouse(world)
    w_org, z_org = world["wernigerode"].organisation, world["zeitz"].organisation
    users = {
        **world["users"],
        "kid_user": make_user("portal@kid-magdeburg.example", [(data["kid"].organisation, Role.SUPPLIER_USER)]),
        "council_office": make_user("ratsbuero@test.example", [(w_org, Role.COUNCIL_OFFICE)]),
        "councillor": make_user("rat@test.example", [(w_org, Role.COUNCIL_MEMBER)]),
        "other_councillor": make_user("rat.zeitz@test.example", [(z_org, Role.COUNCIL_MEMBER)]),
    }
    return {**world, **data, "users": users}
