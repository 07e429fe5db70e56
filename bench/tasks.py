"""Task inbox benchmark (issue 18; run by `make bench`).

The start page with its tasks ("Meine Aufgaben", the header count, the working groups' widgets), server time
(median and 95th percentile of 40 calls, in-process through the whole middleware and view stack, no HTTP
socket) for
- an approver of a member with 10,000 orders (60 waiting for approval, 100 rejected, 40 deliveries to book, …),
- the office (coop admin) over 100 members (applications, service requests, 3,000 invoices of which some are
  overdue or unmailed, a billing run, campaigns, contracts near their maximum or end, catalog imports,
  join requests),
and GET /api/v1/tasks for both, against two floors: the main query alone (raw SQL with psycopg: the approver's
pending orders at their step; for the office the largest of its queries), and all SQL statements the page
sends to the database replayed with psycopg (the database's share of the page). Target: p95 ≤ 150 ms.

PostgreSQL only: BENCH_TASKS_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/kitu_bench_tasks
(dropped and created). Without PostgreSQL it says so and exits 0."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pgbench_common import start_django  # noqa: E402

URL = os.environ.get("BENCH_TASKS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kitu_bench_tasks")
ORDERS = int(os.environ.get("BENCH_TASK_ORDERS", "10000"))
MEMBERS = int(os.environ.get("BENCH_TASK_MEMBERS", "100"))
CALLS = 40
TARGET_MS = 150

start_django(URL, "tasks")

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
from kitu.billing.models import BillingRun, Invoice, InvoiceStatus, Service, SubscriptionRequest  # noqa: E402
from kitu.bundling.models import Campaign, CampaignState  # noqa: E402
from kitu.catalog.models import CatalogImport  # noqa: E402
from kitu.contracts.models import FrameworkContract, Lot, Supplier, VolumeLimit  # noqa: E402
from kitu.members.models import Member  # noqa: E402
from kitu.orders.models import Approver, Order, OrderEvent, OrderLine, OrderStatus, Shipment  # noqa: E402
from kitu.tasks import registry  # noqa: E402
from kitu.workgroups.models import GroupMembership, WorkingGroup  # noqa: E402

# statuses of the member's orders (per 10,000): most are done, some wait for someone
MIX = [
    (OrderStatus.PENDING, 60),
    (OrderStatus.APPROVED, 20),
    (OrderStatus.SENT, 40),
    (OrderStatus.CONFIRMED, 60),
    (OrderStatus.PARTLY_SHIPPED, 20),
    (OrderStatus.SHIPPED, 40),
    (OrderStatus.REJECTED, 100),
    (OrderStatus.CANCELLED, 60),
]


def _user(email: str, org: Organisation, role: str) -> User:
    user = User.objects.create_user(email, "x" * 12, full_name=email.split("@")[0].title())
    RoleAssignment.objects.create(user=user, organisation=org, role=role)
    return user


def build() -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    now = timezone.now()
    today = timezone.localdate()
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="Kommunale IT-UNION eG")
    office = _user("geschaeftsstelle@kitu.example", coop, Role.COOP_ADMIN)
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind=OrgKind.MEMBER, name=f"Gemeinde {i:03d}") for i in range(MEMBERS + 5)]
    )
    members = Member.objects.bulk_create(
        [
            Member(
                organisation=org,
                member_type="gemeinde",
                member_number=i + 1 if i < MEMBERS else None,
                street="Markt 1",
                postcode="38855",
                city=org.name,
                joined_on=dt.date(2015, 1, 1) if i < MEMBERS else None,  # the last five: applications
            )
            for i, org in enumerate(orgs)
        ]
    )
    home = members[0]
    approver = _user("freigabe@gemeinde000.example", home.organisation, Role.APPROVER)
    requester = _user("bedarf@gemeinde000.example", home.organisation, Role.REQUESTER)
    Approver.objects.create(member=home, user=approver, step=1)
    supplier = Supplier.objects.create(
        organisation=Organisation.objects.create(kind=OrgKind.SUPPLIER, name="Elbe-IT Systemhaus GmbH"),
        street="Hafenstraße 1",
        postcode="39106",
        city="Magdeburg",
        order_email="orders@elbe-it.example",
    )
    contracts = []
    for i in range(5):
        contract = FrameworkContract.objects.create(
            number=f"RV-2024-0{i}",
            title=f"Rahmenvertrag {i}",
            legal_basis="vgv21",
            starts_on=dt.date(2024, 1, 1),
            ends_on=today + dt.timedelta(days=60 if i == 0 else 900),
            published_at=now - dt.timedelta(days=400),
        )
        contract.suppliers.add(supplier)
        contract.eligible_members.add(*members[:MEMBERS])
        lot = Lot.objects.create(contract=contract, number=1, title="Los 1", supplier=supplier)
        VolumeLimit.objects.create(
            contract=contract, lot=lot, max_quantity=1000, consumed_quantity=850 if i == 1 else 10
        )
        contracts.append((contract, lot))
    contract, lot = contracts[2]
    statuses = [status for status, count in MIX for _ in range(count * ORDERS // 10_000)]
    statuses += [OrderStatus.RECEIVED] * (ORDERS - len(statuses))
    orders = Order.objects.bulk_create(
        [
            Order(
                number=f"B-2026-{i:06d}",
                member=home,
                contract=contract,
                supplier=supplier,
                requester=requester,
                status=status,
                legal_basis="Abruf",
                steps_required=1,
                steps_done=0 if status == OrderStatus.PENDING else 1,
                total=Decimal("1899.00"),
                approved_at=None if status in (OrderStatus.PENDING, OrderStatus.REJECTED) else now,
            )
            for i, status in enumerate(statuses)
        ],
        batch_size=2000,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=o,
                position=1,
                lot=lot,
                supplier_pid="NB-1",
                description="Notebook",
                order_unit="C62",
                quantity=2,
                unit_price=Decimal("949.50"),
                total=o.total,
                shipped_quantity=2 if o.status in (OrderStatus.SHIPPED, OrderStatus.RECEIVED) else 0,
                received_quantity=2 if o.status == OrderStatus.RECEIVED else 0,
            )
            for o in orders
        ],
        batch_size=2000,
    )
    events = [OrderEvent(order=o, status=OrderStatus.PENDING, actor=requester) for o in orders]
    events += [
        OrderEvent(order=o, status=OrderStatus.REJECTED, actor=approver, note="Budget", step=1)
        for o in orders
        if o.status == OrderStatus.REJECTED
    ]
    OrderEvent.objects.bulk_create(events, batch_size=5000)
    Shipment.objects.bulk_create(
        [
            Shipment(order=o, number=1, shipped_on=today, shipped_by=requester)
            for o in orders
            if o.status in (OrderStatus.SHIPPED, OrderStatus.PARTLY_SHIPPED)
        ]
    )
    with connection.cursor() as cursor:  # spread the orders over three years (auto_now_add set them to now)
        cursor.execute("UPDATE orders_order SET created_at = now() - (id % 1000) * interval '1 day'")
        cursor.execute("UPDATE orders_orderevent SET at = now() - (id % 20) * interval '1 day'")
    # the office's side over all members
    service = Service.objects.create(code="hosting", name="Hosting", category="hosting", pricing="flat")
    SubscriptionRequest.objects.bulk_create(
        [
            SubscriptionRequest(member=m, kind="new", service=service, effective_from=today, quantity=1)
            for m in members[:20]
        ]
    )
    Invoice.objects.bulk_create(
        [
            Invoice(
                member=members[i % MEMBERS],
                leitweg_id="04011000-1234512345-06",
                number=f"RE-2026-{i:05d}",
                status=InvoiceStatus.ISSUED,
                issue_date=today - dt.timedelta(days=i % 300),
                issued_at=now - dt.timedelta(days=i % 300),
                due_date=today - dt.timedelta(days=i % 300 - 30),
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 1, 31),
                gross_total=Decimal("119.00"),
                paid_amount=Decimal("119.00") if i % 10 else Decimal("0.00"),
                mailed_at=None if i % 300 == 7 else now,
            )
            for i in range(30 * MEMBERS)
        ],
        batch_size=2000,
    )
    BillingRun.objects.create(period="2026-11", period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 11, 30))
    for state, closes in ((CampaignState.OPEN, 10), (CampaignState.CLOSED, -5), (CampaignState.AWARDED, -200)):
        campaign = Campaign.objects.create(
            title=f"Bedarfsabfrage {state}",
            opens_on=today + dt.timedelta(days=closes - 40),
            closes_on=today + dt.timedelta(days=closes),
            state=state,
        )
        campaign.eligible_members.add(*members[:MEMBERS])
    CatalogImport.objects.bulk_create(
        [
            CatalogImport(
                contract=contracts[i % 5][0],
                filename=f"katalog{i}.xml",
                status="failed" if i % 17 == 0 else "succeeded",
            )
            for i in range(50)
        ]
    )
    group = WorkingGroup.objects.create(name="AK Informationssicherheit", visibility="request")
    staff = [
        _user(f"mitarbeit{i}@gemeinde{i:03d}.example", members[i].organisation, Role.WORKGROUP_MEMBER) for i in range(5)
    ]
    GroupMembership.objects.bulk_create([GroupMembership(group=group, user=u, status="pending") for u in staff])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"approver": approver, "office": office}


def signed_in(user: User) -> Client:
    """A browser session with the second factor verified (approvers and the office need one)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def latency(call: Any, clock: Any = time.perf_counter) -> tuple[float, float]:
    """Median and 95th percentile in ms; ``time.process_time`` gives this process's CPU time, which the
    other processes on a shared machine disturb much less than the wall time."""
    call()  # warm-up
    times = []
    for _ in range(CALLS):
        start = clock()
        call()
        times.append((clock() - start) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def main() -> None:
    start = time.perf_counter()
    world = build()
    print(
        f"tasks: {Order.objects.count():,} orders of one member, {Member.objects.count()} members, "
        f"{Invoice.objects.count():,} invoices; built in {time.perf_counter() - start:.0f} s; PostgreSQL, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; {CALLS} calls each, target p95 ≤ {TARGET_MS} ms"
    )
    with psycopg.connect(URL) as conn:
        cases = (
            ("approver, 10,000 orders", world["approver"], "order_approval"),
            ("office, 100 members", world["office"], "invoices_unmailed"),
        )
        for name, user, main_kind in cases:
            client = signed_in(user)
            tasks = registry.tasks_for(User.objects.get(pk=user.pk))
            response = client.get("/")
            assert response.status_code == 200, response.status_code
            with CaptureQueriesContext(connection) as page_queries:
                client.get("/")
            statements = [q["sql"] for q in page_queries.captured_queries]
            fresh = User.objects.get(pk=user.pk)
            registry.kinds_of(fresh)  # the roles, read once
            with CaptureQueriesContext(connection) as main_queries:
                list(registry.KINDS[main_kind].build(fresh))
            main_sql = main_queries.captured_queries[-1]["sql"]  # approver: the pending orders at my step
            page50, page95 = latency(lambda client=client: client.get("/"))
            cpu50, cpu95 = latency(lambda client=client: client.get("/"), time.process_time)
            api50, api95 = latency(lambda client=client: client.get("/api/v1/tasks"))
            main50, main95 = latency(lambda sql=main_sql: conn.execute(sql).fetchall())

            def replay(statements: list[str] = statements) -> None:
                for sql in statements:
                    if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                        conn.execute(sql).fetchall()

            all50, all95 = latency(replay)
            verdict = "ok" if page95 <= TARGET_MS else "OVER TARGET"
            print(
                f"{name:24} {len(tasks):3d} tasks  start page median {page50:6.1f} ms, p95 {page95:6.1f} ms "
                f"({verdict}); its CPU time median {cpu50:5.1f} ms, p95 {cpu95:5.1f} ms; "
                f"API median {api50:6.1f} ms, p95 {api95:6.1f} ms\n"
                f"{'':30}floor: main query ({main_kind}) median {main50:5.1f} ms, p95 {main95:5.1f} ms; the page's "
                f"{len(statements)} SQL statements median {all50:5.1f} ms, p95 {all95:5.1f} ms"
            )


if __name__ == "__main__":
    main()
