import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from kitu.accounts.models import User
from kitu.bundling.models import Campaign, CampaignState, DemandReport, OptimisationRun
from kitu.catalog.models import Article
from kitu.contracts.models import ContractState, FrameworkContract
from kitu.defects.models import DefectService, Report
from kitu.demo.data import DEMO_USERS
from kitu.members.models import Member
from kitu.orders.models import Order, StandardBasket, StandardBasketLine
from kitu.orders.selectors import visible_orders
from kitu.workgroups.models import GroupMembership, Meeting, MinutesItem, NewsItem, WorkingGroup

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Member.objects.count(),
        User.objects.count(),
        FrameworkContract.objects.count(),
        Article.objects.count(),
        Campaign.objects.count(),
        DemandReport.objects.count(),
        OptimisationRun.objects.count(),
        Meeting.objects.count(),
        Order.objects.count(),
        StandardBasketLine.objects.count(),
    )


def test_seed_demo_is_idempotent_and_reproduces_the_public_history(settings: Any) -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert out.getvalue().splitlines()[0] == (
        "Demodaten: 39 Mitglieder, 4 Rahmenverträge, 2 Bedarfsabfragen, 4 Arbeitskreise, 10 Bestellungen, "
        "2 Standardwarenkörbe, 50 Mängelmeldungen, 9 Leistungen und 10 Konten neu angelegt."
    )
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first
    numbers = dict(
        Member.objects.filter(member_number__isnull=False).values_list("organisation__name", "member_number")
    )
    assert (numbers["Landeshauptstadt Magdeburg"], numbers["Gemeinde Barleben"], numbers["KID Magdeburg GmbH"]) == (
        1,
        2,
        3,
    )
    assert (numbers["Stadt Wernigerode"], numbers["Lutherstadt Eisleben"], numbers["Landkreis Anhalt-Bitterfeld"]) == (
        25,
        90,
        100,
    )
    assert str(Member.objects.get(organisation__name="Landkreis Anhalt-Bitterfeld").joined_on) == "2022-10-01"
    assert all(m.is_demo for m in Member.objects.all())
    for spec in DEMO_USERS:
        user = User.objects.get(email=spec.email)
        assert user.check_password("KITU-Demo-2026!")
        assert set(user.role_assignments.values_list("role", flat=True)) == set(spec.roles)
    assert {c.state for c in FrameworkContract.objects.all()} == {ContractState.ACTIVE}
    assert Article.objects.filter(is_active=True).count() == 180
    open_campaign, past = Campaign.objects.order_by("-closes_on")
    assert (open_campaign.state, past.state) == (CampaignState.OPEN, CampaignState.EVALUATED)
    assert all(c.is_demo for c in (open_campaign, past))
    assert not open_campaign.reports.filter(member__organisation__name="Stadt Wernigerode").exists()
    assert open_campaign.reports.count() > 10 and past.reports.count() > 10
    assert [r.status for r in past.runs.all()] == ["optimal"]
    assert sorted(WorkingGroup.objects.values_list("name", flat=True)) == [
        "Arbeitskreis DMS",
        "Arbeitskreis Informationssicherheit",
        "Arbeitskreis Schul-IT",
        "Arbeitskreis Strategie",
    ]
    assert sorted(Meeting.objects.values_list("kind", flat=True)) == ["meeting"] * 8 + ["training"] * 2
    assert all(m.is_demo for m in Meeting.objects.all())
    past = Meeting.objects.filter(ends_at__lt=timezone.now())
    assert past.count() == 4 and all(m.minutes for m in past)
    assert MinutesItem.objects.filter(kind="action").count() == 5
    assert MinutesItem.objects.filter(kind="decision").count() == 5
    coordinator = User.objects.get(email="memberadmin.wernigerode@demo.kitu.example")
    assert GroupMembership.objects.filter(user=coordinator, is_coordinator=True).count() == 4
    assert sorted((n.is_demo, n.group.name if n.group else "") for n in NewsItem.objects.all()) == [
        (True, ""),
        (True, ""),
        (True, "Arbeitskreis DMS"),
    ]
    states = sorted(Order.objects.filter(is_demo=True).values_list("member__organisation__name", "status"))
    assert states == [
        ("Stadt Wernigerode", "approved"),
        ("Stadt Wernigerode", "approved"),
        ("Stadt Wernigerode", "cancelled"),
        ("Stadt Wernigerode", "confirmed"),
        ("Stadt Wernigerode", "partly_shipped"),
        ("Stadt Wernigerode", "pending"),
        ("Stadt Wernigerode", "received"),
        ("Stadt Wernigerode", "rejected"),
        ("Stadt Zeitz", "approved"),
        ("Stadt Zeitz", "pending"),
    ]
    basket_contents = {
        b.name: sorted((line.article.description_short.split()[0], line.quantity) for line in b.lines.all())
        for b in StandardBasket.objects.filter(is_demo=True)
    }
    assert basket_contents == {
        "Abteilungsdrucker": [("Multifunktionsdrucker", 1)],
        "Standard-Arbeitsplatz": [("Dockingstation", 1), ("Monitor", 2), ("Notebook", 1), ("Tastatur", 1)],
    }
    supplier = User.objects.get(email__startswith="supplier@")
    assert sorted(visible_orders(supplier).values_list("status", flat=True)) == [
        "approved",
        "approved",
        "approved",
        "confirmed",
        "partly_shipped",
        "received",
    ]


def test_seed_demo_enables_the_defect_reporter_for_three_towns() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    services = dict(DefectService.objects.values_list("slug", "member__organisation__name"))
    assert services == {
        "halberstadt": "Stadt Halberstadt",
        "stendal": "Hansestadt Stendal",
        "wernigerode": "Stadt Wernigerode",
    }
    assert Report.objects.count() == 50 and all(r.is_demo for r in Report.objects.all())
    assert Report.objects.filter(service__slug="wernigerode").count() == 30
    assert set(DefectService.objects.get(slug="wernigerode").categories.values_list("code", flat=True)) == {
        "strassenschaden",
        "beleuchtung",
        "muell",
        "gruen",
        "verkehrszeichen",
        "spielplatz",
    }
    closed = Report.objects.filter(status="closed")
    assert closed.exists() and not closed.filter(closed_at__isnull=True).exists()
    assert Report.objects.filter(is_published=True).exists() and Report.objects.filter(is_published=False).exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert Report.objects.count() == 50
