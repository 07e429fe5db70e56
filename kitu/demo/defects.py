"""Demo defect reporter (marked Demo): Stadt Wernigerode, Stadt Halberstadt and Hansestadt Stendal with
their categories and 50 reports in all, spread over the last weeks, some answered, published or closed."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kitu.accounts.models import User
from kitu.defects.models import Category, DefectService, Report, ReportStatus
from kitu.members.models import Member

from .data import DEMO_DOMAIN

CATEGORIES = (
    ("strassenschaden", "Straßenschaden", "Schlaglöcher, lose Gehwegplatten, abgesackte Gullys", "Straße", "tiefbau"),
    ("beleuchtung", "Straßenbeleuchtung", "ausgefallene oder flackernde Laternen", "Straße", "tiefbau"),
    ("muell", "Illegale Müllablagerung", "Sperrmüll, Bauschutt, wilde Müllkippen", "Sauberkeit", "ordnungsamt"),
    ("gruen", "Grünanlagen", "Bäume, Hecken, Rasenflächen, Parkbänke", "Grün", "gruenflaechen"),
    (
        "verkehrszeichen",
        "Verkehrszeichen",
        "beschädigte, verdrehte oder zugewachsene Schilder",
        "Straße",
        "ordnungsamt",
    ),
    ("spielplatz", "Spielplatz", "defekte Spielgeräte, Verunreinigungen", "Grün", "gruenflaechen"),
)
TOWNS = {
    "Stadt Wernigerode": (
        "wernigerode",
        "wernigerode.de",
        [[51.810, 10.700], [51.810, 10.880], [51.880, 10.880], [51.880, 10.700]],
        "Für Orte außerhalb der Stadt Wernigerode ist der Landkreis Harz oder die jeweilige Gemeinde zuständig.",
        (51.8357, 10.7853),
        (
            "Breite Straße",
            "Westernstraße",
            "Burgstraße",
            "Nöschenröder Straße",
            "Salzbergstraße",
            "Friedrichstraße",
            "Am Katzenteich",
            "Bahnhofstraße",
            "Kohlmarkt",
            "Schöne Ecke",
            "Kirchstraße",
            "Lindenallee",
        ),
        30,
    ),
    "Stadt Halberstadt": (
        "halberstadt",
        "halberstadt.de",
        [],
        "",
        (51.8958, 11.0467),
        ("Domplatz", "Breiter Weg", "Fischmarkt", "Richard-Wagner-Straße", "Harmoniestraße", "Spiegelsbergenweg"),
        10,
    ),
    "Hansestadt Stendal": (
        "stendal",
        "stendal.de",
        [],
        "",
        (52.6060, 11.8585),
        ("Breite Straße", "Hallstraße", "Arneburger Straße", "Uenglinger Straße", "Bahnhofstraße", "Am Dom"),
        10,
    ),
}
TEXTS = {
    "strassenschaden": (
        "Tiefes Schlagloch auf der Fahrbahn, Radfahrer weichen aus.",
        "Gehwegplatte lose, Stolpergefahr.",
    ),
    "beleuchtung": ("Laterne seit Tagen aus, Straße abends sehr dunkel.", "Straßenlaterne flackert die ganze Nacht."),
    "muell": ("Mehrere Säcke Hausmüll und ein alter Kühlschrank abgestellt.", "Bauschutt am Wegrand abgekippt."),
    "gruen": ("Großer Ast hängt abgebrochen über dem Gehweg.", "Parkbank zerbrochen."),
    "verkehrszeichen": ("Vorfahrtsschild verdreht, zeigt in die falsche Richtung.", "Schild von Hecke zugewachsen."),
    "spielplatz": ("Kette der Schaukel gerissen.", "Glasscherben im Sandkasten."),
}
ANSWERS = {
    ReportStatus.IN_PROGRESS: "Vielen Dank, der Bauhof ist beauftragt.",
    ReportStatus.CLOSED: "Der Mangel ist behoben. Vielen Dank für Ihren Hinweis.",
}


def legal_texts(member: Member, domain: str) -> dict[str, str]:
    """Demo legal texts of a town (the pages mark them as demo)."""
    address = f"{member.name}\n{member.street}\n{member.postcode} {member.city}"
    return {
        "imprint": (
            f"Demo-Text\n\n{address}\n\nVertreten durch die Bürgermeisterin (Demo)\nE-Mail: info@{domain}.example"
        ),
        "privacy": (
            f"Demo-Text\n\nVerantwortlich: {address}\n\nWir speichern Ihre Meldung (Kategorie, Beschreibung, Ort, "
            "Fotos ohne Standort- und Kameradaten) und, wenn Sie sie angeben, Ihre E-Mail-Adresse, um Ihnen den Stand "
            "zu schreiben. Zwei Jahre nach der Erledigung löschen wir E-Mail-Adresse, Fotos und interne Notizen.\n\n"
            f"Datenschutzbeauftragte: datenschutz@{domain}.example (Demo)"
        ),
        "accessibility": (
            "Demo-Text\n\nDer Mängelmelder ist mit der BITV 2.0 teilweise vereinbar: Die Stelle lässt sich auf der "
            "Karte nicht mit der Tastatur setzen; geben Sie stattdessen eine Adresse ein oder verwenden Sie Ihren "
            "Standort."
        ),
        "accessibility_email": f"barrierefreiheit@{domain}.example",
    }


def seed_defects() -> int:
    """The three towns' reporters, unless they exist; returns the number of reports created."""
    rng = random.Random(2026)  # noqa: S311 - the same demo every time, nothing secret
    now = timezone.now()
    worker = User.objects.filter(email__iexact=f"caseworker.wernigerode@{DEMO_DOMAIN}").first()
    created = 0
    for town, (slug, domain, area, hint, (lat, lon), streets, count) in TOWNS.items():
        member = Member.objects.filter(organisation__name=town).first()
        if member is None or DefectService.objects.filter(member=member).exists():
            continue
        service = DefectService.objects.create(
            member=member,
            slug=slug,
            area=area,
            outside_hint=hint,
            retention_days=730,
            is_demo=True,
            **legal_texts(member, domain),
        )
        categories = []
        for code, name, description, group, mailbox in CATEGORIES:
            category = Category.objects.create(
                service=service,
                code=code,
                name=name,
                description=description,
                group=group,
                keywords=description.replace(",", "").split(" ")[0],
                department_email=f"{mailbox}@{domain}.example",
            )
            if worker is not None and slug == "wernigerode" and code == "strassenschaden":
                category.case_workers.add(worker)
            categories.append(category)
        for n in range(count):
            category = rng.choice(categories)
            status = rng.choices(list(ReportStatus), weights=(5, 3, 4))[0]
            days = rng.randint(0, 60)
            requested = now - dt.timedelta(days=days, hours=rng.randint(0, 20))
            report = Report.objects.create(
                service=service,
                category=category,
                description=rng.choice(TEXTS[category.code]) + " (Demo)",
                lat=round(lat + rng.uniform(-0.012, 0.012), 6),
                lon=round(lon + rng.uniform(-0.02, 0.02), 6),
                address=f"{rng.choice(streets)} {rng.randint(1, 60)}",
                status=status,
                status_notes=ANSWERS.get(status, ""),
                is_published=status != ReportStatus.OPEN or n % 2 == 0,
                source="open311" if n % 7 == 3 else "web",
                is_demo=True,
            )
            closed = requested + dt.timedelta(days=rng.randint(1, 5)) if status == ReportStatus.CLOSED else None
            Report.objects.filter(pk=report.pk).update(
                requested_at=requested, updated_at=closed or requested, closed_at=closed
            )
            created += 1
    return created
