"""Demo working groups with upcoming meetings, and two trainings open to all members (marked Demo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kitu.accounts.models import User
from kitu.workgroups import services
from kitu.workgroups.models import Meeting, WorkingGroup

GROUPS = (
    ("Arbeitskreis Strategie", "Digitalstrategie der Kommunen, OZG-Umsetzung, Zusammenarbeit im Land.", "open"),
    ("Arbeitskreis DMS", "Dokumentenmanagement und E-Akte: Einführung, Betrieb, Aussonderung.", "open"),
    (
        "Arbeitskreis Schul-IT",
        "IT-Ausstattung und Support der Schulen, DigitalPakt, Medienentwicklungsplanung.",
        "open",
    ),
    (
        "Arbeitskreis Informationssicherheit",
        "Informationssicherheitsbeauftragte der Mitglieder: BSI-Grundschutz, Vorfälle, Übungen.",
        "request",
    ),
)


def seed_workgroups(admin: User) -> int:
    """Create the demo groups and appointments that are missing; returns how many groups were created."""
    created = 0
    base = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
    for index, (name, description, visibility) in enumerate(GROUPS):
        if WorkingGroup.objects.filter(name=name).exists():
            continue
        group = services.group_save(actor=admin, name=name, description=description, visibility=visibility)
        WorkingGroup.objects.filter(pk=group.pk).update(is_demo=True)
        starts = base + dt.timedelta(days=21 + 14 * index)
        meeting = services.meeting_save(
            actor=admin,
            kind="meeting",
            group=group,
            title=f"{name}: Sitzung (Demo)",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=4),
            place="Kommunale IT-UNION eG, Magdeburg",
            agenda="1. Begrüßung\n2. Berichte aus den Mitgliedern\n3. Schwerpunktthema\n4. Verschiedenes",
            capacity=30,
            per_member_limit=2,
        )
        Meeting.objects.filter(pk=meeting.pk).update(is_demo=True)
        created += 1
    trainings = (
        ("Schulung E-Akte für Einsteiger (Demo)", 10, 12, 1, Decimal("120.00")),
        ("Schulung Informationssicherheit für Beschäftigte (Demo)", 24, 20, 2, None),
    )
    for title, days, capacity, limit, fee in trainings:
        if Meeting.objects.filter(title=title).exists():
            continue
        starts = base + dt.timedelta(days=days)
        training = services.meeting_save(
            actor=admin,
            kind="training",
            title=title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=6),
            video_url="https://video.kitu.example/schulung",
            capacity=capacity,
            per_member_limit=limit,
            fee=fee,
        )
        Meeting.objects.filter(pk=training.pk).update(is_demo=True)
    return created
