"""Shared test fixtures: organisations, members and users for every role, and logged-in clients."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitu.accounts.models import Organisation, RoleAssignment, User
from kitu.accounts.policies import needs_second_factor
from kitu.accounts.roles import OrgKind, Role
from kitu.bundling import services as bundling_services
from kitu.bundling.models import Campaign
from kitu.catalog.models import Article, ScalePrice
from kitu.contracts import services as contract_services
from kitu.contracts.models import FrameworkContract, Supplier
from kitu.core.actors import SYSTEM
from kitu.defects import configuration as defect_config
from kitu.defects.models import Category, DefectService
from kitu.members import services as member_services
from kitu.members.models import CostCentre, Member, Site
from kitu.orders import approval_rules
from kitu.workgroups import services as workgroup_services

# Roles of the `world` fixture for permission matrices: None is anonymous; "own" roles belong to
# Stadt Wernigerode, "other_*" to Stadt Zeitz.
ROLES: list[str | None] = [
    None,
    "coop_admin",
    "contract_manager",
    "member_admin",
    "requester",
    "approver",
    "case_worker",
    "workgroup_member",
    "supplier_user",
    "other_member_admin",
    "other_requester",
]
OWN = {"member_admin", "requester", "approver", "case_worker", "workgroup_member"}
# Every role of the newer registers' permission matrices (also service desk, council and representative).
EVERY_ROLE: tuple[str | None, ...] = (
    "coop_admin",
    "contract_manager",
    "service_desk",
    "member_admin",
    "requester",
    "approver",
    "case_worker",
    "workgroup_member",
    "council_office",
    "council_member",
    "representative",
    "supplier_user",
    "other_member_admin",
    "other_requester",
    None,  # anonymous
)
STAFF = {"coop_admin", "contract_manager"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Under CI a test whose data or tool is missing fails instead of skipping. The one skip CI allows:
    a PostgreSQL-only test (its reason names PostgreSQL) in the SQLite run — it runs in the PostgreSQL run."""
    report = yield
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = str(report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr)
        if not ("postgres" in reason.lower() and connection.vendor == "sqlite"):
            report.outcome = "failed"
            report.longrepr = f"skipped under CI=true, where nothing may be missing: {reason}"
    return report


# Browser tests drive a live server from the test thread with Playwright's sync API (its own loop).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Every test starts with an empty cache: rate limits (e.g. the citizens' 5 reports per address) and
    cached lookups must not carry over from earlier tests in the same process."""
    cache.clear()


@pytest.fixture
def coop(db: Any) -> Organisation:
    return Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="Kommunale IT-UNION eG")


def make_user(
    email: str, roles: tuple[tuple[Organisation, str], ...] | list[tuple[Organisation, str]] = (), **extra: Any
) -> User:
    user = User.objects.create_user(email, "Sicheres-Passwort-1", full_name=email.split("@")[0], **extra)
    for organisation, role in roles:
        RoleAssignment.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_member(
    name: str,
    *,
    admin: User | None = None,
    joined: dt.date | None = dt.date(2015, 1, 1),
    member_type: str = "stadt",
    number: int | None = None,
    shares: int = 1,
) -> Member:
    member = member_services.member_apply(
        actor=admin,
        name=name,
        member_type=member_type,
        street="Markt 1",
        postcode="38855",
        city=name.split()[-1],
        application_date=(joined or dt.date(2026, 1, 1)) - dt.timedelta(days=30),
        council_resolution_date=(joined or dt.date(2026, 1, 1)) - dt.timedelta(days=60),
    )
    if joined:
        member_services.member_admit(
            actor=admin, member=member, effective_date=joined, shares=shares, member_number=number
        )
        member_services.share_payment_record(
            actor=admin, member=member, effective_date=joined, amount=Decimal("5000.00") * shares
        )
    return Member.objects.get(pk=member.pk)


@pytest.fixture
def world(coop: Organisation) -> dict[str, Any]:
    """Two members (Wernigerode, Zeitz) and one user for every role."""
    admin = make_user("admin@test.example", [(coop, Role.COOP_ADMIN)])
    wernigerode = make_member("Stadt Wernigerode", admin=admin, number=25, joined=dt.date(2013, 9, 1))
    zeitz = make_member("Stadt Zeitz", admin=admin, number=58, joined=dt.date(2018, 10, 1))
    w_org, z_org = wernigerode.organisation, zeitz.organisation
    supplier_org = Organisation.objects.create(kind=OrgKind.SUPPLIER, name="Beispiel IT GmbH")
    users = {
        "coop_admin": admin,
        "contract_manager": make_user("contracts@test.example", [(coop, Role.CONTRACT_MANAGER)]),
        "member_admin": make_user("memberadmin@test.example", [(w_org, Role.MEMBER_ADMIN)]),
        "requester": make_user("requester@test.example", [(w_org, Role.REQUESTER)]),
        "approver": make_user("approver@test.example", [(w_org, Role.APPROVER)]),
        "case_worker": make_user("caseworker@test.example", [(w_org, Role.CASE_WORKER)]),
        "workgroup_member": make_user("workgroup@test.example", [(w_org, Role.WORKGROUP_MEMBER)]),
        "supplier_user": make_user("supplier@test.example", [(supplier_org, Role.SUPPLIER_USER)]),
        "other_member_admin": make_user("memberadmin.zeitz@test.example", [(z_org, Role.MEMBER_ADMIN)]),
        "other_requester": make_user("requester.zeitz@test.example", [(z_org, Role.REQUESTER)]),
    }
    return {"coop": coop, "wernigerode": wernigerode, "zeitz": zeitz, "users": users, "admin": admin}


def login(client: Client, user: User) -> Client:
    """Log in like a person: with a verified second factor where the role requires one."""
    client.force_login(user)
    if needs_second_factor(User.objects.get(pk=user.pk)):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(world: dict[str, Any]) -> Callable[[str | None], Client]:
    def make(role: str | None) -> Client:
        client = Client()
        if role is not None:
            login(client, world["users"][role])
        return client

    return make


def make_published_contract(
    admin: User, supplier: Supplier, *, number: str, eligible: list[Member], max_quantity: int, **limit: Any
) -> tuple[FrameworkContract, Any, Any]:
    """A published contract (UVgO, 2025–2028) with lot 1 and its limit; returns contract, lot, limit."""
    contract = contract_services.contract_save(
        actor=admin,
        number=number,
        title="Notebooks und Dockingstationen",
        legal_basis="uvgo15",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2028, 12, 31),
        call_off_mode="direct",
        suppliers=[supplier],
        eligible_members=eligible,
    )
    lot = contract_services.lot_save(actor=admin, contract=contract, number=1, title="Notebooks", supplier=supplier)
    lot_limit = contract_services.limit_save(actor=admin, lot=lot, max_quantity=max_quantity, **limit)
    contract_services.contract_publish(actor=admin, contract=contract)
    return contract, lot, lot_limit


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
    contract, lot, lot_limit = make_published_contract(
        admin,
        supplier,
        number="RV-2025-01",
        eligible=[world["wernigerode"]],
        max_quantity=100,
        estimated_quantity=77,
        max_value=Decimal("150000"),
    )
    article_limit = contract_services.limit_save(actor=admin, lot=lot, article_pid="NB-1", max_quantity=10)
    draft = contract_services.contract_save(
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


def make_article(
    contract: FrameworkContract, lot: Any, pid: str, price: str, list_price: str | None = None, **extra: Any
) -> Article:
    return Article.objects.create(
        contract=contract,
        lot=lot,
        supplier=lot.supplier,
        supplier_pid=pid,
        description_short=extra.pop("description", f"Artikel {pid}"),
        price=Decimal(price),
        list_price=Decimal(list_price) if list_price else None,
        **extra,
    )


@pytest.fixture
def order_world(contract_world: dict[str, Any]) -> dict[str, Any]:
    """contract_world plus articles: notebook NB-1 (800 EUR, list 1,000, from 5 pieces 750; at most 10 by
    its article limit) and dock DS-1 (150 EUR, packs of 2) on RV-2025-01; monitor MON-1 (300 EUR) on a
    second contract RV-2025-03 of another supplier. Wernigerode: no approval up to 1,000 EUR, a second
    step from 10,000 EUR; the approver approves step 1, a second approver ("approver2") step 2."""
    w = contract_world
    admin, wernigerode = w["admin"], w["wernigerode"]
    notebook = make_article(w["contract"], w["lot"], "NB-1", "800.00", "1000.00", description="Notebook 14 Zoll")
    ScalePrice.objects.create(article=notebook, lower_bound=Decimal("1"), amount=Decimal("800.00"))
    ScalePrice.objects.create(article=notebook, lower_bound=Decimal("5"), amount=Decimal("750.00"))
    dock = make_article(
        w["contract"],
        w["lot"],
        "DS-1",
        "150.00",
        "200.00",
        description="Dockingstation",
        quantity_min=Decimal("2"),
        quantity_interval=Decimal("2"),
    )
    other_supplier = Supplier.objects.create(
        organisation=Organisation.objects.create(kind=OrgKind.SUPPLIER, name="Harz Monitore GmbH"),
        street="Markt 1",
        postcode="38855",
        city="Wernigerode",
        order_email="orders@harz-monitore.example",
    )
    monitor_contract, monitor_lot, _limit = make_published_contract(
        admin, other_supplier, number="RV-2025-03", eligible=[wernigerode], max_quantity=500
    )
    monitor_contract = FrameworkContract.objects.get(pk=monitor_contract.pk)  # published
    monitor = make_article(monitor_contract, monitor_lot, "MON-1", "300.00", "350.00", description="Monitor 27 Zoll")
    users = w["users"]
    approver2 = make_user("approver2@test.example", [(wernigerode.organisation, Role.APPROVER)])
    member_admin = users["member_admin"]
    approval_rules.policy_save(
        actor=member_admin, member=wernigerode, auto_approve_up_to=Decimal("1000"), second_step_from=Decimal("10000")
    )
    approval_rules.approver_set(actor=member_admin, member=wernigerode, user=users["approver"], step=1)
    approval_rules.approver_set(actor=member_admin, member=wernigerode, user=approver2, step=2)
    site = member_services.subrecord_save(  # the first site becomes the default delivery site
        actor=member_admin,
        member=wernigerode,
        instance=Site(),
        data={"name": "Rathaus", "street": "Marktplatz 1", "postcode": "38855", "city": "Wernigerode"},
    )
    return {
        "site": site,
        **w,
        "notebook": notebook,
        "dock": dock,
        "monitor": monitor,
        "monitor_contract": monitor_contract,
        "approver2": approver2,
    }


def make_campaign(admin: Any, members: list[Any], *, opens: dt.date, closes: dt.date, title: str) -> Campaign:
    campaign = bundling_services.campaign_save(
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
    bundling_services.item_save(
        actor=admin,
        campaign=campaign,
        code="01",
        title="Notebook 14 Zoll Standardkonfiguration",
        unit="Stück",
        reference_price=Decimal("850.00"),
    )
    bundling_services.item_save(
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
    """A campaign around today: open since five days, closing in ten, for Wernigerode and Zeitz, with two
    positions; a draft campaign; Wernigerode has two cost centres, Zeitz one."""
    admin = contract_world["admin"]
    today = timezone.localdate()
    members = [contract_world["wernigerode"], contract_world["zeitz"]]
    campaign = make_campaign(
        admin, members, opens=today - dt.timedelta(days=5), closes=today + dt.timedelta(days=10), title="IT 2027"
    )
    bundling_services.campaign_open(actor=admin, campaign=campaign, today=today)
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


@pytest.fixture
def group_world(world: dict[str, Any]) -> dict[str, Any]:
    """The working group "Arbeitskreis DMS" (open) with a meeting in two weeks (3 places, at most 2 per
    member; Wernigerode's and Zeitz's admins and requesters and Wernigerode's approver are members)
    and a training for all (10 places, 1 per member)."""
    admin = world["admin"]
    group = workgroup_services.group_save(actor=admin, name="Arbeitskreis DMS", description="Dokumentenmanagement")
    starts = timezone.now() + dt.timedelta(days=14)
    meeting = workgroup_services.meeting_save(
        actor=admin,
        kind="meeting",
        group=group,
        title="AK DMS: Frühjahrssitzung",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        place="Magdeburg, Geschäftsstelle",
        capacity=3,
        per_member_limit=2,
    )
    training = workgroup_services.meeting_save(
        actor=admin,
        kind="training",
        title="Schulung E-Akte für Einsteiger",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        capacity=10,
        per_member_limit=1,
    )
    users = world["users"]
    for role in ("member_admin", "requester", "approver", "other_member_admin", "other_requester"):
        workgroup_services.group_join(actor=users[role], group=group)
    return {**world, "group": group, "meeting": meeting, "training": training}


WERNIGERODE_AREA = [[51.80, 10.70], [51.80, 10.86], [51.88, 10.86], [51.88, 10.70]]


@pytest.fixture
def defect_world(world: dict[str, Any]) -> dict[str, Any]:
    """The defect reporter for Wernigerode (slug ``wernigerode``, an area, two categories) and Zeitz
    (``zeitz``, one category), and an Open311 key for each."""
    wernigerode = DefectService.objects.create(
        member=world["wernigerode"],
        slug="wernigerode",
        area=WERNIGERODE_AREA,
        outside_hint="Zuständig ist dort der Landkreis Harz.",
    )
    zeitz = DefectService.objects.create(member=world["zeitz"], slug="zeitz")
    road = Category.objects.create(
        service=wernigerode,
        code="strassenschaden",
        name="Straßenschaden",
        description="Schlaglöcher, lose Gehwegplatten",
        group="Straße",
        department_email="tiefbau@wernigerode.example",
    )
    light = Category.objects.create(
        service=wernigerode, code="beleuchtung", name="Straßenbeleuchtung", department_email="licht@wernigerode.example"
    )
    waste = Category.objects.create(
        service=zeitz, code="muell", name="Illegale Müllablagerung", department_email="ordnung@zeitz.example"
    )
    _client, key = defect_config.api_client_create(actor=SYSTEM, service=wernigerode, name="Stadt-App")
    _zclient, zeitz_key = defect_config.api_client_create(actor=SYSTEM, service=zeitz, name="Zeitz-App")
    return {
        **world,
        "w_service": wernigerode,
        "z_service": zeitz,
        "road": road,
        "light": light,
        "waste": waste,
        "key": key,
        "zeitz_key": zeitz_key,
    }
