"""A campaign around today: open since five days, closing in ten, for Wernigerode and Zeitz, with two
positions; Wernigerode has two cost centres."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kitu.bundling import services
from kitu.bundling.models import Campaign
from kitu.members.models import CostCentre


def make_campaign(admin: Any, members: list[Any], *, opens: dt.date, closes: dt.date, title: str) -> Campaign:
    campaign = services.campaign_save(
        actor=admin,
        title=title,
        description="Bedarf für 2027",
        opens_on=opens,
        closes_on=closes,
        max_factor=130,
        reminder_days=7,
        eligible_members=members,
        today=opens,
    )
    services.item_save(
        actor=admin,
        campaign=campaign,
        code="01",
        title="Notebook 14 Zoll Standardkonfiguration",
        unit="Stück",
        reference_price=Decimal("850.00"),
    )
    services.item_save(
        actor=admin,
        campaign=campaign,
        code="02",
        title="Monitor 24 Zoll",
        unit="Stück",
        reference_price=Decimal("149.90"),
    )
    return campaign


@pytest.fixture
def campaign_world(contract_world: dict[str, Any]) -> dict[str, Any]:
    admin = contract_world["admin"]
    today = timezone.localdate()
    members = [contract_world["wernigerode"], contract_world["zeitz"]]
    campaign = make_campaign(
        admin, members, opens=today - dt.timedelta(days=5), closes=today + dt.timedelta(days=10), title="IT 2027"
    )
    services.campaign_open(actor=admin, campaign=campaign, today=today)
    draft = make_campaign(
        admin, members, opens=today, closes=today + dt.timedelta(days=30), title="Drucker 2027 (Entwurf)"
    )
    w = contract_world["wernigerode"]
    centres = [
        CostCentre.objects.create(member=w, code="10-100", name="Hauptamt"),
        CostCentre.objects.create(member=w, code="40-200", name="Schulen"),
    ]
    z_centre = CostCentre.objects.create(member=contract_world["zeitz"], code="Z-1", name="Zentrale Dienste")
    campaign = Campaign.objects.get(pk=campaign.pk)
    items = {item.code: item for item in campaign.items.all()}
    return {
        **contract_world,
        "campaign": campaign,
        "draft_campaign": draft,
        "items": items,
        "centres": centres,
        "z_centre": z_centre,
        "today": today,
    }
