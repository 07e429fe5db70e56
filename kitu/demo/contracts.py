"""Demo framework contracts with suppliers, lots, limits and a catalog per lot, generated as BMEcat 2005
and loaded through the real importer. Supplier names are invented (marked "Demo")."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kitu.accounts.models import User
from kitu.catalog.generate import demo_articles, write_catalog
from kitu.catalog.importer import import_catalog
from kitu.contracts import services as contract_services
from kitu.contracts.models import FrameworkContract, Supplier
from kitu.members.models import Member

D = dt.date


@dataclass(frozen=True)
class DemoSupplier:
    name: str
    street: str
    postcode: str
    city: str
    email: str


SUPPLIERS = (
    DemoSupplier(
        "Elbe-IT Systemhaus GmbH (Demo)",
        "Otto-von-Guericke-Straße 80",
        "39104",
        "Magdeburg",
        "auftraege@elbe-it.example",
    ),
    DemoSupplier(
        "Harz Büro- und Drucksysteme GmbH (Demo)",
        "Dornbergsweg 12",
        "38855",
        "Wernigerode",
        "bestellung@harz-druck.example",
    ),
    DemoSupplier(
        "Saale Education Devices GmbH (Demo)",
        "Mansfelder Straße 56",
        "06108",
        "Halle (Saale)",
        "schulen@saale-edu.example",
    ),
    DemoSupplier(
        "Mitteldeutsche Netzwerktechnik GmbH (Demo)",
        "Am Wissenschaftshafen 2",
        "39106",
        "Magdeburg",
        "order@md-netz.example",
    ),
)


@dataclass(frozen=True)
class DemoLot:
    number: int
    title: str
    kinds: tuple[int, ...]  # indices into kitu.catalog.generate.KINDS
    articles: int
    max_quantity: int
    max_value: Decimal


@dataclass(frozen=True)
class DemoContract:
    number: str
    title: str
    legal_basis: str
    starts_on: dt.date
    ends_on: dt.date
    supplier: int
    lots: tuple[DemoLot, ...]


CONTRACTS = (
    DemoContract(
        "RV-2024-01",
        "Notebooks, Desktop-PCs und Monitore",
        "vgv21",
        D(2024, 3, 1),
        D(2028, 2, 28),
        0,
        (
            DemoLot(1, "Notebooks und Dockingstationen", (0, 3, 4), 60, 6500, Decimal("7800000")),
            DemoLot(2, "Desktop-PCs und Monitore", (1, 2), 40, 5200, Decimal("4550000")),
        ),
    ),
    DemoContract(
        "RV-2025-02",
        "Drucker und Multifunktionsgeräte",
        "uvgo15",
        D(2025, 1, 1),
        D(2030, 12, 31),
        1,
        (DemoLot(1, "Arbeitsplatz- und Abteilungsdrucker", (5,), 30, 1300, Decimal("1560000")),),
    ),
    DemoContract(
        "RV-2025-03",
        "Tablets für Schulen (DigitalPakt)",
        "vgv21",
        D(2025, 8, 1),
        D(2028, 7, 31),
        2,
        (DemoLot(1, "Schüler- und Lehrkräftetablets", (6,), 20, 9100, Decimal("6500000")),),
    ),
    DemoContract(
        "RV-2026-01",
        "Netzwerkkomponenten (Switches, WLAN)",
        "uvgo15",
        D(2026, 1, 1),
        D(2031, 12, 31),
        3,
        (DemoLot(1, "Switches und Access Points", (7, 8), 30, 2600, Decimal("2210000")),),
    ),
)


def seed_contracts(admin: User) -> int:
    """Create the demo contracts that are missing; returns how many were created."""
    suppliers = []
    for supplier_spec in SUPPLIERS:
        supplier = Supplier.objects.filter(organisation__name=supplier_spec.name).first()
        if supplier is None:
            supplier = contract_services.supplier_create(
                actor=admin,
                name=supplier_spec.name,
                street=supplier_spec.street,
                postcode=supplier_spec.postcode,
                city=supplier_spec.city,
                order_email=supplier_spec.email,
                is_demo=True,
            )
            domain = supplier_spec.email.split("@", 1)[1]
            for name, role, local in (
                ("Katrin Vogel", "Vertrieb öffentliche Auftraggeber", "vertrieb"),
                ("Jens Hoffmann", "Technischer Support", "support"),
            ):
                contract_services.supplier_contact_add(
                    actor=admin, supplier=supplier, name=name, role=role, email=f"{local}@{domain}"
                )
        suppliers.append(supplier)
    eligible = list(Member.objects.filter(joined_on__isnull=False, left_on__isnull=True))
    created = 0
    for spec in CONTRACTS:
        if FrameworkContract.objects.filter(number=spec.number).exists():
            continue
        supplier = suppliers[spec.supplier]
        contract = contract_services.contract_save(
            actor=admin,
            number=spec.number,
            title=spec.title,
            legal_basis=spec.legal_basis,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            call_off_mode="direct",
            description="Demodaten",
            suppliers=[supplier],
            eligible_members=eligible,
        )
        FrameworkContract.objects.filter(pk=contract.pk).update(is_demo=True)
        for lot_spec in spec.lots:
            lot = contract_services.lot_save(
                actor=admin, contract=contract, number=lot_spec.number, title=lot_spec.title, supplier=supplier
            )
            contract_services.limit_save(
                actor=admin,
                lot=lot,
                max_quantity=lot_spec.max_quantity,
                estimated_quantity=int(lot_spec.max_quantity / Decimal("1.3")),
                max_value=lot_spec.max_value,
                estimated_value=(lot_spec.max_value / Decimal("1.3")).quantize(Decimal("0.01")),
            )
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"{spec.number}-los{lot_spec.number}.xml"
                with open(path, "w", encoding="utf-8") as out:
                    write_catalog(
                        out,
                        agreement_id=spec.number,
                        supplier=supplier.name,
                        articles=demo_articles(
                            lot_spec.articles,
                            prefix=f"{spec.number[3:]}-{lot_spec.number}",
                            kinds=lot_spec.kinds,
                            seed=lot_spec.number,
                        ),
                    )
                record = import_catalog(actor=admin, contract=contract, path=path, lot_number=lot_spec.number)
                if record.errors:
                    raise RuntimeError(f"demo catalog {path.name}: {record.errors[:3]}")
        contract_services.contract_publish(actor=admin, contract=contract)
        created += 1
    return created
