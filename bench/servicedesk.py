"""Service desk benchmark (issue 21 §1; docs/servicedesk.md, docs/benchmarks.md).

100,000 tickets of 20 members (60 % open, priorities and teams mixed, a year of history) in bulk, then:
- the coop queue page /servicedesk/ (whole middleware and view stack, Django's test client) as the desk:
  median and p95 of CALLS calls, first page and a team filter; floor: the same SQL replayed raw (psycopg);
  goal p95 ≤ 150 ms;
- SLA recomputation of every open ticket after a change of the service hours (every due time changes and is
  written) and once more unchanged (nothing written); floor: reading the same columns raw; goal ≤ 5 s;
- the periodic warning/breach check (``services.refresh``) on the same data.
A goal missed prints MISSED. PostgreSQL only (BENCH_SERVICEDESK_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/kitu_bench_servicedesk, dropped and created)."""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from pgbench_common import recreate_database  # noqa: E402

URL = os.environ.get("BENCH_SERVICEDESK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kitu_bench_servicedesk")
TICKETS = int(os.environ.get("BENCH_TICKETS", "100000"))
CALLS = int(os.environ.get("BENCH_CALLS", "60"))
MEMBERS = 20
REUSE = os.environ.get("BENCH_SERVICEDESK_REUSE") == "1"  # measure again on the tickets of the last run
if not REUSE and not recreate_database(URL):
    print("servicedesk: PostgreSQL does not answer — skipped")
    sys.exit(0)
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ["DEBUG"] = "0"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
os.environ["CELERY_BROKER_URL"] = ""

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from kitu.accounts.models import Organisation  # noqa: E402
from kitu.accounts.roles import OrgKind, Role  # noqa: E402
from kitu.servicedesk import conf, sla  # noqa: E402
from kitu.servicedesk.models import OPEN_STATUSES, Status, Team, Ticket  # noqa: E402
from kitu.servicedesk.services import clock  # noqa: E402

STATUSES = [Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED, Status.CLOSED]


def setup() -> Client:
    from conftest import make_member, make_user

    call_command("migrate", verbosity=0)
    if REUSE and Ticket.objects.exists():
        from kitu.accounts.models import User

        setup_test_environment()
        settings.ALLOWED_HOSTS = ["*"]
        client = Client()
        client.force_login(User.objects.get(email="desk@bench.example"))
        return client
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="Kommunale IT-UNION eG")
    admin = make_user("admin@bench.example", [(coop, Role.COOP_ADMIN)])
    desk = make_user("desk@bench.example", [(coop, Role.SERVICE_DESK)])
    members = [make_member(f"Gemeinde Bench {i:02d}", admin=admin, number=100 + i) for i in range(MEMBERS)]
    teams = [Team.objects.create(code="a", name="Fachverfahren"), Team.objects.create(code="b", name="Arbeitsplatz")]
    rng = random.Random(21)
    hours = conf.hours()
    now = timezone.now()
    batch: list[Ticket] = []
    for n in range(TICKETS):
        status = rng.choice(STATUSES)
        # closed tickets spread over a year, open ones over the last 30 days
        days = 365 if status == Status.CLOSED else 30
        created = now - dt.timedelta(minutes=rng.randrange(days * 24 * 60))
        priority = rng.randint(1, 4)
        response, resolution = conf.default_levels()[priority]
        paused = created + dt.timedelta(hours=2) if status in (Status.WAITING, Status.RESOLVED) else None
        ticket = Ticket(
            number=f"T-B-{n:07d}",
            member=members[n % MEMBERS],
            subject=f"Störung {n}",
            description="Bench",
            kind="incident",
            impact="medium",
            urgency="medium",
            priority=priority,
            status=status,
            team=teams[n % 2],
            created_at=created,
            response_minutes=response,
            resolution_minutes=resolution,
            paused_since=paused,
        )
        clock.set_due(ticket, hours)
        batch.append(ticket)
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE servicedesk_ticket")
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(desk)
    return client


def latency(run: object, calls: int) -> tuple[float, float]:
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> int:
    started = time.perf_counter()
    client = setup()
    open_count = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
    print(
        f"servicedesk (postgresql): {TICKETS} tickets, {open_count} open, {MEMBERS} members, setup "
        f"{time.perf_counter() - started:.0f} s; load {os.getloadavg()[0]:.1f}"
    )
    missed = 0
    team = Team.objects.get(code="a").pk
    for name, url in (
        ("queue page 1", "/servicedesk/"),
        ("queue team, page 50", f"/servicedesk/?team={team}&seite=50"),
    ):
        answer = client.get(url)
        assert answer.status_code == 200, answer.status_code
        captures = [CaptureQueriesContext(connections[alias]) for alias in connections]  # a replica alias too
        for capture in captures:
            capture.__enter__()
        client.get(url)
        for capture in captures:
            capture.__exit__(None, None, None)
        queries = [q["sql"] for capture in captures for q in capture.captured_queries]
        statements = [sql for sql in queries if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
        p50, p95 = latency(lambda url=url: client.get(url).content, CALLS)
        with psycopg.connect(URL) as conn:

            def replay(conn: psycopg.Connection = conn, statements: list[str] = statements) -> None:
                for sql in statements:
                    conn.execute(sql.replace("%", "%%")).fetchall()

            f50, f95 = latency(replay, CALLS)
        ok = p95 <= 150
        missed += not ok
        print(
            f"  {name:22} median {p50:6.1f} ms, p95 {p95:6.1f} ms ({'ok' if ok else 'MISSED'}, goal 150); "
            f"{len(queries)} queries; floor (its SQL raw) median {f50:5.1f}, p95 {f95:5.1f} ms; "
            f"load {os.getloadavg()[0]:.1f}"
        )
    with psycopg.connect(URL) as conn:
        start = time.perf_counter()
        rows = conn.execute(
            "SELECT id, created_at, response_minutes, resolution_minutes, paused_seconds, paused_since, response_due, "
            "resolution_due FROM servicedesk_ticket WHERE status = ANY(%s)",
            [list(OPEN_STATUSES)],
        ).fetchall()
        floor = time.perf_counter() - start
    for label, hours_text in (("hours changed", "0-4 07:30-16:30"), ("unchanged", "0-4 07:30-16:30")):
        settings.KITU_SERVICEDESK_HOURS = hours_text
        sla.windows.cache_clear()
        start = time.perf_counter()
        result = clock.recompute_all()
        took = time.perf_counter() - start
        ok = took <= 5
        missed += not ok
        print(
            f"  SLA recompute, {label:13} {took:5.2f} s for {result.tickets} open tickets, {result.changed} written "
            f"({'ok' if ok else 'MISSED'}, goal 5 s); floor (read {len(rows)} rows raw) {floor:.2f} s; "
            f"load {os.getloadavg()[0]:.1f}"
        )
    start = time.perf_counter()
    result = clock.refresh()
    print(
        f"  SLA warnings/breaches   {time.perf_counter() - start:5.2f} s: {result.warnings} warnings, "
        f"{result.breaches} breaches recorded; load {os.getloadavg()[0]:.1f}"
    )
    print(f"servicedesk: {missed} MISSED" if missed else "servicedesk: every goal met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
