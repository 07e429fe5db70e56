"""Demo: the cooperative's governance — board and supervisory board, last year's general assembly with
documents, results and signed minutes, an upcoming assembly with an open electronic poll, and the
representatives of Stadt Wernigerode and Stadt Zeitz (logins in DEMO_USERS). Through the real services where
they exist; last year's results are written as the counted figures of that day. Idempotent: what exists (by
title or name) is not created again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kitu.accounts.models import User
from kitu.accounts.selectors import cooperative
from kitu.demo.data import DEMO_DOMAIN
from kitu.governance import rules
from kitu.governance.models import Assembly, AssemblyMode, Body, BodyFunction, BodyMember, Procedure, Representative
from kitu.governance.rules import Majority, PollStatus
from kitu.governance.services import assemblies, representatives, voting
from kitu.members.models import Member

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
REPRESENTATIVES = (
    (f"representative.wernigerode@{DEMO_DOMAIN}", "Stadt Wernigerode"),
    (f"representative.zeitz@{DEMO_DOMAIN}", "Stadt Zeitz"),
)
BODIES = (
    (Body.BOARD, "Dr. Katrin Vogt (Demo)", BodyFunction.CHAIR, "Kommunale IT-UNION eG"),
    (Body.BOARD, "Martin Hesse (Demo)", BodyFunction.MEMBER, "Kommunale IT-UNION eG"),
    (Body.SUPERVISORY, "Petra Lindner (Demo)", BodyFunction.CHAIR, "Landeshauptstadt Magdeburg"),
    (Body.SUPERVISORY, "Thomas Krüger (Demo)", BodyFunction.DEPUTY, "Stadt Wernigerode"),
    (Body.SUPERVISORY, "Sabine Otto (Demo)", BodyFunction.MEMBER, "Stadt Zeitz"),
)
UPCOMING = "Generalversammlung mit elektronischer Vorabstimmung (Demo)"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed_governance(today: dt.date | None = None) -> int:
    """Create what is missing; returns how many objects (persons, assemblies, representatives) were new."""
    today = today or timezone.localdate()
    admin = User.objects.filter(is_superuser=True, email__endswith=DEMO_DOMAIN).order_by("pk").first()
    if admin is None or cooperative() is None:
        return 0
    with transaction.atomic():
        created = _bodies(admin, today) + _representatives(admin)
        created += _last_year(admin, today) + _upcoming(admin, today)
    return created


def _bodies(admin: Any, today: dt.date) -> int:
    created = 0
    start = dt.date(today.year - 2, 7, 1)
    for body, name, function, affiliation in BODIES:
        if not BodyMember.objects.filter(full_name=name).exists():
            assemblies.body_member_add(
                actor=admin,
                body=body,
                full_name=name,
                function=function,
                term_start=start,
                term_end=dt.date(start.year + 4, 6, 30),
                affiliation=affiliation,
                is_demo=True,
            )
            created += 1
    if created:
        assemblies.body_resolution_record(
            actor=admin,
            body=Body.BOARD,
            title="Beschaffung einer zweiten Rechenzentrumsanbindung (Demo)",
            decided_on=today - dt.timedelta(days=60),
            yes=2,
            no=0,
            abstain=0,
            is_demo=True,
        )
        assemblies.body_resolution_record(
            actor=admin,
            body=Body.SUPERVISORY,
            title="Prüfung des Jahresabschlusses beauftragt (Demo)",
            decided_on=today - dt.timedelta(days=200),
            yes=3,
            no=0,
            abstain=0,
            is_demo=True,
        )
    return created


def _representatives(admin: Any) -> int:
    created = 0
    for email, member_name in REPRESENTATIVES:
        user = User.objects.filter(email__iexact=email).first()
        member = Member.objects.filter(organisation__name=member_name).first()
        if user is None or member is None or Representative.objects.filter(user=user, member=member).exists():
            continue
        representatives.representative_name(actor=admin, member=member, user=user, authority=_pdf("Vollmacht.pdf"))
        created += 1
    return created


def _last_year(admin: Any, today: dt.date) -> int:
    day = dt.date(today.year - 1, 6, 18)
    title = f"Ordentliche Generalversammlung {day.year} (Demo)"
    if Assembly.objects.filter(title=title).exists():
        return 0
    assembly = assemblies.assembly_create(
        actor=admin,
        title=title,
        starts_at=_at(day, 10),
        mode=AssemblyMode.HYBRID,
        place="Magdeburg, Alter Markt 6",
        online_url="https://konferenz.kitu.example/gv",
        chair="Petra Lindner (Demo)",
        is_demo=True,
    )
    accounts = assemblies.agenda_item_add(
        actor=admin, assembly=assembly, title=f"Jahresabschluss {day.year - 1}", historic=True
    )
    for kind, name in (
        ("annual_accounts", "Jahresabschluss.pdf"),
        ("management_report", "Lagebericht.pdf"),
        ("audit_report", "Pruefungsbericht.pdf"),
    ):
        assemblies.document_add(actor=admin, item=accounts, kind=kind, upload=_pdf(name), historic=True)
    discharge = assemblies.agenda_item_add(
        actor=admin, assembly=assembly, title="Entlastung von Vorstand und Aufsichtsrat", historic=True
    )
    statutes = assemblies.agenda_item_add(
        actor=admin, assembly=assembly, title="Änderung der Satzung (§ 12 virtuelle Versammlung)", historic=True
    )
    results = (
        (accounts, "Feststellung des Jahresabschlusses", Majority.SIMPLE, False, (41, 0, 2)),
        (discharge, "Entlastung des Vorstands", Majority.SIMPLE, False, (38, 1, 4)),
        (statutes, "Satzungsänderung § 12", Majority.THREE_QUARTERS, True, (35, 6, 2)),
    )
    for item, motion, rule, secret, (yes, no, abstain) in results:
        poll = assemblies.resolution_add(
            actor=admin, assembly=assembly, agenda_item=item, title=motion, rule=rule, secret=secret, is_demo=True
        )
        adopted = rules.adopted(rule, rules.Tally(yes, no, abstain))
        type(poll).objects.filter(pk=poll.pk).update(
            status=PollStatus.COUNTED, yes=yes, no=no, abstain=abstain, adopted=adopted, decided_on=day
        )
    assemblies.minutes_upload(
        actor=admin, assembly=assembly, upload=_pdf("Protokoll.pdf"), signed_by="Petra Lindner (Demo)"
    )
    return 1


def _upcoming(admin: Any, today: dt.date) -> int:
    if Assembly.objects.filter(title=UPCOMING).exists():
        return 0
    assembly = assemblies.assembly_create(
        actor=admin,
        title=UPCOMING,
        starts_at=_at(today + dt.timedelta(days=35), 10),
        mode=AssemblyMode.IN_PERSON,
        place="Magdeburg, Alter Markt 6",
        chair="Petra Lindner (Demo)",
        is_demo=True,
    )
    accounts = assemblies.agenda_item_add(actor=admin, assembly=assembly, title=f"Jahresabschluss {today.year - 1}")
    assemblies.document_add(actor=admin, item=accounts, kind="annual_accounts", upload=_pdf("Jahresabschluss.pdf"))
    poll = assemblies.resolution_add(
        actor=admin,
        assembly=assembly,
        agenda_item=accounts,
        title="Feststellung des Jahresabschlusses",
        procedure=Procedure.WRITTEN,
        is_demo=True,
    )
    voting.poll_transition(actor=admin, poll=poll, to=PollStatus.OPEN)
    budget = assemblies.agenda_item_add(actor=admin, assembly=assembly, title="Wahl zum Aufsichtsrat")
    assemblies.resolution_add(
        actor=admin,
        assembly=assembly,
        agenda_item=budget,
        title="Wahl von Sabine Otto in den Aufsichtsrat",
        secret=True,
        is_demo=True,
    )
    return 1
