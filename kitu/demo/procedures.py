"""Demo entries of the register of specialist procedures: the usual products of municipal administrations in
Saxony-Anhalt for 20 members (versions and contract ends differ, so the office's matrix shows where
standardising pays). Idempotent: a member that has entries gets none."""

from __future__ import annotations

import datetime as dt

from kitu.members.models import Member
from kitu.procedures.models import Procedure

D = dt.date
# (name, vendor, product, versions to rotate, area, where it runs, protection need)
CATALOGUE: tuple[tuple[str, str, str, tuple[str, ...], str, str, str], ...] = (
    (
        "Finanzwesen (Doppik)",
        "H&H Datenverarbeitungs- und Beratungsgesellschaft mbH",
        "H&H proDoppik",
        ("24.1", "23.2"),
        "finance",
        "coop_dc",
        "high",
    ),
    ("Finanzwesen (Doppik)", "Axians Infoma GmbH", "Infoma newsystem", ("25.0", "24.1"), "finance", "coop_dc", "high"),
    ("Personalabrechnung", "P&I Personal & Informatik AG", "LOGA", ("3.0", "2.9"), "hr", "saas", "very_high"),
    ("Personalwirtschaft", "KIRU", "KIRP", ("7.3",), "hr", "coop_dc", "very_high"),
    (
        "Einwohnermeldewesen",
        "HSH Soft- und Hardware Vertriebs GmbH",
        "VOIS|MESO",
        ("5.12", "5.11"),
        "registration",
        "coop_dc",
        "very_high",
    ),
    ("Einwohnermeldewesen", "AKDB", "OK.EWO", ("7.2",), "registration", "coop_dc", "very_high"),
    ("E-Akte und Dokumentenmanagement", "OPTIMAL SYSTEMS GmbH", "enaio", ("11.0", "10.10"), "dms", "member", "high"),
    ("E-Akte und Dokumentenmanagement", "d.velop AG", "d.velop documents", ("2024.Q4",), "dms", "saas", "high"),
    (
        "Sitzungsdienst und Ratsinformation",
        "Somacos GmbH & Co. KG",
        "Session/SessionNet",
        ("5.3", "5.2"),
        "council",
        "coop_dc",
        "normal",
    ),
    ("Sitzungsdienst und Ratsinformation", "CC e-gov GmbH", "ALLRIS", ("4.1",), "council", "saas", "normal"),
    (
        "Personenstandswesen",
        "Verlag für Standesamtswesen GmbH",
        "AutiSta",
        ("11.4",),
        "civil_status",
        "coop_dc",
        "very_high",
    ),
    (
        "Gewerbeangelegenheiten",
        "HSH Soft- und Hardware Vertriebs GmbH",
        "VOIS|GEWAN",
        ("5.12",),
        "regulatory",
        "coop_dc",
        "high",
    ),
)
# Which catalogue rows each demo member runs (indices), by member name; 20 members.
PLAN: dict[str, tuple[int, ...]] = {
    "Landeshauptstadt Magdeburg": (1, 2, 4, 6, 8, 10, 11),
    "Gemeinde Barleben": (0, 3, 4, 7, 9),
    "Stadt Haldensleben": (0, 2, 4, 6, 8, 10),
    "Gemeinde Sülzetal": (0, 3, 4, 9),
    "Stadt Wanzleben-Börde": (0, 2, 4, 6, 8),
    "Stadt Burg": (1, 2, 5, 6, 8, 10),
    "Gemeinde Möser": (0, 3, 4, 8),
    "Verbandsgemeinde Obere Aller": (0, 3, 4, 7, 9),
    "Gemeinde Huy": (0, 3, 4, 8),
    "Stadt Wernigerode": (0, 2, 4, 6, 8, 10, 11),
    "Stadt Blankenburg (Harz)": (0, 2, 4, 6, 8),
    "Gemeinde Nordharz": (0, 3, 4, 9),
    "Stadt Ilsenburg (Harz)": (0, 3, 4, 6, 8),
    "Stadt Osterwieck": (0, 2, 4, 8),
    "Stadt Halberstadt": (1, 2, 4, 6, 8, 10, 11),
    "Landkreis Harz": (1, 2, 6, 9),
    "Saalekreis": (1, 2, 7, 9),
    "Stadt Leuna": (0, 2, 5, 7, 8),
    "Stadt Weißenfels": (1, 2, 5, 6, 8, 10),
    "Stadt Zeitz": (0, 2, 4, 6, 8, 10, 11),
}


def seed_procedures() -> int:
    created = 0
    members = {m.name: m for m in Member.objects.with_name().filter(organisation__name__in=PLAN)}
    for number, (member_name, rows) in enumerate(PLAN.items()):
        member = members.get(member_name)
        if member is None or Procedure.objects.filter(member=member).exists():
            continue
        town = member_name.split()[-1].strip("()")
        for index in rows:
            name, vendor, product, versions, area, operation, need = CATALOGUE[index]
            Procedure.objects.create(
                member=member,
                name=name,
                vendor=vendor,
                product=product,
                version=versions[(number + index) % len(versions)],
                area=area,
                operation=operation,
                protection_need=need,
                licence_count=5 + (number * 7 + index * 3) % 40,
                contract_end=D(2026 + (number + index) % 4, 12 if index % 2 else 6, 30 if index % 2 == 0 else 31),
                contact_name=f"Fachverantwortung {name.split()[0]} (Demo)",
                contact_email=f"fachverfahren@{town.lower().replace(' ', '-')}.example",
                processing_record=(
                    f"Zweck: {name}. Betroffene: Einwohnerinnen und Einwohner bzw. Beschäftigte. "
                    "Empfänger: Auftragsverarbeiter (Betrieb). Löschfristen nach Fachrecht (Demo)."
                ),
                dpa_date=D(2023, 1 + index % 12, 1) if operation != "member" else None,
                is_demo=True,
            )
            created += 1
    return created
