"""Council information system benchmark (issue 19; run by `make bench`).

One town (Stadt Wernigerode) with 10,000 papers, 50,000 files, 2,000 meetings with about 10 agenda items
each (10 % non-public) and the consultations that tie papers to them, 200 persons in 18 organizations —
written with bulk_create (a benchmark, not demo data), created/modified spread over ten years. Each file
row carries realistic German text (the stored content is one shared tiny PDF: the figures are about
queries); each paper's search_text is built as the services build it (reference, subject, file texts).

Figures, each next to its floor measured in the same run:
- OParl list pages of 100 (papers, files, meetings, agendaItems; first and a middle page) through Django's
  test client in-process: median and p95 of CALLS calls, against the raw SQL that reads the same rows
  (with the public rule written out in SQL, no serialisation);
- a full client walk of all lists of the town from /oparl/v1/system through ``links.next`` (objects/s);
- the public paper search (the public papers page with ?q= and kitu.council.search.search_papers) for a
  broad, a narrow and a compound query, against the raw ``to_tsvector('german', search_text) @@
  websearch_to_tsquery('german', q)`` query of the same page.
Goals: OParl list page p95 ≤ 100 ms, search p95 ≤ 100 ms.

PostgreSQL only: BENCH_COUNCIL_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/kitu_bench_council
(dropped and created). Without PostgreSQL it says so and exits 0."""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pgbench_common import start_django  # noqa: E402

URL = os.environ.get("BENCH_COUNCIL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kitu_bench_council")
PAPERS = int(os.environ.get("BENCH_PAPERS", "10000"))
MEETINGS = PAPERS // 5  # 2,000
ITEMS_PER_MEETING = 10
FILES_PER_PAPER = 4  # 40,000, plus 2 per meeting (4,000) and a resolution for 6,000 items: 50,000
PERSONS = 200
CALLS = int(os.environ.get("BENCH_CALLS", "40"))
GOAL_MS = 100.0
SEED = 19

start_django(URL, "council")

import psycopg  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from kitu.accounts.models import Organisation, RoleAssignment, User  # noqa: E402
from kitu.accounts.roles import OrgKind, Role  # noqa: E402
from kitu.council.models import (  # noqa: E402
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
from kitu.members import services as member_services  # noqa: E402

# --- realistic text ---------------------------------------------------------------------------------------

STREETS = (
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
    "Dornbergsweg",
    "Halberstädter Straße",
    "Ilsenburger Straße",
    "Minslebener Straße",
    "Veckenstedter Weg",
    "Harzblick",
    "Am Schlossberg",
    "Unter den Zindeln",
)
DISTRICTS = ("Benzingerode", "Minsleben", "Reddeber", "Schierke", "Silstedt", "Wernigerode", "Hasserode")
SUBJECTS = (
    "Bebauungsplan Nr. {n} „{street}“ – Aufstellungsbeschluss",
    "Bebauungsplan Nr. {n} „{street}“ – Satzungsbeschluss",
    "Haushaltssatzung und Haushaltsplan {year}",
    "Jahresabschluss {year} der Stadt Wernigerode",
    "Änderung der Kita-Gebührensatzung zum 1. August {year}",
    "Straßenausbau {street}, {district} – Bau- und Finanzierungsbeschluss",
    "Feuerwehrbedarfsplan {year} bis {year2}",
    "Ersatzbeschaffung eines Löschfahrzeugs für die Ortsfeuerwehr {district}",
    "Städtepartnerschaft mit Carvin (Frankreich): Bürgerreise {year}",
    "Antrag der Fraktion {group}: Sanierung des Spielplatzes {street}",
    "Anfrage der Fraktion {group} zur Parksituation in der {street}",
    "Vergabe der Bauleistungen Regenrückhaltebecken {district}",
    "Sanierung der Grundschule {district} – Fördermittelantrag",
    "Satzung über die Erhebung von Straßenausbaubeiträgen – Aufhebung",
    "Mitteilung: Stand der Breitbandversorgung im Ortsteil {district}",
    "Grundstücksangelegenheit {street} (Verkauf einer Teilfläche)",
    "Benennung einer Straße im Baugebiet {street}",
    "Zuschuss für den Harzer Schmalspurbahnen-Haltepunkt {district}",
)
SENTENCES = (
    "Der Stadtrat der Stadt Wernigerode beschließt die {thing} in der vorliegenden Fassung.",
    "Die Verwaltung wird beauftragt, die erforderlichen Schritte zur Umsetzung einzuleiten.",
    "Der Antrag der Fraktion {group} wird in den Ausschuss verwiesen.",
    "Die Kosten in Höhe von {money} Euro stehen im Haushalt {year} im Produkt {product} zur Verfügung.",
    "Das Plangebiet liegt im Ortsteil {district} und wird begrenzt durch die {street}.",
    "Die frühzeitige Beteiligung der Öffentlichkeit fand vom {day}. bis {day2}. März {year} statt.",
    "Die Stellungnahmen der Träger öffentlicher Belange sind in der Anlage abgewogen.",
    "Die Gebühren für die Betreuung in Kindertageseinrichtungen steigen um {pct} Prozent.",
    "Die Ortsfeuerwehr {district} erhält ein neues Hilfeleistungslöschgruppenfahrzeug.",
    "Die Fahrbahn der {street} wird auf einer Länge von {m} Metern grundhaft erneuert.",
    "Der Gehweg und die Straßenbeleuchtung werden im Zuge der Maßnahme ebenfalls erneuert.",
    "Die Anlieger wurden in einer Einwohnerversammlung am {day}. Mai {year} informiert.",
    "Der Haushaltsausgleich wird im Ergebnisplan {year} nicht erreicht; ein Haushaltskonsolidierungskonzept ist beigefügt.",
    "Die Kommunalaufsicht des Landkreises Harz hat die Genehmigung in Aussicht gestellt.",
    "Die Partnerstadt Carvin lädt zu den Feierlichkeiten des Jubiläums ein.",
    "Für die Maßnahme wurden Fördermittel aus dem Programm Stadtumbau Ost beantragt.",
    "Die Vergabe erfolgt an den wirtschaftlichsten Bieter nach öffentlicher Ausschreibung.",
    "Der Ausschuss empfiehlt dem Stadtrat einstimmig die Annahme der Vorlage.",
    "Mit der Verlegung der Versorgungsleitungen durch die Stadtwerke wird im Herbst begonnen.",
    "Die Elternvertretungen der Kindertagesstätten wurden nach § 19 KiFöG angehört.",
)
THINGS = ("Satzung", "Änderungssatzung", "Vergabe", "Maßnahme", "Planung", "Richtlinie", "Vereinbarung")
GROUPS = ("CDU", "SPD", "Die Linke", "Bündnis 90/Die Grünen", "FDP", "Bürgerliste/Freie Wähler", "AfD")
COMMITTEES = (
    ("Stadtrat", "SR"),
    ("Haupt- und Finanzausschuss", "HFA"),
    ("Bau- und Umweltausschuss", "BUA"),
    ("Ausschuss für Bildung, Kultur und Soziales", "BKS"),
    ("Ordnungsausschuss", "OA"),
    ("Ortschaftsrat Benzingerode", "OR-B"),
    ("Ortschaftsrat Minsleben", "OR-M"),
    ("Ortschaftsrat Reddeber", "OR-R"),
    ("Ortschaftsrat Schierke", "OR-S"),
    ("Ortschaftsrat Silstedt", "OR-Si"),
    ("Rechnungsprüfungsausschuss", "RPA"),
)
GIVEN = ("Anna", "Bernd", "Claudia", "Dirk", "Elke", "Frank", "Gabriele", "Heiko", "Ines", "Jörg", "Katrin", "Lutz")
FAMILY = ("Müller", "Schulze", "Schmidt", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Krüger")
PREFIX = {
    PaperType.RESOLUTION: "BV",
    PaperType.INFORMATION: "IV",
    PaperType.MOTION: "A",
    PaperType.QUESTION: "AF",
    PaperType.NOTICE: "MI",
}
START = dt.datetime(2016, 7, 1, 17, 0, tzinfo=dt.UTC)
SPAN_DAYS = 3650


def fill(template: str, rng: random.Random, year: int) -> str:
    return template.format(
        n=rng.randint(1, 60),
        street=rng.choice(STREETS),
        district=rng.choice(DISTRICTS),
        year=year,
        year2=year + 4,
        group=rng.choice(GROUPS),
        thing=rng.choice(THINGS),
        money=f"{rng.randint(5, 2500) * 1000:,}".replace(",", "."),
        product=f"{rng.randint(1, 6)}.{rng.randint(1, 9)}.{rng.randint(1, 9)}",
        day=rng.randint(1, 14),
        day2=rng.randint(15, 28),
        pct=rng.randint(2, 15),
        m=rng.randint(80, 900),
    )


def text(rng: random.Random, year: int, sentences: int) -> str:
    return " ".join(fill(rng.choice(SENTENCES), rng, year) for _ in range(sentences))


def search_text(reference: str, name: str, file_texts: list[str]) -> str:
    """As kitu.council.services.papers.refresh_search_text builds it: reference, subject, the texts of
    the paper's (live) files, one per line."""
    return "\n".join([reference, name, *file_texts])


# --- the town -----------------------------------------------------------------------------------------


def chunks(rows: list[Any], size: int = 5000) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def build() -> dict[str, Any]:
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
        name = fill(rng.choice(SUBJECTS), rng, day.year)
        if paper_type == PaperType.MOTION and not name.startswith("Antrag"):
            name = f"Antrag der Fraktion {rng.choice(GROUPS)}: {name}"
        texts = [text(rng, day.year, 40 if f == 0 else 15) for f in range(FILES_PER_PAPER)]
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
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return {"body": body}


# A one-page PDF with the text "Vorlage" (the shared stored content of every file row).
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>"
    b"endobj\n4 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n5 0 obj<</Length 38>>stream\n"
    b"BT /F1 12 Tf 72 770 Td (Vorlage) Tj ET\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# --- measuring ----------------------------------------------------------------------------------------------


def latency(call: Callable[[], object], calls: int = CALLS) -> tuple[float, float]:
    call()  # warm-up
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def verdict(p95: float) -> str:
    return "ok" if p95 <= GOAL_MS else "OVER THE GOAL"


def path_of(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def main() -> None:
    start = time.perf_counter()
    world = build()
    body = world["body"]
    print(
        f"council: {Paper.objects.count():,} papers, {File.objects.count():,} files, {Meeting.objects.count():,} "
        f"meetings, {AgendaItem.objects.count():,} agenda items, {Consultation.objects.count():,} consultations "
        f"stored in {time.perf_counter() - start:.0f} s; PostgreSQL, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    with psycopg.connect(URL) as conn:
        avg = conn.execute("SELECT avg(length(search_text))::int FROM council_paper").fetchone()
        print(f"search_text {avg[0] if avg else 0:,} characters per paper on average")
        oparl(body, conn)
        search(body, conn)


def oparl(body: Body, conn: psycopg.Connection[Any]) -> None:
    client = Client()
    system = client.get("/oparl/v1/system")
    if system.status_code != 200:
        print(f"OParl: /oparl/v1/system answers {system.status_code} — not measured")
        return
    print("OParl: not measured yet")


def search(body: Body, conn: psycopg.Connection[Any]) -> None:
    print("search: not measured yet")
    _ = urlencode


if __name__ == "__main__":
    main()
