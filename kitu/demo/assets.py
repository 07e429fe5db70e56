"""Demo asset register: the devices of the delivered demo orders (through the same receipt hook as real
ones) with serial numbers as the supplier would have entered them, and devices entered by hand for a few
members — some old enough to be due for replacement. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kitu.assets.models import Asset, AssetSource, AssetStatus
from kitu.assets.receipts import sync_received
from kitu.members.models import Member

D = dt.date
# (member, inventory number, description, manufacturer, ECLASS class, acquired, price, status, responsible)
MANUAL: tuple[tuple[str, str, str, str, str, dt.date, str, str, str], ...] = (
    (
        "Stadt Wernigerode",
        "WR-IT-0101",
        "Notebook Latitude 5420",
        "Dell",
        "19030104",
        D(2021, 4, 12),
        "879.00",
        "in_use",
        "Hauptamt, Frau Krüger",
    ),
    (
        "Stadt Wernigerode",
        "WR-IT-0102",
        "Notebook Latitude 5420",
        "Dell",
        "19030104",
        D(2021, 4, 12),
        "879.00",
        "in_use",
        "Bürgerbüro",
    ),
    (
        "Stadt Wernigerode",
        "WR-IT-0103",
        "Notebook Latitude 5420",
        "Dell",
        "19030104",
        D(2021, 4, 12),
        "879.00",
        "defective",
        "IT-Service",
    ),
    (
        "Stadt Wernigerode",
        "WR-IT-0150",
        "Monitor P2422H",
        "Dell",
        "19020101",
        D(2019, 9, 2),
        "189.00",
        "in_use",
        "Bürgerbüro",
    ),
    (
        "Stadt Wernigerode",
        "WR-IT-0200",
        "Switch GS1920-24",
        "Zyxel",
        "19170301",
        D(2016, 5, 20),
        "640.00",
        "in_use",
        "Serverraum Rathaus",
    ),
    (
        "Stadt Wernigerode",
        "WR-IT-0090",
        "Desktop-PC ESPRIMO D7010",
        "Fujitsu",
        "19030101",
        D(2018, 2, 1),
        "612.00",
        "retired",
        "",
    ),
    (
        "Stadt Zeitz",
        "ZZ-0007",
        "Multifunktionsgerät bizhub C300i",
        "Konica Minolta",
        "24300701",
        D(2020, 11, 3),
        "3150.00",
        "in_use",
        "Ordnungsamt",
    ),
    (
        "Stadt Zeitz",
        "ZZ-0011",
        "Notebook ThinkPad L14",
        "Lenovo",
        "19030104",
        D(2022, 8, 15),
        "812.00",
        "in_use",
        "Kämmerei",
    ),
    (
        "Stadt Halberstadt",
        "HBS-1044",
        "Access Point LW-600",
        "Lancom",
        "19170302",
        D(2019, 3, 1),
        "420.00",
        "in_use",
        "Stadtbibliothek",
    ),
    ("Gemeinde Barleben", "BAR-031", "Tablet iPad 10,9", "Apple", "19030110", D(2022, 1, 10), "499.00", "stock", ""),
)


def seed_assets() -> int:
    created = sync_received()  # demo orders whose receipt was booked before the register existed
    for asset in Asset.objects.filter(source=AssetSource.RECEIPT, serial_number="", order__is_demo=True):
        asset.serial_number = f"DEMO-{asset.order.number[-5:]}-{asset.shipment_line_id}-{asset.unit}"  # type: ignore[union-attr]
        asset.is_demo = True
        asset.save(update_fields=["serial_number", "is_demo"])
    members = {m.name: m for m in Member.objects.with_name().filter(organisation__name__in={r[0] for r in MANUAL})}
    for name, number, description, maker, group, acquired, price, status, responsible in MANUAL:
        member = members.get(name)
        if member is None or Asset.objects.filter(member=member, inventory_number=number).exists():
            continue
        Asset.objects.create(
            member=member,
            source=AssetSource.MANUAL,
            inventory_number=number,
            description=description,
            manufacturer=maker,
            eclass_group=group,
            acquired_on=acquired,
            price=Decimal(price),
            status=AssetStatus(status),
            responsible=responsible,
            serial_number=f"DEMO-{number}",
            is_demo=True,
        )
        created += 1
    return created
