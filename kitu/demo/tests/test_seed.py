import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kitu.accounts.models import User
from kitu.bundling.models import Campaign, CampaignState, DemandReport, OptimisationRun
from kitu.catalog.models import Article
from kitu.contracts.models import ContractState, FrameworkContract
from kitu.core.models import AuditEntry
from kitu.council.models import (
    AgendaItem,
    Body,
    Consultation,
    File,
    FileRole,
    MeetingState,
    Membership,
    Organization,
    OrganizationType,
    Paper,
    Vote,
)
from kitu.council.models import Meeting as CouncilMeeting
from kitu.council.models import Person as CouncilPerson
from kitu.council.visibility import Level, Visibility
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
        "2 Standardwarenkörbe, 50 Mängelmeldungen, 9 Leistungen, 20 Ratsvorlagen und 14 Konten neu angelegt."
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
    assert Article.objects.filter(is_active=True).count() == 185  # 180 + 5 in-house services
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


def test_seed_demo_sends_three_inbound_invoices_for_a_delivered_order() -> None:
    from kitu.payables.models import InboundInvoice

    call_command("seed_demo", stdout=io.StringIO())
    invoices = list(InboundInvoice.objects.order_by("pk"))
    assert len(invoices) == 3 and len({invoice.order_id for invoice in invoices}) == 1
    assert sorted(invoice.kind for invoice in invoices).count("credit_note") == 1
    call_command("seed_demo", stdout=io.StringIO())
    assert InboundInvoice.objects.count() == 3


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


def council_counts() -> tuple[int, ...]:
    return (
        Body.objects.count(),
        CouncilPerson.objects.count(),
        Membership.objects.count(),
        Organization.objects.count(),
        Paper.objects.count(),
        CouncilMeeting.objects.count(),
        AgendaItem.objects.count(),
        Consultation.objects.count(),
        File.objects.count(),
        Vote.objects.count(),
        AuditEntry.objects.count(),
    )


def test_seed_demo_runs_the_council_of_wernigerode_through_the_services() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    first = council_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert council_counts() == first
    body = Body.objects.get()
    assert (body.slug, body.name, body.is_demo, body.is_enabled) == ("wernigerode", "Stadt Wernigerode", True, True)
    assert [(t.name, str(t.start_date), str(t.end_date)) for t in body.terms.all()] == [
        ("Wahlperiode 2024–2029", "2024-07-01", "2029-06-30")
    ]
    council = Organization.objects.get(body=body, short_name="SR")
    councillors = CouncilPerson.objects.filter(memberships__organization=council, memberships__deleted=False)
    assert councillors.count() == 37  # 36 councillors and the Oberbürgermeister
    assert councillors.filter(memberships__role="Oberbürgermeister").count() == 1
    committees = set(
        Organization.objects.filter(body=body, organization_type=OrganizationType.BODY).values_list("name", flat=True)
    )
    assert committees == {
        "Stadtrat",
        "Haupt- und Finanzausschuss",
        "Bau- und Umweltausschuss",
        "Ausschuss für Bildung, Kultur und Soziales",
        "Ordnungsausschuss",
    }
    groups = Organization.objects.filter(body=body, organization_type=OrganizationType.GROUP)
    assert groups.count() == 7 and all(g.memberships.count() >= 3 for g in groups)
    # 20 papers, each with a generated PDF whose text went into the search text
    papers = Paper.objects.filter(body=body)
    assert papers.count() == 20
    for paper in papers:
        main = paper.files.get(role=FileRole.MAIN)
        assert main.mime_type == "application/pdf" and main.content.read(5) == b"%PDF-"
        assert paper.name.split()[0] in paper.search_text and "Demodaten" in paper.search_text
    # 6 past meetings published with results and minutes, 2 upcoming with the invitation sent
    meetings = CouncilMeeting.objects.filter(body=body)
    now = timezone.now()
    past, upcoming = meetings.filter(start__lt=now), meetings.filter(start__gt=now)
    assert past.count() == 6 and upcoming.count() == 2
    assert {m.state for m in past} == {MeetingState.PUBLISHED}
    assert all(m.files.filter(role=FileRole.RESULTS_PROTOCOL).exists() for m in past)
    assert all(m.attendances.filter(status="present").exists() for m in past)
    assert not AgendaItem.objects.filter(meeting__in=past, public=True, result="").exists()
    assert {m.state for m in upcoming} == {MeetingState.INVITED}
    assert all(m.invited_at and not m.invitation_late and m.attendances.exists() for m in upcoming)
    assert AgendaItem.objects.filter(meeting__in=past).exclude(votes_yes=None).count() >= 20
    named = AgendaItem.objects.get(named_vote=True)
    assert named.votes.count() == named.votes_yes + named.votes_no + named.votes_abstain > 30
    # non-public items: a sale of land and a staff matter, hidden from the public, shown to the councillor
    closed = AgendaItem.objects.filter(meeting__body=body, public=False)
    assert closed.count() >= 3
    assert {"Grundstücksangelegenheit", "Personalangelegenheit"} <= {i.name.split(":")[0] for i in closed}
    public = Visibility.public(body)
    assert not public.agenda_items().filter(public=False).exists()
    assert not public.papers().filter(name__startswith="Grundstücksangelegenheit").exists()
    assert public.papers().count() >= 12
    # the two logins work: the council office and the councillor tied to a person of the town
    office = User.objects.get(email="council.wernigerode@demo.kitu.example")
    councillor = User.objects.get(email="councillor.wernigerode@demo.kitu.example")
    assert Visibility.for_user(office, body).level is Level.OFFICE
    seen = Visibility.for_user(councillor, body)
    assert seen.level is Level.COUNCILLOR and seen.person is not None
    assert seen.person.name == "Dr. Susanne Hartwig"
    assert seen.papers().filter(name__startswith="Grundstücksangelegenheit").exists()
    for user in (office, councillor):
        client = Client()
        response = client.post(reverse("accounts:login"), {"username": user.email, "password": "KITU-Demo-2026!"})
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
