"""Demo working groups with members, a past meeting with minutes (decisions, action items) and an upcoming
one each, two trainings open to all members, and news (all marked Demo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kitu.accounts.models import User
from kitu.workgroups import services
from kitu.workgroups.models import Meeting, NewsItem, WorkingGroup

from .data import DEMO_DOMAIN

# demo logins in every group (the Wernigerode member admin coordinates), by e-mail's local part
MEMBERS = ("memberadmin.wernigerode", "requester.wernigerode", "workgroup.wernigerode", "requester.zeitz")
PAST = {
    "Arbeitskreis Strategie": (
        "OZG-Umsetzung: Stand der EfA-Leistungen in den Mitgliedskommunen; Austausch zur Digitalstrategie "
        "des Landes. 14 Teilnehmende aus 11 Mitgliedern.",
        ["Der Arbeitskreis empfiehlt dem Vorstand eine gemeinsame Plattform für Online-Dienste."],
        [("Übersicht der genutzten EfA-Leistungen je Mitglied zusammenstellen", "memberadmin.wernigerode", 21)],
    ),
    "Arbeitskreis DMS": (
        "Erfahrungen mit der Einführung der E-Akte; Scanstrategie (ersetzendes Scannen nach TR-RESISCAN); "
        "Aussonderung an das Landesarchiv.",
        [
            "Ein gemeinsamer Aktenplan-Entwurf wird auf Basis des Musters der Stadt Wernigerode erarbeitet.",
            "Die Geschäftsstelle prüft einen Rahmenvertrag für Scandienstleistungen.",
        ],
        [
            ("Aktenplan-Muster in die Dokumentenablage stellen", "memberadmin.wernigerode", 14),
            ("Bedarf an Scandienstleistungen in der eigenen Verwaltung erheben", "requester.zeitz", -5),
        ],
    ),
    "Arbeitskreis Schul-IT": (
        "DigitalPakt-Mittel: Stand der Abrechnung; Support-Modelle für Schulen; Ausstattung mit Tablets.",
        ["Für Schul-Tablets wird in der nächsten Bedarfsabfrage eine eigene Position vorgesehen."],
        [("Supportverträge der Schulträger vergleichen", "workgroup.wernigerode", 30)],
    ),
    "Arbeitskreis Informationssicherheit": (
        "Lagebericht zu Ransomware-Vorfällen in Kommunen; Notfallübung; Sensibilisierung der Beschäftigten.",
        ["Eine gemeinsame Notfallübung findet im Frühjahr statt."],
        [("Ablaufplan der Notfallübung entwerfen", "memberadmin.wernigerode", 45)],
    ),
}
NEWS = (
    (
        "Neuer Rahmenvertrag für Notebooks und Dockingstationen (Demo)",
        "Der Rahmenvertrag mit der Elbe-IT Systemhaus GmbH ist freigeschaltet. Alle Mitglieder können ab "
        "sofort über den Warenkorb abrufen.",
        None,
    ),
    (
        "Bedarfsabfrage Arbeitsplatz-IT läuft (Demo)",
        "Bitte melden Sie Ihren Bedarf für das kommende Jahr bis zum Meldeschluss. Die gebündelte Menge "
        "geht in die gemeinsame Ausschreibung.",
        None,
    ),
    (
        "Aktenplan-Muster ist online (Demo)",
        "Das Muster für einen gemeinsamen Aktenplan liegt in den Dokumenten des Arbeitskreises.",
        "Arbeitskreis DMS",
    ),
)


def _user(local: str) -> User | None:
    return User.objects.filter(email__iexact=f"{local}@{DEMO_DOMAIN}").first()


def _people_and_past_meeting(admin: User, group: WorkingGroup, base: dt.datetime, index: int) -> None:
    """The demo logins join; the member admin coordinates; a meeting six weeks ago with minutes."""
    for local in MEMBERS:
        user = _user(local)
        if user is not None:
            services.membership_set(
                actor=admin, group=group, user=user, status="active", is_coordinator=local == MEMBERS[0]
            )
    starts = base - dt.timedelta(days=42 + 7 * index)
    past = services.meeting_save(
        actor=admin,
        kind="meeting",
        group=group,
        title=f"{group.name}: Sitzung vom {starts:%d.%m.%Y} (Demo)",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        place="Kommunale IT-UNION eG, Magdeburg",
        agenda="1. Begrüßung\n2. Berichte aus den Mitgliedern\n3. Schwerpunktthema\n4. Verschiedenes",
    )
    Meeting.objects.filter(pk=past.pk).update(is_demo=True)
    minutes, decisions, actions = PAST[group.name]
    services.minutes_save(actor=admin, meeting=past, minutes=minutes)
    for text in decisions:
        services.minutes_item_add(actor=admin, meeting=past, kind="decision", text=text)
    for text, local, due in actions:
        owner = _user(local)
        if owner is not None:
            services.minutes_item_add(
                actor=admin,
                meeting=past,
                kind="action",
                text=text,
                owner=owner,
                due_on=timezone.localdate() + dt.timedelta(days=due),
            )


def seed_news(admin: User) -> None:
    for age, (title, body, group_name) in enumerate(NEWS):
        if NewsItem.objects.filter(title=title).exists():
            continue
        news = services.news_save(
            actor=admin,
            title=title,
            body=body,
            group=WorkingGroup.objects.filter(name=group_name).first() if group_name else None,
            published_at=timezone.now() - dt.timedelta(days=3 * age + 1),
        )
        NewsItem.objects.filter(pk=news.pk).update(is_demo=True)


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
    """Create the demo groups, appointments and news that are missing; returns how many groups were created.
    Runs after the demo logins exist (they become the groups' members)."""
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
        _people_and_past_meeting(admin, group, base, index)
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
    seed_news(admin)
    return created
