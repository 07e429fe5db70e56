"""Demo campaigns (Bedarfsabfragen): one open around today that Stadt Wernigerode has not answered yet,
and one past, evaluated campaign with offers of the demo suppliers and an optimiser run. Quantities are
drawn from a fixed seed in proportion to the member's size, so every seed gives the same figures."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from kitu.accounts.models import User
from kitu.accounts.roles import Role
from kitu.bundling import services
from kitu.bundling.models import Campaign, CampaignItem
from kitu.contracts.models import Supplier
from kitu.members.models import Member

OPEN_TITLE = "IT-Arbeitsplatzausstattung 2027 (Demo)"
PAST_TITLE = "Schul-IT: Präsentationstechnik 2026 (Demo)"
# (code, title, description, reference price)
OPEN_ITEMS = (
    (
        "01",
        "Notebook 14 Zoll Standardkonfiguration",
        "Intel Core Ultra 5 oder gleichwertig, 16 GB, 512 GB SSD",
        "849.00",
    ),
    ("02", "Notebook 16 Zoll Leistungsklasse", "32 GB RAM, 1 TB SSD, für CAD und GIS", "1390.00"),
    ("03", "Dockingstation USB-C", "2 Monitore, LAN, 100 W Ladeleistung", "189.00"),
    ("04", "Monitor 24 Zoll", "IPS, höhenverstellbar, USB-C", "164.00"),
    ("05", "Multifunktionsdrucker A4 Farbe", "Duplex, Scan-to-Mail, Kartenleser-fähig", "612.00"),
)
PAST_ITEMS = (
    ("01", "Interaktives Display 75 Zoll", "4K, Android-Modul, Wandhalterung", "2890.00"),
    ("02", "Dokumentenkamera", "USB, 4K", "239.00"),
    ("03", "Lehrkräfte-Notebook 14 Zoll", "16 GB, 512 GB SSD, Stift", "929.00"),
)
SIZE = {"landkreis": 6, "stadt": 3, "verbandsgemeinde": 2, "gemeinde": 1}


def _campaign(
    admin: User, title: str, opens: dt.date, closes: dt.date, members: list[Member], items: tuple
) -> Campaign:
    campaign = services.campaign_save(
        actor=admin,
        title=title,
        description="Demodaten: Bedarfsabfrage für eine gemeinsame Ausschreibung der Genossenschaft.",
        opens_on=opens,
        closes_on=closes,
        eligible_members=members,
        today=opens,
    )
    Campaign.objects.filter(pk=campaign.pk).update(is_demo=True)
    for code, item_title, description, price in items:
        services.item_save(
            actor=admin,
            campaign=campaign,
            code=code,
            title=item_title,
            description=description,
            reference_price=Decimal(price),
        )
    services.campaign_open(actor=admin, campaign=campaign, today=opens)
    return campaign


def _answer(admin: User, campaign: Campaign, members: list[Member], day: dt.date, rng: random.Random) -> None:
    items = list(CampaignItem.objects.filter(campaign=campaign).order_by("code"))
    for member in members:
        roll = rng.random()
        if roll < 0.3:
            continue  # not answered (yet)
        # the demo members have no users of their own: the office records the answers they sent in
        clerk = User.objects.filter(
            role_assignments__organisation=member.organisation, role_assignments__role=Role.REQUESTER
        ).first()
        actor = clerk or admin
        if roll < 0.4:
            services.report_save(actor=actor, campaign=campaign, member=member, lines=[], no_demand=True, today=day)
            continue
        size = SIZE.get(member.member_type, 1)
        centre = member.cost_centres.filter(is_active=True).order_by("code").first()
        lines = [
            services.LineInput(item, rng.randint(1, 8) * size, rng.randint(1, 4), centre, rng.random() < 0.7)
            for item in items
            if rng.random() < 0.6
        ]
        if lines:
            services.report_save(actor=actor, campaign=campaign, member=member, lines=lines, today=day)


def seed_campaigns(admin: User) -> int:
    """Create the demo campaigns that are missing; returns how many were created."""
    today = timezone.localdate()
    members = list(Member.objects.members_on(today).filter(is_demo=True).order_by("pk"))
    created = 0
    if not Campaign.objects.filter(title=OPEN_TITLE).exists():
        campaign = _campaign(
            admin, OPEN_TITLE, today - dt.timedelta(days=10), today + dt.timedelta(days=14), members, OPEN_ITEMS
        )
        _answer(admin, campaign, [m for m in members if m.name != "Stadt Wernigerode"], today, random.Random(2027))  # noqa: S311 - demo figures
        created += 1
    if not Campaign.objects.filter(title=PAST_TITLE).exists():
        opens, closes = dt.date(2026, 3, 2), dt.date(2026, 4, 17)
        campaign = _campaign(admin, PAST_TITLE, opens, closes, members, PAST_ITEMS)
        _answer(admin, campaign, members, opens, random.Random(2026))  # noqa: S311 - demo figures
        services.campaigns_tick(today=closes + dt.timedelta(days=1))
        campaign.refresh_from_db()
        services.campaign_evaluate(actor=admin, campaign=campaign)
        _offers(admin, campaign)
        services.optimiser_run(actor=admin, campaign=campaign)
        created += 1
    return created


def _offers(admin: User, campaign: Campaign) -> None:
    """Three demo suppliers with volume tiers: the cheapest depends on the quantity."""
    suppliers = list(Supplier.objects.filter(is_demo=True).order_by("pk"))[:3]
    items = {i.code: i for i in campaign.items.all()}
    table: dict[int, dict[str, tuple[int, int | None, list[tuple[int, str]]]]] = {  # supplier → item → offer
        0: {"01": (0, None, [(1, "2990"), (20, "2790"), (60, "2690")]), "03": (0, None, [(1, "949"), (50, "889")])},
        1: {"01": (10, 80, [(1, "2890"), (40, "2740")]), "02": (0, None, [(1, "229"), (30, "209")])},
        2: {
            "01": (0, None, [(1, "3050"), (30, "2760")]),
            "02": (0, None, [(1, "245"), (20, "215")]),
            "03": (0, 120, [(1, "915"), (25, "899")]),
        },
    }
    for index, offers in table.items():
        for code, (low, high, tiers) in offers.items():
            services.offer_save(
                actor=admin,
                campaign=campaign,
                offer=services.OfferInput(
                    suppliers[index], items[code], low, high, [(q, Decimal(p)) for q, p in tiers]
                ),
            )
