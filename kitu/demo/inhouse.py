"""Demo in-house award (§ 108 GWB): KID Magdeburg GmbH as the cooperative's controlled entity with four years
of turnover, an awarded contract for hosting and operating specialist procedures (its catalog loaded through
the real importer). The figures and the control facts are invented for the
demo (marked "Demodaten")."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from kitu.accounts.models import User
from kitu.catalog.generate import GeneratedArticle, write_catalog
from kitu.catalog.importer import import_catalog
from kitu.contracts import inhouse
from kitu.contracts import services as contract_services
from kitu.contracts.models import FrameworkContract, InHouseAward, InHouseEntity, InHouseTurnover, Supplier
from kitu.members.models import Member

KID = "KID Magdeburg GmbH"
AWARD_NUMBER = "IH-{year}-01"
# (years before the award year, turnover with the controlling authorities, total turnover) in EUR
TURNOVER = (
    (4, Decimal("39850000.00"), Decimal("45700000.00")),
    (3, Decimal("41200000.00"), Decimal("46800000.00")),
    (2, Decimal("43900000.00"), Decimal("50100000.00")),
    (1, Decimal("45300000.00"), Decimal("52000000.00")),
)
SERVICES = (
    ("IH-RZ-001", "Hosting Fachverfahren, Grundpaket (je Verfahren und Monat)", "450.00"),
    ("IH-RZ-002", "Hosting Fachverfahren, Hochverfügbarkeit (je Verfahren und Monat)", "890.00"),
    ("IH-RZ-003", "Datensicherung mit Auslagerung, 1 TB (je Monat)", "65.00"),
    ("IH-RZ-004", "Virtueller Server, 4 vCPU, 16 GB RAM (je Monat)", "210.00"),
    ("IH-RZ-005", "Betreuung E-Akte-Mandant (je Monat)", "1250.00"),
)


def _kid(admin: User) -> Supplier:
    supplier = Supplier.objects.filter(organisation__name=KID, organisation__kind="supplier").first()
    if supplier is None:
        supplier = contract_services.supplier_create(
            actor=admin,
            name=KID,
            street="Alter Markt 15",
            postcode="39104",
            city="Magdeburg",
            order_email="auftraege@kid-magdeburg.example",
            is_demo=True,
        )
    return supplier


def _entity(admin: User, supplier: Supplier, award_year: int) -> InHouseEntity:
    entity = InHouseEntity.objects.filter(supplier=supplier).first()
    if entity is None:
        entity = inhouse.entity_save(
            actor=admin,
            supplier=supplier,
            control_kind="sole",
            control_confirmed=True,
            control_note=(
                "Demodaten: Die Genossenschaft hält alle Geschäftsanteile; die Gesellschafterversammlung "
                "bestimmt die strategischen Ziele und kann der Geschäftsführung Weisungen erteilen "
                "(Gesellschaftsvertrag § 7)."
            ),
            private_capital_free=True,
            capital_note="Demodaten: Gesellschafter sind ausschließlich öffentliche Auftraggeber.",
        )
        InHouseEntity.objects.filter(pk=entity.pk).update(is_demo=True)
    for back, controlling, total in TURNOVER:
        year = award_year - back
        if not InHouseTurnover.objects.filter(entity=entity, year=year).exists():
            inhouse.turnover_save(
                actor=admin,
                entity=entity,
                year=year,
                controlling_turnover=controlling,
                total_turnover=total,
                note=f"Jahresabschluss {year} (Demodaten)",
            )
    return entity


def _catalog(admin: User, contract: FrameworkContract, supplier: Supplier) -> None:
    articles = [
        GeneratedArticle(
            pid=pid,
            short=short,
            long=f"{short}. Leistung der {KID} im Rahmen der Inhouse-Vergabe {contract.number}.",
            manufacturer=KID,
            manufacturer_pid=pid,
            ean="",
            price=Decimal(price),
            list_price=Decimal(price),
            eclass="",
            unit="MON",
        )
        for pid, short, price in SERVICES
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{contract.number}.xml"
        with open(path, "w", encoding="utf-8") as out:
            write_catalog(out, agreement_id=contract.number, supplier=supplier.name, articles=articles)
        record = import_catalog(actor=admin, contract=contract, path=path, lot_number=1)
        if record.errors:
            raise RuntimeError(f"demo catalog {path.name}: {record.errors[:3]}")


def seed_inhouse(admin: User, today: dt.date | None = None) -> int:
    """Create the demo in-house entity and award when missing; returns how many awards were created."""
    today = today or timezone.localdate()
    year = today.year
    number = AWARD_NUMBER.format(year=year)
    if InHouseAward.objects.filter(entity__supplier__organisation__name=KID).exists():
        return 0
    supplier = _kid(admin)
    entity = _entity(admin, supplier, year)
    members = list(Member.objects.filter(joined_on__isnull=False, left_on__isnull=True))
    award = inhouse.award_save(
        actor=admin,
        entity=entity,
        number=number,
        subject="Rechenzentrumsbetrieb und Hosting kommunaler Fachverfahren",
        description="Demodaten: Hosting, Betrieb und Datensicherung der Fachverfahren der Mitglieder.",
        value=Decimal("2400000.00"),
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year + 3, 12, 31),
        members=members,
    )
    _catalog(admin, award.contract, supplier)
    inhouse.award_decide(actor=admin, award=award, today=today)
    InHouseAward.objects.filter(pk=award.pk).update(is_demo=True)
    FrameworkContract.objects.filter(pk=award.contract_id).update(is_demo=True)
    return 1
