"""Eleven thousand tenants (issue 23.4; run by `make bench`).

Builds 11,000 members (33,000 users, 88,000 membership events, 220,000 orders, 22,000 invoices, a contract
open to all members, a campaign) with bulk inserts, then times in-process (whole middleware and view stack)
median and p95 of CALLS calls: member list and search, the § 30 page and CSV, the member cockpit (office and
member admin), contract and campaign forms, the start page with tasks, order and invoice lists (member and
office) and GET /api/v1/members. Each against a floor in the same run: the raw SQL of the same data
(psycopg). Goal: p95 ≤ 100 ms for every page and API page, ≤ 500 ms for the office-wide CSV; a miss prints
MISSED.

PostgreSQL only: BENCH_TENANTS_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/kitu_bench_tenants
(dropped and created unless REUSE=1 finds it built). Without PostgreSQL it says so and exits 0."""

from __future__ import annotations

import datetime as dt
import os
import re
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

URL = os.environ.get("BENCH_TENANTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kitu_bench_tenants")
MEMBERS = int(os.environ.get("BENCH_TENANTS_MEMBERS", "11000"))
CALLS = int(os.environ.get("BENCH_TENANTS_CALLS", "20"))
PAGE_MS, CSV_MS = 100, 500
REUSE = os.environ.get("REUSE") == "1"


def _setup() -> bool:
    """Django on the benchmark database; True when REUSE found it built."""
    import logging
    import warnings

    from pgbench_common import answers, recreate_database

    if REUSE and answers("127.0.0.1", 5432):
        import psycopg

        try:
            with psycopg.connect(URL) as conn:
                built = conn.execute("SELECT count(*) FROM members_member").fetchone()
            reused = bool(built and built[0] >= MEMBERS)
        except psycopg.Error:
            reused = False
    else:
        reused = False
    if not reused and not recreate_database(URL):
        print("tenants: skipped — needs PostgreSQL at", URL)
        sys.exit(0)
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DEBUG"] = "0"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ["CELERY_BROKER_URL"] = ""
    import django

    django.setup()
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore", message="No directory at")
    return reused


REUSED = _setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from kitu.accounts.models import Organisation, RoleAssignment, User  # noqa: E402
from kitu.accounts.roles import OrgKind, Role  # noqa: E402
from kitu.billing.models import Invoice, InvoiceStatus  # noqa: E402
from kitu.bundling.models import Campaign  # noqa: E402
from kitu.contracts.models import Eligibility, FrameworkContract, Supplier  # noqa: E402
from kitu.members.models import EventKind, Member, MembershipEvent, MemberType  # noqa: E402
from kitu.orders.models import Order, OrderStatus  # noqa: E402

TYPES = [t for t, _label in MemberType.choices]
# A server-side cursor (QuerySet.iterator on PostgreSQL) is a DECLARE … FOR SELECT; the floor replays that SELECT.
DECLARE = re.compile(r'^\s*DECLARE\s+"[^"]+"\s+NO SCROLL CURSOR\s+(?:WITH(?:OUT)? HOLD\s+)?FOR\s+', re.IGNORECASE)
UNUSABLE = "!bench"  # no password: the benchmark logs in with force_login


def build() -> None:
    call_command("migrate", verbosity=0)
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="Kommunale IT-UNION eG")
    office = User.objects.create(email="office@bench.example", full_name="Office", password=UNUSABLE)
    RoleAssignment.objects.create(user=office, organisation=coop, role=Role.COOP_ADMIN)
    supplier_org = Organisation.objects.create(kind=OrgKind.SUPPLIER, name="Bench IT GmbH")
    supplier = Supplier.objects.create(
        organisation=supplier_org, street="Weg 1", postcode="39112", city="Magdeburg", order_email="o@b.example"
    )
    contract = FrameworkContract.objects.create(
        number="RV-BENCH-1",
        title="Notebooks",
        legal_basis="uvgo15",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2030, 12, 31),
        eligibility=Eligibility.ALL,
        published_at=timezone.now(),
    )
    contract.suppliers.add(supplier)
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind=OrgKind.MEMBER, name=f"Gemeinde Bench {i:05d}") for i in range(MEMBERS)], batch_size=5000
    )
    members = Member.objects.bulk_create(
        [
            Member(
                organisation=org,
                member_type=TYPES[i % len(TYPES)],
                member_number=i + 1,
                street="Markt 1",
                postcode=f"{10000 + i % 89999:05d}",
                city=f"Ort {i % 997}",
                joined_on=dt.date(2010, 1, 1) + dt.timedelta(days=i % 5000),
                left_on=dt.date(2024, 12, 31) if i % 50 == 49 else None,
            )
            for i, org in enumerate(orgs)
        ],
        batch_size=5000,
    )
    users = User.objects.bulk_create(
        [
            User(email=f"u{i}.{k}@bench.example", full_name=f"Person {i}-{k}", password=UNUSABLE)
            for i in range(MEMBERS)
            for k in range(3)
        ],
        batch_size=5000,
    )
    roles = (Role.MEMBER_ADMIN, Role.REQUESTER, Role.APPROVER)
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=users[3 * i + k], organisation=orgs[i], role=roles[k])
            for i in range(MEMBERS)
            for k in range(3)
        ],
        batch_size=5000,
    )
    events = []
    for m in members:
        assert m.joined_on is not None
        day = m.joined_on
        events += [
            MembershipEvent(member=m, kind=EventKind.APPLICATION, effective_date=day - dt.timedelta(days=30)),
            MembershipEvent(member=m, kind=EventKind.ADMISSION, effective_date=day, member_number=m.member_number),
            MembershipEvent(member=m, kind=EventKind.SHARES_SUBSCRIBED, effective_date=day, share_delta=2),
            MembershipEvent(member=m, kind=EventKind.SHARE_PAYMENT, effective_date=day, amount=Decimal("5000")),
            MembershipEvent(member=m, kind=EventKind.SHARE_PAYMENT, effective_date=day, amount=Decimal("5000")),
            MembershipEvent(member=m, kind=EventKind.SHARES_SUBSCRIBED, effective_date=day, share_delta=1),
            MembershipEvent(member=m, kind=EventKind.SHARE_PAYMENT, effective_date=day, amount=Decimal("5000")),
            MembershipEvent(member=m, kind=EventKind.SHARES_INCREASED, effective_date=day, share_delta=1),
        ]
    MembershipEvent.objects.bulk_create(events, batch_size=10000)
    statuses = [OrderStatus.RECEIVED] * 15 + [OrderStatus.PENDING, OrderStatus.SENT, OrderStatus.REJECTED] * 2
    Order.objects.bulk_create(
        [
            Order(
                number=f"B{i:06d}-{k:02d}",
                member=m,
                contract=contract,
                supplier=supplier,
                requester=users[3 * i + 1],
                status=statuses[k % len(statuses)],
                legal_basis="UVgO",
                total=Decimal("1000.00") + k,
            )
            for i, m in enumerate(members)
            for k in range(20)
        ],
        batch_size=10000,
    )
    Invoice.objects.bulk_create(
        [
            Invoice(
                member=m,
                leitweg_id="991-12345-06",
                number=f"R{i:06d}-{k}",
                status=InvoiceStatus.ISSUED,
                issue_date=dt.date(2026, 1 + 6 * k, 15),
                due_date=dt.date(2026, 2 + 6 * k, 15),
                period_start=dt.date(2026, 1 + 6 * k, 1),
                period_end=dt.date(2026, 6 + 6 * k, 28),
                net_total=Decimal("100.00"),
                gross_total=Decimal("119.00"),
            )
            for i, m in enumerate(members)
            for k in range(2)
        ],
        batch_size=10000,
    )
    Campaign.objects.create(title="IT 2027", opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 12, 31))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def latency(call: Any) -> tuple[float, float, float]:
    """Median and p95 wall time and median CPU time of this process (ms): the CPU time is what a loaded
    machine does not inflate as much."""
    call()  # warm-up
    times, cpu = [], []
    for _ in range(CALLS):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - start_cpu) * 1000)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18], statistics.median(cpu)


def _consume(response: Any) -> int:
    assert response.status_code == 200, response.status_code
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def main() -> None:
    start = time.perf_counter()
    if REUSED:
        call_command("migrate", verbosity=0)  # a kept database gets the migrations added since
    else:
        build()
    built = time.perf_counter() - start
    office = User.objects.get(email="office@bench.example")
    member = Member.objects.get(member_number=MEMBERS // 2)
    admin = User.objects.get(email=f"u{MEMBERS // 2 - 1}.0@bench.example")
    requester = User.objects.get(email=f"u{MEMBERS // 2 - 1}.1@bench.example")
    contract = FrameworkContract.objects.get(number="RV-BENCH-1")
    print(
        f"tenants: {Member.objects.count():,} members, {User.objects.count():,} users, "
        f"{MembershipEvent.objects.count():,} events, {Order.objects.count():,} orders, "
        f"{Invoice.objects.count():,} invoices; {'reused' if REUSED else f'built in {built:.0f} s'}; PostgreSQL, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; {CALLS} calls each; "
        f"goal p95 ≤ {PAGE_MS} ms (pages, API), ≤ {CSV_MS} ms (CSV)"
    )
    clients = {"office": signed_in(office), "admin": signed_in(admin), "requester": signed_in(requester)}
    cases = [
        ("member list", "office", "/mitglieder/", PAGE_MS),
        ("member search", "office", "/mitglieder/?q=Bench+0550", PAGE_MS),
        ("§ 30 page", "office", "/mitglieder/mitgliederliste/", PAGE_MS),
        ("§ 30 CSV", "office", "/mitglieder/mitgliederliste/?format=csv", CSV_MS),
        ("cockpit, office", "office", f"/mitglieder/{member.pk}/", PAGE_MS),
        ("cockpit, member admin", "admin", f"/mitglieder/{member.pk}/", PAGE_MS),
        ("contract create", "office", "/rahmenvertraege/neu/", PAGE_MS),
        ("contract edit", "office", f"/rahmenvertraege/{contract.pk}/bearbeiten/", PAGE_MS),
        ("campaign create", "office", "/bedarfsbuendelung/neu/", PAGE_MS),
        ("start page, office", "office", "/", PAGE_MS),
        ("start page, requester", "requester", "/", PAGE_MS),
        ("orders, office", "office", "/bestellungen/", PAGE_MS),
        ("orders, requester", "requester", "/bestellungen/", PAGE_MS),
        ("invoices, office", "office", "/leistungen/rechnungen/", PAGE_MS),
        ("invoices, member admin", "admin", "/leistungen/rechnungen/", PAGE_MS),
        ("API members", "office", "/api/v1/members", PAGE_MS),
        ("API orders", "office", "/api/v1/orders", PAGE_MS),
    ]
    missed = 0
    with psycopg.connect(URL) as conn:
        for name, who, url, goal in cases:
            client = clients[who]
            try:
                _consume(client.get(url))
            except AssertionError as exc:
                print(f"{name:24} {url}: answer {exc} — MISSED")
                missed += 1
                continue
            with CaptureQueriesContext(connection) as ctx:
                size = _consume(client.get(url))
            statements = [q["sql"] for q in ctx.captured_queries]
            p50, p95, cpu = latency(lambda client=client, url=url: _consume(client.get(url)))

            def replay(statements: list[str] = statements) -> None:
                for sql in statements:
                    sql = DECLARE.sub("", sql, count=1)  # a streamed page's rows: its cursor's SELECT, read whole
                    if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                        conn.execute(sql.replace("%", "%%")).fetchall()

            f50, f95, _cpu = latency(replay)
            verdict = "ok" if p95 <= goal else "MISSED"
            missed += verdict != "ok"
            print(
                f"{name:24} median {p50:7.1f} ms, p95 {p95:7.1f} ms ({verdict}, goal {goal}), CPU {cpu:6.1f} ms; "
                f"{len(statements):3d} queries, {size / 1024:7.1f} KiB; floor (its SQL raw) "
                f"median {f50:6.1f}, p95 {f95:6.1f} ms; load {os.getloadavg()[0]:.1f}"
            )
    print(f"tenants: {missed} of {len(cases)} MISSED" if missed else "tenants: every goal met")


if __name__ == "__main__":
    main()
