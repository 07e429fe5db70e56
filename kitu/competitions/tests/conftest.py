"""A framework contract called off by mini-competition whose lot 1 has three suppliers (the world's
"Beispiel IT GmbH", "Harz Systemhaus GmbH", "Saale Digital GmbH", each with a portal user), eligible:
Wernigerode (with order_world's approval rule: up to 1,000 EUR without approval, one step above)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from conftest import make_member, make_user
from kitu.accounts.models import Organisation, OrgKind
from kitu.accounts.roles import Role
from kitu.competitions import services
from kitu.competitions.models import Competition, Offer
from kitu.contracts import services as contract_services
from kitu.contracts.models import FrameworkContract, Supplier
from kitu.members import services as member_services
from kitu.members.models import Site
from kitu.orders import approval_rules


def make_supplier(name: str, email: str) -> tuple[Supplier, Any]:
    org = Organisation.objects.create(kind=OrgKind.SUPPLIER, name=name)
    supplier = Supplier.objects.create(
        organisation=org, street="Markt 2", postcode="06108", city="Halle", order_email=f"orders@{email}"
    )
    return supplier, make_user(f"portal@{email}", [(org, Role.SUPPLIER_USER)])


@pytest.fixture
def comp_world(order_world: dict[str, Any]) -> dict[str, Any]:
    w = order_world
    admin = w["admin"]
    first = w["supplier"]
    harz, harz_user = make_supplier("Harz Systemhaus GmbH", "harz.example")
    saale, saale_user = make_supplier("Saale Digital GmbH", "saale.example")
    _outsider, outsider_user = make_supplier("Fremd GmbH", "fremd.example")
    contract = contract_services.contract_save(
        actor=admin,
        number="RV-2026-07",
        title="Arbeitsplatzrechner",
        legal_basis="vgv21",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2028, 12, 31),
        call_off_mode="mini_competition",
        suppliers=[first, harz, saale],
        eligible_members=[w["wernigerode"], w["zeitz"]],
    )
    lot = contract_services.lot_save(actor=admin, contract=contract, number=1, title="Rechner", supplier=first)
    lot.other_suppliers.set([harz, saale])
    limit = contract_services.limit_save(actor=admin, lot=lot, max_quantity=100, max_value=Decimal("50000"))
    contract_services.contract_publish(actor=admin, contract=contract)
    w_org, z_org = w["wernigerode"].organisation, w["zeitz"].organisation
    council = {
        "council_office": make_user("ratsbuero@test.example", [(w_org, Role.COUNCIL_OFFICE)]),
        "councillor": make_user("ratsmitglied@test.example", [(w_org, Role.COUNCIL_MEMBER)]),
        "other_councillor": make_user("rat.zeitz@test.example", [(z_org, Role.COUNCIL_MEMBER)]),
    }
    return {
        **w,
        **council,
        "mc_contract": FrameworkContract.objects.get(pk=contract.pk),
        "mc_lot": lot,
        "mc_limit": limit,
        "harz": harz,
        "saale": saale,
        "harz_user": harz_user,
        "saale_user": saale_user,
        "outsider_user": outsider_user,
        "first_user": w["users"]["supplier_user"],
    }


def future(days: int = 5) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def make_competition(w: dict[str, Any], *, send: bool = True, criteria: Any = None) -> Competition:
    competition = services.competition_create(
        actor=w["users"]["requester"],
        member=w["wernigerode"],
        lot=w["mc_lot"],
        title="20 Arbeitsplatzrechner",
        delivery_date=timezone.localdate() + dt.timedelta(days=30),
        deadline=future(),
        lines=[
            services.LineInput(description="Rechner Typ A", quantity=10),
            services.LineInput(description="Monitor 24 Zoll", quantity=4),
        ],
        criteria=criteria if criteria is not None else [("Lieferzeit", 30)],
    )
    if send:
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.competition_send(actor=w["users"]["requester"], competition=competition)
    return Competition.objects.get(pk=competition.pk)


def pdf_file(name: str = "angebot.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 Angebot", content_type="application/pdf")


def submit(w: dict[str, Any], competition: Competition, user_key: str, prices: tuple[str, str]) -> Any:
    lines = list(competition.lines.all())
    return services.offer_submit(
        actor=w[user_key],
        competition=competition,
        delivery_date=timezone.localdate() + dt.timedelta(days=20),
        prices={lines[0].pk: prices[0], lines[1].pk: prices[1]},
        document=pdf_file(),
    )


def pass_deadline(competition: Competition) -> Competition:
    """As if the time were now after the deadline: the offers were stamped before it."""
    now = timezone.now()
    Offer.objects.filter(competition=competition).update(submitted_at=now - dt.timedelta(seconds=2))
    Competition.objects.filter(pk=competition.pk).update(deadline=now - dt.timedelta(seconds=1))
    return Competition.objects.get(pk=competition.pk)


@pytest.fixture
def bundle_world(comp_world: dict[str, Any]) -> dict[str, Any]:
    """comp_world plus Zeitz ready to order (delivery site, approval above 500 EUR by its approver) and
    Halle, a member not eligible for the contract."""
    w = comp_world
    zeitz = w["zeitz"]
    z_admin = w["users"]["other_member_admin"]
    z_approver = make_user("approver.zeitz@test.example", [(zeitz.organisation, Role.APPROVER)])
    member_services.subrecord_save(
        actor=z_admin,
        member=zeitz,
        instance=Site(),
        data={"name": "Rathaus Zeitz", "street": "Altmarkt 1", "postcode": "06712", "city": "Zeitz"},
    )
    approval_rules.policy_save(
        actor=z_admin, member=zeitz, auto_approve_up_to=Decimal("500"), second_step_from=Decimal("100000")
    )
    approval_rules.approver_set(actor=z_admin, member=zeitz, user=z_approver, step=1)
    halle = make_member("Stadt Halle", admin=w["admin"], number=77, joined=dt.date(2019, 1, 1))
    return {**w, "z_approver": z_approver, "halle": halle}


def lines(w: dict[str, Any], a: tuple[int, int], b: tuple[int, int]) -> list[services.BundleLineInput]:
    """Two lines; ``a`` and ``b`` are (Wernigerode, Zeitz) quantities."""
    we, ze = w["wernigerode"].pk, w["zeitz"].pk
    return [
        services.BundleLineInput(description="Rechner Typ A", quantities={we: a[0], ze: a[1]}),
        services.BundleLineInput(description="Monitor 24 Zoll", quantities={we: b[0], ze: b[1]}),
    ]


def make_bundle(w: dict[str, Any], *, send: bool = True, members: Any = None, **kwargs: Any) -> Competition:
    competition = services.bundle_create(
        actor=w["admin"],
        members=members or [w["wernigerode"], w["zeitz"]],
        lot=w["mc_lot"],
        title="Rechner für zwei Städte",
        delivery_date=timezone.localdate() + dt.timedelta(days=30),
        deadline=future(),
        lines=kwargs.pop("lines", None) or lines(w, (6, 4), (4, 0)),
        criteria=[],
    )
    if send:
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.competition_send(actor=w["admin"], competition=competition)
    return Competition.objects.get(pk=competition.pk)


def offer(w: dict[str, Any], competition: Competition, user_key: str, prices: tuple[str, str]) -> Offer:
    rl = list(competition.lines.all())
    return services.offer_submit(
        actor=w[user_key],
        competition=competition,
        delivery_date=timezone.localdate() + dt.timedelta(days=20),
        prices={rl[0].pk: prices[0], rl[1].pk: prices[1]},
        document=pdf_file(),
    )
