"""The town of bench/council.py: Stadt Wernigerode with 10,000 papers, 50,000 files, 2,000 meetings with about 10
agenda items each (10 % non-public), the consultations that tie papers to them and 200 persons in 18
organizations, written with bulk_create, created/modified spread over ten years. Imported by bench/council.py
once Django is set up on the benchmark's database (the models need it)."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator
from typing import Any

import psycopg
from council_text import COMMITTEES, DISTRICTS, FAMILY, GIVEN, GROUPS, STREETS, SUBJECTS, fill, search_text, text
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from kitu.accounts.models import Organisation, RoleAssignment, User
from kitu.accounts.roles import OrgKind, Role
from kitu.council.models import (
    AgendaItem,
    AgendaResult,
    Body,
    Consultation,
    ConsultationRole,
    File,
    FileRole,
    LegislativeTerm,
    Location,
    Meeting,
    MeetingState,
    Membership,
    Organization,
    OrganizationType,
    Paper,
    PaperType,
    Person,
)
from kitu.members import services as member_services

PAPERS = int(os.environ.get("BENCH_PAPERS", "10000"))
MEETINGS = PAPERS // 5  # 2,000
ITEMS_PER_MEETING = 10
FILES_PER_PAPER = 4  # 40,000, plus 2 per meeting (4,000) and a resolution for 6,000 items: 50,000
PERSONS = 200
SEED = 19

PREFIX = {
    PaperType.RESOLUTION: "BV",
    PaperType.INFORMATION: "IV",
    PaperType.MOTION: "A",
    PaperType.QUESTION: "AF",
    PaperType.NOTICE: "MI",
}
START = dt.datetime(2016, 7, 1, 17, 0, tzinfo=dt.UTC)
SPAN_DAYS = 3650


def chunks(rows: list[Any], size: int = 5000) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def build(url: str) -> dict[str, Any]:
    """The town, written with bulk_create into the database Django is set up on (``url``: the same database,
    for the VACUUM ANALYZE at the end)."""
    rng = random.Random(SEED)
    call_command("migrate", verbosity=0)
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="Kommunale IT-UNION eG")
    admin = User.objects.create_user("bench@kitu.example", "x" * 12, full_name="Bench")
    RoleAssignment.objects.create(user=admin, organisation=coop, role=Role.COOP_ADMIN)
    member = member_services.member_apply(
        actor=admin,
        name="Stadt Wernigerode",
        member_type="stadt",
        street="Marktplatz 1",
        postcode="38855",
        city="Wernigerode",
        application_date=dt.date(2013, 7, 1),
        council_resolution_date=dt.date(2013, 6, 1),
    )
    body = Body.objects.create(member=member, slug="wernigerode", name="Stadt Wernigerode", short_name="Wernigerode")
    for year in (2014, 2019, 2024):
        LegislativeTerm.objects.create(
            body=body, name=f"Wahlperiode {year}–{year + 5}", start_date=dt.date(year, 7, 1), end_date=None
        )
    locations = Location.objects.bulk_create(
        [
            Location(body=body, description="Rathaus, Festsaal", street_address="Marktplatz 1", postal_code="38855"),
            Location(body=body, description="Rathaus, Ratssaal", street_address="Marktplatz 1", postal_code="38855"),
            Location(body=body, description="KiEZ, Großer Saal", street_address="Friedrichstraße 57"),
        ]
    )
    organizations = Organization.objects.bulk_create(
        [Organization(body=body, name=name, short_name=short, classification="Ausschuss") for name, short in COMMITTEES]
        + [
            Organization(body=body, name=f"Fraktion {g}", short_name=g, organization_type=OrganizationType.GROUP)
            for g in GROUPS
        ]
    )
    committees, groups = organizations[: len(COMMITTEES)], organizations[len(COMMITTEES) :]
    persons = Person.objects.bulk_create(
        [
            Person(
                body=body,
                given_name=GIVEN[i % len(GIVEN)],
                family_name=f"{FAMILY[i % len(FAMILY)]}-{i // len(FAMILY) + 1}" if i >= len(FAMILY) else FAMILY[i],
                status=["Ratsmitglied"] if i < 40 else ["sachkundige Einwohnerin"],
            )
            for i in range(PERSONS)
        ]
    )
    memberships = []
    for i, person in enumerate(persons):
        group = groups[i % len(groups)]
        memberships.append(Membership(person=person, organization=group, role="Mitglied"))
        memberships.append(
            Membership(person=person, organization=committees[i % len(committees)], role="Mitglied", on_behalf_of=group)
        )
        if i < 40:
            memberships.append(
                Membership(person=person, organization=committees[0], role="Mitglied", on_behalf_of=group)
            )
    Membership.objects.bulk_create(memberships)

    # Meetings: 2,000 over ten years, most published; the last few ahead.
    meetings = []
    now = dt.datetime.now(dt.UTC)
    for i in range(MEETINGS):
        start = START + dt.timedelta(days=SPAN_DAYS * i / MEETINGS, hours=i % 3)
        committee = committees[i % len(committees)]
        if start > now + dt.timedelta(days=14):
            state = MeetingState.SCHEDULED
        elif start > now:
            state = MeetingState.INVITED
        else:
            state = MeetingState.HELD if i % 20 == 0 else MeetingState.PUBLISHED
        meetings.append(
            Meeting(
                body=body,
                name=f"{i // len(committees) + 1}. Sitzung des {committee.name}",
                state=state,
                start=start,
                end=start + dt.timedelta(hours=3),
                location=locations[i % len(locations)],
                invited_at=start - dt.timedelta(days=10) if state != MeetingState.SCHEDULED else None,
                published_at=start + dt.timedelta(days=14) if state == MeetingState.PUBLISHED else None,
            )
        )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=2000)
    through = Meeting.organizations.through
    through.objects.bulk_create(
        [through(meeting_id=m.pk, organization_id=committees[i % len(committees)].pk) for i, m in enumerate(meetings)]
    )

    items = []
    for i, meeting in enumerate(meetings):
        done = meeting.state in (MeetingState.HELD, MeetingState.PUBLISHED)
        for k in range(ITEMS_PER_MEETING):
            public = (i * ITEMS_PER_MEETING + k) % 10 != 7  # 10 % non-public
            items.append(
                AgendaItem(
                    meeting=meeting,
                    number=f"{'Ö' if public else 'N'} {k + 1}",
                    order=k + 1,
                    name="",  # the subject of the paper, filled below
                    public=public,
                    result=(AgendaResult.ADOPTED if k % 4 else AgendaResult.NOTED) if done else "",
                    votes_yes=rng.randint(10, 30) if done and k % 4 else None,
                    votes_no=rng.randint(0, 8) if done and k % 4 else None,
                    votes_abstain=rng.randint(0, 4) if done and k % 4 else None,
                )
            )

    # Papers: 10,000 in date order, each consulted twice (a committee prepares, the council decides): the
    # agenda items in meeting order take the papers in turn.
    types = list(PaperType)
    papers, paper_files = [], []
    counters: dict[tuple[str, int], int] = {}
    for i in range(PAPERS):
        day = (START + dt.timedelta(days=SPAN_DAYS * i / PAPERS - 20)).date()
        paper_type = types[0] if i % 3 else types[(i // 3) % len(types)]
        counters[(paper_type, day.year)] = counters.get((paper_type, day.year), 0) + 1
        reference = f"{PREFIX[paper_type]}/{counters[(paper_type, day.year)]:04d}/{day.year}"
        place = (rng.choice(STREETS), rng.choice(DISTRICTS))
        name = fill(rng.choice(SUBJECTS), rng, day.year, place)
        if paper_type == PaperType.MOTION and not name.startswith("Antrag"):
            name = f"Antrag der Fraktion {rng.choice(GROUPS)}: {name}"
        texts = [text(rng, day.year, 40 if f == 0 else 15, place) for f in range(FILES_PER_PAPER)]
        texts[0] = f"{reference} {name}\n" + texts[0]
        papers.append(
            Paper(
                body=body,
                name=name,
                reference=reference,
                date=day,
                paper_type=paper_type,
                search_text=search_text(reference, name, texts),
            )
        )
        paper_files.append(texts)
    consultations = []
    for n, item in enumerate(items):
        paper = papers[min(n // 2, PAPERS - 1)]
        item.name = paper.name
        if not item.public:
            paper.public = False
    papers = Paper.objects.bulk_create(papers, batch_size=1000)
    items = AgendaItem.objects.bulk_create(items, batch_size=5000)
    for n, item in enumerate(items):
        paper = papers[min(n // 2, PAPERS - 1)]
        consultations.append(
            Consultation(
                paper=paper,
                agenda_item=item,
                role=ConsultationRole.DECIDE if n % 2 else ConsultationRole.PREPARE,
                authoritative=bool(n % 2),
                order=n % 2,
            )
        )
    consultations = Consultation.objects.bulk_create(consultations, batch_size=5000)
    c_through = Consultation.organizations.through
    organization_of = {m.pk: committees[i % len(committees)].pk for i, m in enumerate(meetings)}
    c_through.objects.bulk_create(
        [
            c_through(consultation_id=c.pk, organization_id=organization_of[items[n].meeting_id])
            for n, c in enumerate(consultations)
        ],
        batch_size=5000,
    )

    # Files: one shared tiny PDF in the storage; the rows carry the text.
    stored = default_storage.save("council/bench-shared.pdf", ContentFile(TINY_PDF))
    common = {"body": body, "mime_type": "application/pdf", "size": len(TINY_PDF), "sha512": "0" * 128}
    files = []
    for paper, texts in zip(papers, paper_files, strict=True):
        for f, body_text in enumerate(texts):
            role = FileRole.MAIN if f == 0 else FileRole.AUXILIARY
            label = "Vorlage" if f == 0 else f"Anlage {f}"
            files.append(
                File(
                    paper=paper,
                    role=role,
                    name=f"{paper.reference} {label}",
                    file_name=f"{paper.reference.replace('/', '-')}-{label.replace(' ', '-')}.pdf",
                    date=paper.date,
                    text=body_text,
                    content=stored,
                    **common,
                )
            )
    for meeting in meetings:
        year = meeting.start.year
        for role, label in ((FileRole.INVITATION, "Einladung"), (FileRole.RESULTS_PROTOCOL, "Niederschrift")):
            files.append(
                File(
                    meeting=meeting,
                    role=role,
                    name=f"{label} {meeting.name}",
                    file_name=f"{label}-{meeting.pk}.pdf",
                    date=meeting.start.date(),
                    text=text(rng, year, 12),
                    content=stored,
                    **common,
                )
            )
    resolutions = PAPERS * 5 - len(files)
    for item in items[: max(resolutions, 0) * 3 : 3]:
        files.append(
            File(
                agenda_item=item,
                role=FileRole.RESOLUTION,
                name=f"Beschluss {item.number}",
                file_name=f"Beschluss-{item.pk}.pdf",
                text=text(rng, 2020, 4),
                content=stored,
                **common,
            )
        )
    for batch in chunks(files, 5000):
        File.objects.bulk_create(batch)

    # created/modified spread over the ten years (auto_now set them all to now).
    with connection.cursor() as cursor:
        for table in (
            "council_paper",
            "council_meeting",
            "council_agendaitem",
            "council_consultation",
            "council_file",
            "council_person",
            "council_membership",
            "council_organization",
        ):
            cursor.execute(
                f"UPDATE {table} SET created = %s::timestamptz + (id %% {SPAN_DAYS}) * interval '1 day', "
                f"modified = %s::timestamptz + (id %% {SPAN_DAYS}) * interval '1 day' + interval '3 days'",
                [START, START],
            )
        # A few tombstones, as OParl clients meet them.
        cursor.execute("UPDATE council_file SET deleted = true WHERE id % 997 = 0")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return {"body": body}


# A one-page PDF with the text "Vorlage" (the shared stored content of every file row).
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>"
    b"endobj\n4 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n5 0 obj<</Length 38>>stream\n"
    b"BT /F1 12 Tf 72 770 Td (Vorlage) Tj ET\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
