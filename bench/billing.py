"""Billing run benchmark (issue 5; run by `make bench`).

100 members × 30 subscriptions (30 services: flat, per unit with tiers, one-off; 19 %, 7 % and 0 %; a price
change and quantity changes inside the month, so lines are cut). One monthly run, timed in steps:
- create: compute the drafts (pro rata, cuts, tiers; one invoice per member; in bulk, issue 23.3),
- issue: review and issue (gapless numbers) up to the commit, which enqueues the documents as a Celery group,
- documents: that group — per invoice the XRechnung (UBL), the PDF and the mail (dummy backend, so rendering
  is what is timed); eager here, i.e. one after the other in this process (workers would share them),
- CII: the CII rendition of every invoice as well.
The benchmark's process starts as a production web worker does (kitu.core.process; BENCH_BILLING_COLD=1
leaves that out). Then, where Redis answers and the database is PostgreSQL, the same run for the next month with real
Celery workers (BENCH_BILLING_WORKERS, default 2 = one per core; 0 skips it): a worker process of the mail
queue as in production, timed from the first draft until every invoice is mailed with its documents.
The floor: inserting the same invoice and line rows with bulk_create in one transaction (the median of three; no computing,
no documents). Prints seconds, invoices per second and the ratios to the floor; the goal of issue 23
(≤ 8× the floor) is checked for the run until issued (the documents left to the Celery group) and end to
end (with the documents rendered in this one process, as issue 23 measured it); a missed goal says MISSED.

PostgreSQL when it answers (BENCH_BILLING_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/kitu_bench_billing, dropped and created), else a temporary SQLite file."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import tempfile
import threading
import time
import warnings
from decimal import Decimal
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pgbench_common import answers, recreate_database  # noqa: E402

URL = os.environ.get("BENCH_BILLING_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kitu_bench_billing")
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100"))
WORKERS = int(os.environ.get("BENCH_BILLING_WORKERS", "2"))
WARM = os.environ.get("BENCH_BILLING_COLD", "") != "1"  # 1: the process is not warmed up as a web worker is
BROKER = "redis://127.0.0.1:6379/13"  # the benchmark's own Redis database, emptied before and after
SUBSCRIPTIONS = 30

if recreate_database(URL):
    os.environ["DATABASE_URL"] = URL
    DATABASE = "postgresql"
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    DATABASE = "sqlite"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ["DEBUG"] = "0"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
os.environ["CELERY_BROKER_URL"] = ""  # eager: the mail (with XML and PDF) is rendered in the timed step

import django  # noqa: E402

django.setup()
logging.disable(logging.WARNING)
warnings.filterwarnings("ignore", message="No directory at")

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from kitu.accounts.models import Organisation  # noqa: E402
from kitu.accounts.roles import OrgKind  # noqa: E402
from kitu.billing import runs, tasks, xrechnung  # noqa: E402
from kitu.billing.models import (  # noqa: E402
    BillingRun,
    Invoice,
    InvoiceLine,
    Price,
    PriceTier,
    QuantityChange,
    Service,
    Subscription,
)
from kitu.core.actors import SYSTEM  # noqa: E402
from kitu.core.process import warm_up_and_freeze  # noqa: E402
from kitu.members.models import LeitwegId, Member  # noqa: E402
from kitu.members.validators import leitweg_check_digits  # noqa: E402

D = dt.date
GOAL = 8  # × the floor (issue 23)
ENQUEUE = tasks.mail_invoices


def build() -> None:
    call_command("migrate", verbosity=0)
    services = []
    for i in range(SUBSCRIPTIONS):
        pricing = ("flat", "per_unit", "per_unit", "one_off")[i % 4] if i % 10 != 9 else "one_off"
        service = Service.objects.create(
            code=f"svc-{i:02d}",
            name=f"Leistung {i:02d}",
            category="operations",
            pricing=pricing,
            interval=("month", "quarter", "year")[i % 3],
            vat_rate=(Decimal("19.00"), Decimal("7.00"), Decimal("0.00"))[i % 3 if i % 5 == 0 else 0],
            contract_reference=f"DLV-2024-{i % 6:02d}",
        )
        price = Price.objects.create(service=service, valid_from=D(2024, 1, 1), amount=Decimal(20 + i * 7))
        PriceTier.objects.create(price=price, min_quantity=50, amount=Decimal(18 + i * 6))
        if i % 6 == 0:
            Price.objects.create(service=service, valid_from=D(2026, 3, 16), amount=Decimal(22 + i * 7))
        services.append(service)
    for m in range(MEMBERS):
        org = Organisation.objects.create(kind=OrgKind.MEMBER, name=f"Gemeinde Bench {m:03d}")
        member = Member.objects.create(
            organisation=org,
            member_type="gemeinde",
            member_number=m + 1,
            street="Markt 1",
            postcode="39104",
            city="Magdeburg",
            joined_on=D(2015, 1, 1),
            invoice_email=f"rechnung@bench-{m:03d}.example",
        )
        coarse = f"15{m:06d}"
        LeitwegId.objects.create(member=member, value=f"{coarse}-{leitweg_check_digits(coarse)}", is_default=True)
        for i, service in enumerate(services):
            start = D(2026, 3, 1 + (m + i) % 28) if service.pricing == "one_off" else D(2025, 1, 1)
            sub = Subscription.objects.create(member=member, service=service, starts_on=start)
            QuantityChange.objects.create(subscription=sub, effective_from=start, quantity=10 + (m * i) % 80)
            if (m + i) % 7 == 0 and service.pricing != "one_off":
                QuantityChange.objects.create(subscription=sub, effective_from=D(2026, 3, 10), quantity=60)


def floor(period: str) -> tuple[float, float]:
    """The median of three :func:`floor_once`: a single one, ~0.15–0.25 s, varied by a third from run to run."""
    runs = sorted(floor_once(period) for _ in range(3))
    return runs[1]


def floor_once(period: str) -> tuple[float, float]:
    """The same invoice and line rows, inserted with bulk_create in one transaction (then rolled back)."""
    source = list(Invoice.objects.filter(run__period=period).prefetch_related("lines"))
    started, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        run = BillingRun.objects.create(period="9999-01", period_start=D(9999, 1, 1), period_end=D(9999, 1, 31))
        copies = Invoice.objects.bulk_create(
            Invoice(
                run=run,
                member_id=i.member_id,
                leitweg_id=i.leitweg_id,
                period_start=i.period_start,
                period_end=i.period_end,
                net_total=i.net_total,
                vat_total=i.vat_total,
                gross_total=i.gross_total,
                contract_reference=i.contract_reference,
            )
            for i in source
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=copy,
                position=line.position,
                subscription_id=line.subscription_id,
                service_id=line.service_id,
                description=line.description,
                period_start=line.period_start,
                period_end=line.period_end,
                quantity=line.quantity,
                unit_code=line.unit_code,
                unit_price=line.unit_price,
                net_amount=line.net_amount,
                vat_rate=line.vat_rate,
                contract_reference=line.contract_reference,
            )
            for copy, original in zip(copies, source, strict=True)
            for line in original.lines.all()
        )
        elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - cpu
        transaction.set_rollback(True)
    return elapsed, elapsed_cpu


def main() -> None:
    started = time.perf_counter()
    build()
    print(
        f"billing: {MEMBERS} members × {SUBSCRIPTIONS} subscriptions, database {DATABASE} "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    if WARM:
        # the run is issued from the office's web process, which starts as a production web worker does
        # (config/wsgi.py: the URL configuration and every view imported, then frozen); without this the first
        # invoice mail (its link to the invoice list) would import them inside the documents' step (~0.8 s CPU)
        print(f"  worker start as in production: {warm_up_and_freeze():,} objects frozen (kitu.core.process)")
    enqueued: list[tuple[float, float]] = []
    enqueue = ENQUEUE

    def timed_enqueue(invoice_ids: list[int]) -> None:  # called after the issuing commit
        enqueued.append((time.perf_counter(), time.process_time()))
        enqueue(invoice_ids)

    tasks.mail_invoices = timed_enqueue
    t0, c0 = time.perf_counter(), time.process_time()
    with transaction.atomic():
        result = runs.run_create(actor=SYSTEM, period="2026-03")
    t1, c1 = time.perf_counter(), time.process_time()
    with transaction.atomic():
        run = runs.run_review(actor=SYSTEM, run=result.run)
        issued = runs.run_issue(actor=SYSTEM, run=run, today=D(2026, 4, 1))
    t2, c2 = time.perf_counter(), time.process_time()  # the commit ran the mail tasks (eager): UBL + PDF each
    t_issued, c_issued = enqueued[0]
    for invoice in Invoice.objects.filter(run=run).select_related("member__organisation"):
        xrechnung.to_cii(invoice)
    t3, c3 = time.perf_counter(), time.process_time()
    lines = InvoiceLine.objects.filter(invoice__run=run).count()
    mailed = Invoice.objects.filter(run=run, mailed_at__isnull=False).count()
    total = t3 - t0
    bulk, bulk_cpu = floor("2026-03")
    print(f"  invoices {len(issued)}, lines {lines}, mailed with XML+PDF {mailed}")
    # CPU: this process only (time.process_time(); not the database server's), steadier than the seconds
    # on a loaded machine
    print(f"  create drafts            {t1 - t0:7.2f} s  CPU {c1 - c0:6.2f} s")
    print(f"  review+issue (commit)    {t_issued - t1:7.2f} s  CPU {c_issued - c1:6.2f} s")
    print(
        f"  documents: UBL+PDF+mail  {t2 - t_issued:7.2f} s  CPU {c2 - c_issued:6.2f} s"
        "  (the Celery group, eager: one process)"
    )
    print(f"  CII for every invoice    {t3 - t2:7.2f} s  CPU {c3 - c2:6.2f} s")
    print(
        f"  total                    {total:7.2f} s  {len(issued) / total:6.1f} invoices/s  {lines / total:7.0f} lines/s"
    )
    print(
        f"  floor: bulk insert       {bulk:7.2f} s  {len(issued) / bulk:6.1f} invoices/s  (ratio {total / bulk:.0f}×)"
    )
    print(f"  CPU of this process: run {c3 - c0:.2f} s, floor {bulk_cpu:.2f} s (ratio {(c3 - c0) / bulk_cpu:.0f}×)")
    until_issued, with_documents = (t_issued - t0) / bulk, (t2 - t0) / bulk
    print(
        f"  run until issued (documents left to the Celery group) {until_issued:5.1f}× the floor   "
        f"goal ≤ {GOAL}×: {'met' if until_issued <= GOAL else 'MISSED'}"
    )
    print(
        f"  end to end with UBL+PDF in one process {with_documents:5.1f}×, with CII {total / bulk:5.1f}×   "
        f"goal ≤ {GOAL}× (as issue 23 measured it): {'met' if total / bulk <= GOAL else 'MISSED'}"
    )

    if DATABASE == "postgresql" and WORKERS and answers("127.0.0.1", 6379):
        with_workers(bulk)


def with_workers(bulk: float) -> None:
    """The next month's run with real Celery workers of the mail queue: from the first draft until every
    invoice is mailed with its UBL and PDF (the database is polled every 10 ms)."""
    import subprocess

    import redis

    from config.celery import app

    redis.Redis.from_url(BROKER).flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": URL,
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "mail", "-c", str(WORKERS), "-l", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    task_seconds: list[float] = []

    def drain(stream: IO[str]) -> None:  # the worker's log, read to its end: a full pipe would stall the worker
        for logged in stream:
            if "succeeded in " in logged:
                task_seconds.append(float(logged.split("succeeded in ")[1].split("s:")[0]))

    try:
        assert worker.stderr is not None
        for line in worker.stderr:  # until the worker says it is ready
            if " ready." in line:
                break
        threading.Thread(target=drain, args=(worker.stderr,), daemon=True).start()
        app.conf.task_always_eager, app.conf.broker_url = False, BROKER
        app.conf.broker_transport = "config.celery_transport:Transport"
        tasks.mail_invoices = ENQUEUE
        t0 = time.perf_counter()
        with transaction.atomic():
            result = runs.run_create(actor=SYSTEM, period="2026-04")
        with transaction.atomic():
            run = runs.run_review(actor=SYSTEM, run=result.run)
            issued = runs.run_issue(actor=SYSTEM, run=run, today=D(2026, 5, 1))
        t1 = time.perf_counter()
        unmailed = Invoice.objects.filter(run=run, mailed_at__isnull=True)
        while unmailed.exists():
            if time.perf_counter() - t1 > 300:
                raise SystemExit("billing: the workers did not mail every invoice within 300 s")
            time.sleep(0.01)
        t2 = time.perf_counter()
    finally:
        worker.terminate()
        worker.wait(30)
        redis.Redis.from_url(BROKER).flushdb()
    bulk_next, _cpu = floor("2026-04")
    ratio = (t2 - t0) / bulk_next
    print(
        f"  with {WORKERS} Celery worker processes (mail queue, Redis), 2026-04: {len(issued)} invoices issued in "
        f"{t1 - t0:.2f} s, all mailed with UBL+PDF after {t2 - t0:.2f} s; floor {bulk_next:.2f} s"
    )
    if task_seconds:
        task_seconds.sort()
        print(
            f"  the workers' mail tasks: {len(task_seconds)}, {sum(task_seconds):.2f} s in all, median "
            f"{1000 * task_seconds[len(task_seconds) // 2]:.1f} ms, slowest {1000 * task_seconds[-1]:.1f} ms"
        )
    print(
        f"  end to end with the documents in the Celery group {ratio:5.1f}× the floor   "
        f"goal ≤ {GOAL}×: {'met' if ratio <= GOAL else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
