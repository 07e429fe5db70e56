"""Loading the demo data through the normal services (so the audit trail and rules apply). Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction

from kitu.accounts import services as account_services
from kitu.accounts.models import Organisation, User
from kitu.accounts.roles import OrgKind
from kitu.core.actors import SYSTEM
from kitu.members import services as member_services
from kitu.members.models import COUNCIL_TYPES, Contact, CostCentre, LeitwegId, Member, Site
from kitu.members.validators import leitweg_check_digits
from kitu.payables.demo import seed_inbound_invoices

from .billing import seed_billing
from .campaigns import seed_campaigns
from .contracts import seed_contracts
from .council import seed_council
from .data import COOPERATIVE, DEMO_PASSWORD, DEMO_USERS, MEMBERS, DemoMember, DemoUser
from .defects import seed_defects
from .inhouse import seed_inhouse
from .orders import seed_baskets, seed_orders
from .workgroups import seed_workgroups

FOUNDING = dt.date(2009, 12, 22)


def _leitweg(member: DemoMember) -> str:
    coarse = member.ags or f"15{(member.number or 999):06d}"
    fine = "RECHNUNG"
    return f"{coarse}-{fine}-{leitweg_check_digits(coarse + fine)}"


def _seed_member(spec: DemoMember, actor: User) -> Member:
    joined = spec.joined
    application = (
        (joined - relativedelta(months=1)) if joined and joined > FOUNDING else (joined or dt.date(2026, 10, 12))
    )
    council = application - relativedelta(days=21) if spec.member_type in COUNCIL_TYPES else None
    slug = spec.city.split(" ")[0].lower().replace("/", "-")
    member = member_services.member_apply(
        actor=actor,
        name=spec.name,
        member_type=spec.member_type,
        street=spec.street,
        postcode=spec.postcode,
        city=spec.city,
        ags=spec.ags,
        application_date=application,
        council_resolution_date=council,
        invoice_email=f"rechnungen@{slug}.example",
        phone="",
        is_demo=True,
        note="Demodaten",
    )
    member_services.subrecord_save(
        actor=actor,
        member=member,
        instance=LeitwegId(),
        data={"value": _leitweg(spec), "description": "Zentraler Rechnungseingang (Demo)", "is_default": True},
    )
    member_services.subrecord_save(
        actor=actor,
        member=member,
        instance=Contact(),
        data={"name": "IT-Leitung (Demo)", "function": "IT-Leitung", "email": f"it@{slug}.example", "phone": ""},
    )
    member_services.subrecord_save(
        actor=actor,
        member=member,
        instance=Site(),
        data={"name": "Verwaltungssitz", "street": spec.street, "postcode": spec.postcode, "city": spec.city},
    )
    for code, name in (("1100", "Hauptamt / IT"), ("4000", "Schulen")):
        member_services.subrecord_save(
            actor=actor, member=member, instance=CostCentre(), data={"code": code, "name": name, "is_active": True}
        )
    if joined is None:
        return member
    member_services.member_admit(
        actor=actor, member=member, effective_date=joined, shares=spec.shares, member_number=spec.number
    )
    member_services.share_payment_record(
        actor=actor,
        member=member,
        effective_date=joined,
        amount=spec.shares * Decimal(settings.KITU_SHARE_NOMINAL_VALUE),
    )
    if spec.notice_received:
        event = member_services.notice_record(
            actor=actor, member=member, received_on=spec.notice_received, note="Demodaten"
        )
        if spec.exited_paid and event.exit_date:
            member_services.exit_record(actor=actor, member=member, effective_date=event.exit_date)
            member_services.settlement_record(
                actor=actor,
                member=member,
                effective_date=event.exit_date + relativedelta(months=4),
                amount=spec.shares * Decimal(settings.KITU_SHARE_NOMINAL_VALUE),
            )
    return member


@transaction.atomic
def seed() -> dict[str, int]:
    """Create what is missing of the demo data; returns how many members and users were created."""
    Organisation.objects.get_or_create(kind=OrgKind.COOPERATIVE, defaults={"name": COOPERATIVE})
    created = {
        "members": 0,
        "users": 0,
        "contracts": 0,
        "campaigns": 0,
        "workgroups": 0,
        "orders": 0,
        "baskets": 0,
        "defects": 0,
        "services": 0,
        "council": 0,
        "inhouse": 0,
        "inbound_invoices": 0,
    }
    # The coop admin comes first: the members are then recorded in its name, as the office would.
    for spec in (DEMO_USERS[0],):
        created["users"] += _seed_user(spec)
    admin = User.objects.get(email__iexact=DEMO_USERS[0].email)
    existing = set(Organisation.objects.filter(kind=OrgKind.MEMBER).values_list("name", flat=True))
    for member_spec in MEMBERS:
        if member_spec.name not in existing:
            _seed_member(member_spec, admin)
            created["members"] += 1
    created["contracts"] = seed_contracts(admin)
    created["campaigns"] = seed_campaigns(admin)
    for spec in DEMO_USERS[1:]:
        created["users"] += _seed_user(spec)
    created["workgroups"] = seed_workgroups(admin)  # after the logins: they become the groups' members
    created["orders"] = seed_orders()
    created["baskets"] = seed_baskets(admin)
    created["defects"] = seed_defects()
    created["services"] = seed_billing()
    created["council"] = seed_council(admin)  # after the logins: the council office works in it
    created["inhouse"] = seed_inhouse(admin)  # KID Magdeburg GmbH: entity, turnover, an awarded contract
    created["inbound_invoices"] = seed_inbound_invoices()  # for the first delivered order: matched, price, credit
    return created


def _seed_user(spec: DemoUser) -> int:
    user = User.objects.filter(email__iexact=spec.email).first()
    new = user is None
    if user is None:
        user = account_services.user_create(
            actor=SYSTEM,
            email=spec.email,
            full_name=spec.full_name,
            password=DEMO_PASSWORD,
            is_superuser=spec.superuser,
        )
    organisation = Organisation.objects.get(name=spec.organisation)
    for role in spec.roles:
        account_services.role_grant(actor=SYSTEM, user=user, organisation=organisation, role=role)
    return int(new)
