"""Council information system benchmark (issue 19; run by `make bench`).

One town (Stadt Wernigerode, built by bench/council_town.py) with 10,000 papers, 50,000 files, 2,000 meetings
with about 10 agenda items each (10 % non-public) and the consultations that tie papers to them, 200 persons in
18 organizations — written with bulk_create (a benchmark, not demo data), created/modified spread over ten years. Each file
row carries realistic German text (the stored content is one shared tiny PDF: the figures are about
queries); each paper's search_text is built as the services build it (reference, subject, file texts).

Figures, each next to its floor measured in the same run:
- OParl list pages of 100 (papers, files, meetings, agendaItems; first and a middle page) through Django's
  test client in-process: median and p95 of CALLS calls, against the raw SQL that reads the same rows
  (with the public rule written out in SQL, no serialisation);
- a full client walk of all lists of the town from /oparl/v1/system through ``links.next`` (objects/s);
- the public paper search (the public papers page with ?q= and kitu.council.search.search as the page calls it:
  matches counted up to MAX_RANKED + 1, then the first page) for a broad, a narrow and a compound query, against the raw ``to_tsvector('german', search_text) @@
  websearch_to_tsquery('german', q)`` query of the same page.
Goals: OParl list page p95 ≤ 100 ms, search p95 ≤ 100 ms.

PostgreSQL only: BENCH_COUNCIL_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/kitu_bench_council
(dropped and created). Without PostgreSQL it says so and exits 0."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pgbench_common import start_django  # noqa: E402

URL = os.environ.get("BENCH_COUNCIL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kitu_bench_council")
CALLS = int(os.environ.get("BENCH_CALLS", "40"))
GOAL_MS = 100.0

REUSE = os.environ.get("BENCH_COUNCIL_REUSE") == "1"  # measure again on the town built by the last run
if REUSE:
    import logging
    import warnings

    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore", message="No directory at")
else:
    start_django(URL, "council")

import psycopg  # noqa: E402
from council_town import build  # noqa: E402 (its models need Django set up)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from kitu.council.models import (  # noqa: E402
    AgendaItem,
    Body,
    Consultation,
    File,
    Meeting,
    Paper,
)

# --- measuring ----------------------------------------------------------------------------------------------


CPU: list[float] = []  # the process CPU time (ms) of each call of the last latency(): Python's share


def latency(call: Callable[[], object], calls: int = CALLS) -> tuple[float, float]:
    """Median and 95th percentile of the wall time (ms); the CPU times of this process go to CPU."""
    start = time.perf_counter()
    call()  # warm-up
    first = time.perf_counter() - start
    if first > 1.0:  # far over any goal: a few calls tell as much
        calls = min(calls, 5 if first < 5.0 else 2)
    times = []
    CPU.clear()
    for _ in range(calls):
        start, cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - start) * 1000)
        CPU.append((time.process_time() - cpu) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def cpu_text() -> str:
    return f"CPU median {statistics.median(CPU):6.1f} ms"


def counted(call: Callable[[], Any]) -> tuple[Any, int]:
    """The result of ``call`` and the number of SQL statements it ran."""
    statements: list[str] = []

    def wrapper(execute: Any, sql: str, *args: Any) -> Any:
        statements.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(wrapper):
        result = call()
    return result, len(statements)


def verdict(p95: float) -> str:
    return "ok" if p95 <= GOAL_MS else "OVER THE GOAL"


def path_of(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def main() -> None:
    start = time.perf_counter()
    if REUSE:
        call_command("migrate", verbosity=0)
        body = Body.objects.get(slug="wernigerode")
    else:
        body = build(URL)["body"]
    print(
        f"council: {Paper.objects.count():,} papers, {File.objects.count():,} files, {Meeting.objects.count():,} "
        f"meetings, {AgendaItem.objects.count():,} agenda items, {Consultation.objects.count():,} consultations "
        f"{'as the last run stored them' if REUSE else f'stored in {time.perf_counter() - start:.0f} s'}; "
        f"PostgreSQL, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    with psycopg.connect(URL) as conn:
        avg = conn.execute("SELECT avg(length(search_text))::int FROM council_paper").fetchone()
        print(f"search_text {avg[0] if avg else 0:,} characters per paper on average")
        oparl(body, conn)
        search(body, conn)


# The public rule of kitu.council.visibility written out in SQL, for the floors.
INVITED_SQL = "('eingeladen', 'durchgeführt', 'veröffentlicht')"
RESULTS_SQL = "('results_protocol', 'verbatim_protocol', 'resolution')"
PUBLIC_ITEM = (
    "SELECT a.id FROM council_agendaitem a JOIN council_meeting m ON m.id = a.meeting_id WHERE m.body_id = %(b)s "
    f"AND NOT m.deleted AND NOT a.deleted AND a.public AND m.state IN {INVITED_SQL}"
)
PUBLIC_PAPER = (
    "p.body_id = %(b)s AND NOT p.deleted AND p.public AND EXISTS (SELECT 1 FROM council_consultation c WHERE "
    f"c.paper_id = p.id AND NOT c.deleted AND c.agenda_item_id IN ({PUBLIC_ITEM})) AND NOT EXISTS (SELECT 1 FROM "
    "council_consultation c JOIN council_agendaitem a ON a.id = c.agenda_item_id WHERE c.paper_id = p.id AND "
    "NOT c.deleted AND NOT a.public AND NOT a.deleted)"
)
FILE_COLUMNS = (
    "f.id, f.paper_id, f.meeting_id, f.agenda_item_id, f.role, f.name, f.file_name, f.mime_type, f.size, "
    "f.sha512, f.date, f.created, f.modified, f.license"
)
FLOORS: dict[str, list[str]] = {
    # each page: the rows of the page, then what the OParl object embeds or names of its relations
    "paper": [
        f"SELECT p.id, p.name, p.reference, p.date, p.paper_type, p.created, p.modified, p.keyword FROM "
        f"council_paper p WHERE {PUBLIC_PAPER} AND p.id > %(after)s ORDER BY p.id LIMIT 101",
        f"SELECT {FILE_COLUMNS} FROM council_file f WHERE f.paper_id = ANY(%(ids)s) AND NOT f.deleted ORDER BY f.id",
        "SELECT c.id, c.paper_id, c.agenda_item_id, c.role, c.authoritative, array_agg(co.organization_id) FROM "
        "council_consultation c LEFT JOIN council_consultation_organizations co ON co.consultation_id = c.id "
        f"WHERE c.paper_id = ANY(%(ids)s) AND NOT c.deleted AND (c.agenda_item_id IS NULL OR c.agenda_item_id IN "
        f"({PUBLIC_ITEM})) GROUP BY c.id ORDER BY c.paper_id, c.order",
    ],
    "file": [
        f"SELECT {FILE_COLUMNS} FROM council_file f WHERE f.body_id = %(b)s AND NOT f.deleted AND f.id > %(after)s "
        f"AND (f.paper_id IN (SELECT p.id FROM council_paper p WHERE {PUBLIC_PAPER}) "
        f"OR f.meeting_id IN (SELECT id FROM council_meeting WHERE body_id = %(b)s AND NOT deleted AND state IN "
        f"{INVITED_SQL}) AND f.role NOT IN {RESULTS_SQL} "
        "OR f.meeting_id IN (SELECT id FROM council_meeting WHERE body_id = %(b)s AND NOT deleted AND state = "
        f"'veröffentlicht') AND f.role IN {RESULTS_SQL} "
        f"OR f.agenda_item_id IN ({PUBLIC_ITEM}) AND f.role NOT IN {RESULTS_SQL} "
        f"OR f.agenda_item_id IN ({PUBLIC_ITEM} AND m.state = 'veröffentlicht') AND f.role IN {RESULTS_SQL}) "
        "ORDER BY f.id LIMIT 101",
    ],
    "meeting": [
        "SELECT m.id, m.name, m.state, m.cancelled, m.start, m.end, m.created, m.modified, l.description, "
        "array(SELECT organization_id FROM council_meeting_organizations mo WHERE mo.meeting_id = m.id) FROM "
        "council_meeting m LEFT JOIN council_location l ON l.id = m.location_id WHERE m.body_id = %(b)s AND NOT "
        "m.deleted AND m.id > %(after)s ORDER BY m.id LIMIT 101",
        "SELECT a.id, a.meeting_id, a.number, a.order, a.name, a.result, a.resolution_text, a.votes_yes, "
        f"a.votes_no, a.votes_abstain FROM council_agendaitem a WHERE a.id IN ({PUBLIC_ITEM}) "
        "AND a.meeting_id = ANY(%(ids)s) ORDER BY a.meeting_id, a.order",
        f"SELECT {FILE_COLUMNS} FROM council_file f WHERE f.meeting_id = ANY(%(ids)s) AND NOT f.deleted ORDER BY f.id",
        "SELECT at.meeting_id, at.person_id FROM council_attendance at WHERE at.meeting_id = ANY(%(ids)s) "
        "AND at.status = 'present'",
    ],
    "agendaItem": [
        "SELECT a.id, a.meeting_id, a.number, a.order, a.name, a.result, a.resolution_text, a.votes_yes, "
        f"a.votes_no, a.votes_abstain, a.created, a.modified FROM council_agendaitem a WHERE a.id IN ({PUBLIC_ITEM}) "
        "AND a.id > %(after)s ORDER BY a.id LIMIT 101",
        "SELECT c.id, c.agenda_item_id, c.paper_id FROM council_consultation c WHERE c.agenda_item_id = ANY(%(ids)s) "
        "AND NOT c.deleted",
        f"SELECT {FILE_COLUMNS} FROM council_file f WHERE f.agenda_item_id = ANY(%(ids)s) AND NOT f.deleted",
    ],
}
LIST_KEYS = (
    "organization",
    "person",
    "meeting",
    "paper",
    "agendaItem",
    "consultation",
    "file",
    "membership",
    "locationList",
    "legislativeTermList",
)


def floor_page(conn: psycopg.Connection[Any], body_id: int, kind: str, after: int) -> int:
    statements = FLOORS[kind]
    rows = conn.execute(statements[0], {"b": body_id, "after": after}).fetchall()
    ids = [row[0] for row in rows[:100]]
    for statement in statements[1:]:
        conn.execute(statement, {"b": body_id, "ids": ids}).fetchall()
    return len(ids)


def oparl(body: Body, conn: psycopg.Connection[Any]) -> None:
    from kitu.core.process import warm_up_and_freeze

    # as a web worker starts (config/wsgi.py): URLs loaded, long-lived objects out of the collector's way
    print(f"worker start as in production: {warm_up_and_freeze():,} objects frozen (kitu.core.process)")
    client = Client()
    system = client.get("/oparl/v1/system")
    if system.status_code != 200:
        print(f"OParl: /oparl/v1/system answers {system.status_code} — not measured")
        return
    bodies = client.get(path_of(system.json()["body"])).json()["data"]
    town = next(b for b in bodies if b["id"].rstrip("/").endswith(f"/{body.slug}"))
    lists = {key: town[key] for key in LIST_KEYS if isinstance(town.get(key), str)}
    # The walk: every list from its first page through links.next, as a harvesting client does.
    walked: dict[str, list[str]] = {}
    objects, pages = 0, 0
    start = time.perf_counter()
    for key, url in lists.items():
        walked[key] = []
        next_url: str | None = url
        while next_url:
            walked[key].append(next_url)
            response = client.get(path_of(next_url))
            assert response.status_code == 200, (next_url, response.status_code, response.content[:300])
            page = response.json()
            objects += len(page["data"])
            pages += 1
            next_url = page["links"].get("next")
    seconds = time.perf_counter() - start
    print(
        f"OParl walk of all {len(lists)} lists through links.next: {objects:,} objects on {pages:,} pages in "
        f"{seconds:.1f} s = {objects / seconds:,.0f} objects/s ({seconds / pages * 1000:.1f} ms per page)"
    )
    for key, count in ((k, len(v)) for k, v in walked.items()):
        print(f"  {key:20} {count:4d} pages")
    kinds = {"paper": "paper", "file": "file", "meeting": "meeting", "agendaItem": "agendaItem"}
    for kind, key in kinds.items():
        urls = walked[key]
        for label, url in (("first page", urls[0]), ("middle page", urls[len(urls) // 2])):
            after = int(dict(pair.split("=") for pair in urlparse(url).query.split("&") if "=" in pair).get("after", 0))
            response, queries = counted(partial(client.get, path_of(url)))
            count = len(response.json()["data"])
            api50, api95 = latency(partial(client.get, path_of(url)))
            api_cpu = cpu_text()
            sql50, sql95 = latency(partial(floor_page, conn, body.pk, kind, after))
            print(
                f"GET {kind + ' list, ' + label:28} {count:3d} objects, {queries:2d} queries: median "
                f"{api50:6.1f} ms, p95 {api95:6.1f} ms ({verdict(api95)}; {api_cpu})   raw SQL floor median {sql50:5.1f} ms, "
                f"p95 {sql95:5.1f} ms"
            )


SEARCHES = (
    ("broad", "Antrag"),
    ("broad, two words", "Haushalt Satzung"),
    ("narrow: a street", "Nöschenröder Straße"),
    ("narrow: a phrase", '"Am Katzenteich"'),
    ("compound", "Feuerwehrbedarfsplan"),
    ("compound", "Regenrückhaltebecken"),
)
PER_PAGE = 20
FLOOR_MATCH = (
    "FROM council_paper p WHERE p.body_id = %(b)s AND NOT p.deleted AND "
    "to_tsvector('german', p.search_text) @@ websearch_to_tsquery('german', %(q)s)"
)


def search_floor(conn: psycopg.Connection[Any], body_id: int, q: str) -> int:
    """The raw full-text query of the page: the number of matches and the best PER_PAGE (no visibility rule)."""
    params = {"b": body_id, "q": q}
    row = conn.execute(f"SELECT count(*) {FLOOR_MATCH}", params).fetchone()
    conn.execute(
        f"SELECT p.id, p.reference, p.name, p.date {FLOOR_MATCH} ORDER BY ts_rank(to_tsvector('german', "
        f"p.search_text), websearch_to_tsquery('german', %(q)s)) DESC, p.date DESC LIMIT {PER_PAGE}",
        params,
    ).fetchall()
    return int(row[0]) if row else 0


STORED_MATCH = (
    "FROM council_paper p WHERE p.body_id = %(b)s AND NOT p.deleted AND "
    "p.search_vector @@ websearch_to_tsquery('german', %(q)s)"
)


def stored_floor(conn: psycopg.Connection[Any], body_id: int, q: str) -> int:
    """The same with the stored vector of migration 0003 (council_paper.search_vector)."""
    params = {"b": body_id, "q": q}
    row = conn.execute(f"SELECT count(*) {STORED_MATCH}", params).fetchone()
    conn.execute(
        f"SELECT p.id, p.reference, p.name, p.date {STORED_MATCH} ORDER BY ts_rank(p.search_vector, "
        f"websearch_to_tsquery('german', %(q)s)) DESC, p.date DESC LIMIT {PER_PAGE}",
        params,
    ).fetchall()
    return int(row[0]) if row else 0


def search(body: Body, conn: psycopg.Connection[Any]) -> None:
    try:
        from kitu.council.search import search, search_papers
        from kitu.council.visibility import Visibility
    except ImportError:
        print("search: kitu.council.search is not there yet — not measured")
        return
    client = Client()
    page_url = f"/rat/{body.slug}/vorlagen/"
    has_page = client.get(page_url).status_code == 200
    visibility = Visibility.public(body)
    stored = conn.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'council_paper' AND column_name = 'search_vector'"
    ).fetchone()

    def through_function(q: str) -> int:
        # what the page does: the matches counted up to search.MAX_RANKED + 1, then the first page
        result = search(visibility, q)
        list(result.papers[:PER_PAGE])
        return result.total

    for label, q in SEARCHES:
        matches = search_floor(conn, body.pk, q)
        public_matches = search_papers(visibility, q).count()  # for the label only, not timed
        fn50, fn95 = latency(partial(through_function, q))
        sql50, sql95 = latency(partial(search_floor, conn, body.pk, q))
        line = (
            f"search {label + ' ' + q:40} {matches:5d} matches ({public_matches:5d} public): search() "
            f"median {fn50:6.1f} ms, p95 {fn95:6.1f} ms ({verdict(fn95)})"
        )
        if has_page:
            url = f"{page_url}?{urlencode({'q': q})}"
            response, page_queries = counted(partial(client.get, url))
            assert response.status_code == 200
            page50, page95 = latency(partial(client.get, url))
            line += (
                f"; page median {page50:6.1f} ms, p95 {page95:6.1f} ms ({verdict(page95)}, {page_queries} queries, "
                f"{cpu_text()})"
            )
        line += f"   raw SQL floor median {sql50:6.1f} ms, p95 {sql95:6.1f} ms"
        if stored:
            st50, st95 = latency(partial(stored_floor, conn, body.pk, q))
            line += f"; with the stored vector median {st50:6.1f} ms, p95 {st95:6.1f} ms"
        print(line)


if __name__ == "__main__":
    main()
