"""Demo mini-competition (§ 21 (5) VgV): a framework contract for workstation computers whose lot has three
demo suppliers (Elbe-IT, Harz Büro- und Drucksysteme, Saale Education Devices) and is called off by
mini-competition; Wernigerode's requests: one open (offers sealed until its deadline, two already in), one
awarded (three offers, delivery time scored, award with reason, the call-off order in the member's approval).

Everything goes through the real services. Only the awarded request's dates are moved back afterwards
(deadline two days ago, offers stamped before it): a real request must wait its deadline out, and the demo
cannot. Idempotent: an existing contract number means nothing is created."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kitu.accounts.models import RoleAssignment, User
from kitu.accounts.roles import Role
from kitu.competitions import services
from kitu.competitions.models import Competition, Offer
from kitu.contracts import services as contract_services
from kitu.contracts.models import FrameworkContract, Supplier
from kitu.demo.data import DEMO_DOMAIN
from kitu.members.models import Member

CONTRACT_NUMBER = "RV-2026-KW"
SUPPLIERS = (  # name, street, postcode, city, order mail, portal user
    (
        "Elbe-IT Systemhaus GmbH (Demo)",
        "Otto-von-Guericke-Straße 80",
        "39104",
        "Magdeburg",
        "auftraege@elbe-it.example",
        "angebote@elbe-it.example",
    ),
    (
        "Harz Büro- und Drucksysteme GmbH (Demo)",
        "Dornbergsweg 12",
        "38855",
        "Wernigerode",
        "bestellung@harz-druck.example",
        "angebote@harz-druck.example",
    ),
    (
        "Saale Education Devices GmbH (Demo)",
        "Mansfelder Straße 56",
        "06108",
        "Halle (Saale)",
        "schulen@saale-edu.example",
        "angebote@saale-edu.example",
    ),
)
# the awarded request: (unit prices per line, days to deliver, delivery-time points, reason)
AWARDED_OFFERS = (
    (("689.00", "139.00"), 21, "20", "Lieferung in 21 Tagen"),
    (("712.50", "129.90"), 10, "30", "Lieferung in 10 Tagen, schnellste"),
    (("655.00", "149.00"), 35, "5", "Lieferung erst in 35 Tagen"),
)
OPEN_OFFERS = ((("1.149,00",), 14), (("1.095,00",), 28))


def _supplier(admin: User, spec: tuple[str, ...]) -> tuple[Supplier, User]:
    name, street, postcode, city, order_email, portal = spec
    supplier = Supplier.objects.filter(organisation__name=name).first()
    if supplier is None:
        supplier = contract_services.supplier_create(
            actor=admin, name=name, street=street, postcode=postcode, city=city, order_email=order_email, is_demo=True
        )
    user = User.objects.filter(email=portal).first()
    if user is None:
        user = User.objects.create_user(portal, None, full_name=f"Angebote {name.split()[0]} (Demo)")
        RoleAssignment.objects.create(user=user, organisation=supplier.organisation, role=Role.SUPPLIER_USER)
    return supplier, user


def _document(name: str) -> SimpleUploadedFile:
    text = f"Angebot (Demodaten) {name}\n".encode()
    return SimpleUploadedFile("angebot.txt", text, content_type="text/plain")


@transaction.atomic
def seed_competitions(admin: User, *, member: Member, requester: User, approver: User | None = None) -> int:
    """The contract and the two requests of ``member`` by ``requester``; returns the requests created."""
    if FrameworkContract.objects.filter(number=CONTRACT_NUMBER).exists():
        return 0
    today = timezone.localdate()
    pairs = [_supplier(admin, spec) for spec in SUPPLIERS]
    suppliers = [s for s, _u in pairs]
    contract = contract_services.contract_save(
        actor=admin,
        number=CONTRACT_NUMBER,
        title="Arbeitsplatzrechner und Monitore (Kleinwettbewerb)",
        legal_basis="vgv21",
        starts_on=dt.date(today.year, 1, 1),
        ends_on=dt.date(today.year + 3, 12, 31),
        call_off_mode="mini_competition",
        suppliers=suppliers,
        eligible_members=[member],
    )
    FrameworkContract.objects.filter(pk=contract.pk).update(is_demo=True)  # contract_save does not take the mark
    lot = contract_services.lot_save(
        actor=admin, contract=contract, number=1, title="Arbeitsplatzrechner", supplier=suppliers[0]
    )
    lot.other_suppliers.set(suppliers[1:])
    contract_services.limit_save(
        actor=admin, lot=lot, estimated_quantity=800, max_quantity=1040, max_value=Decimal("900000")
    )
    contract_services.contract_publish(actor=admin, contract=contract)
    now = timezone.now()
    awarded = services.competition_create(
        actor=requester,
        member=member,
        lot=lot,
        title="Arbeitsplätze Bürgerbüro (Demo)",
        delivery_date=today + dt.timedelta(days=40),
        deadline=now + dt.timedelta(days=services.min_days() + 1),
        lines=[
            services.LineInput(description="Arbeitsplatzrechner, Kompaktgehäuse, 16 GB RAM", quantity=12),
            services.LineInput(description="Monitor 24 Zoll, höhenverstellbar", quantity=12),
        ],
        criteria=[("Lieferzeit", 30)],
    )
    services.competition_send(actor=requester, competition=awarded)
    offers = []
    for (_supplier_obj, user), (prices, days, _p, _r) in zip(pairs, AWARDED_OFFERS, strict=True):
        lines = list(awarded.lines.all())
        offers.append(
            services.offer_submit(
                actor=user,
                competition=awarded,
                delivery_date=today + dt.timedelta(days=days),
                prices={line.pk: price for line, price in zip(lines, prices, strict=True)},
                document=_document(user.email),
            )
        )
    # the demo cannot wait for the deadline: move it (and the offers' stamps) back
    Offer.objects.filter(competition=awarded).update(submitted_at=now - dt.timedelta(days=3))
    Competition.objects.filter(pk=awarded.pk).update(
        deadline=now - dt.timedelta(days=2), sent_at=now - dt.timedelta(days=6)
    )
    awarded = Competition.objects.get(pk=awarded.pk)
    criterion = awarded.criteria.get()
    for offer, (_prices, _days, points, reason) in zip(offers, AWARDED_OFFERS, strict=True):
        services.score_save(actor=requester, offer=offer, criterion=criterion, points=points, reason=reason)
    services.competition_award(
        actor=requester,
        competition=awarded,
        offer=offers[1],
        reason="Höchste Gesamtpunktzahl: zweitniedrigster Preis und mit 10 Tagen die kürzeste Lieferzeit (Demo).",
    )
    still_open = services.competition_create(
        actor=requester,
        member=member,
        lot=lot,
        title="Rechner für den Schulungsraum (Demo)",
        delivery_date=today + dt.timedelta(days=45),
        deadline=now + dt.timedelta(days=services.min_days() + 7),
        lines=[services.LineInput(description="Notebook 14 Zoll, 16 GB RAM, mit Dockingstation", quantity=16)],
    )
    services.competition_send(actor=requester, competition=still_open)
    for (_s, user), (open_prices, days) in zip(pairs[:2], OPEN_OFFERS, strict=True):
        line = still_open.lines.get()
        services.offer_submit(
            actor=user,
            competition=still_open,
            delivery_date=today + dt.timedelta(days=days),
            prices={line.pk: open_prices[0]},
            document=_document(user.email),
        )
    Competition.objects.filter(pk__in=[awarded.pk, still_open.pk]).update(is_demo=True)
    return 2


def seed_demo_competitions() -> int:
    """For the demo seed (after kitu.demo.services.seed): the demo office, Wernigerode and its requester."""
    admin = User.objects.get(email__iexact=f"admin@{DEMO_DOMAIN}")
    member = Member.objects.get(organisation__name="Stadt Wernigerode")
    requester = User.objects.get(email__iexact=f"requester.wernigerode@{DEMO_DOMAIN}")
    return seed_competitions(admin, member=member, requester=requester)
