"""Inbound e-invoice benchmark (issue 20 part 3; docs/payables.md, docs/benchmarks.md).

50 delivered orders of 20 lines; 1,000 supplier invoices of 20 lines each (half UBL, half CII, built from the
vendored official XRechnung sample 01.01a), every one validated (XSD, CEN EN 16931 XSLT with saxonche, BR-DE
rules, Leitweg-ID), routed, matched against order and goods receipt and stored:
- service: ``services.receive`` for all of them, in one process (stylesheets compiled once, before timing);
  invoices per second and the share of the time spent in validation;
- API: ``BENCH_API`` (default 200) more through POST /api/v1/inbound-invoices with a token (Django's
  test client, the whole request stack), p50/p95/max per invoice.

PostgreSQL when it answers (BENCH_PAYABLES_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/kitu_bench_payables, dropped and created), else a temporary SQLite file.
The invoices' XML goes to the default storage: a temporary MEDIA_ROOT, removed at the end (or the bucket of
KITU_S3_BUCKET when set, which then holds the files)."""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from pgbench_common import recreate_database  # noqa: E402

URL = os.environ.get("BENCH_PAYABLES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kitu_bench_payables")
INVOICES = int(os.environ.get("BENCH_INVOICES", "1000"))
API_INVOICES = int(os.environ.get("BENCH_API", "200"))
LINES = 20
ORDERS = 50

if recreate_database(URL):
    os.environ["DATABASE_URL"] = URL
    DATABASE = "postgresql"
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    DATABASE = "sqlite"
MEDIA = tempfile.mkdtemp(prefix="kitu-bench-payables-")  # the stored XML files, removed at the end
os.environ["MEDIA_ROOT"] = MEDIA
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ["DEBUG"] = "0"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
os.environ["CELERY_BROKER_URL"] = ""

import django  # noqa: E402

django.setup()
logging.disable(logging.WARNING)
warnings.filterwarnings("ignore", message="No directory at")

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from kitu.accounts.models import Organisation, User  # noqa: E402
from kitu.accounts.roles import OrgKind, Role  # noqa: E402
from kitu.accounts.services import api_token_create  # noqa: E402
from kitu.contracts.models import Supplier  # noqa: E402
from kitu.core.actors import SYSTEM  # noqa: E402
from kitu.members.models import LeitwegId  # noqa: E402
from kitu.payables import services, validation  # noqa: E402
from kitu.payables.models import InboundInvoice  # noqa: E402
from kitu.payables.samples import Item, cii, ubl  # noqa: E402


def setup() -> tuple[User, list[str], str]:
    from conftest import make_member, make_published_contract, make_user
    from kitu.payables.tests.conftest import W_LEITWEG, make_order

    call_command("migrate", verbosity=0)
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="Kommunale IT-UNION eG")
    admin = make_user("admin@bench.example", [(coop, Role.COOP_ADMIN)])
    member = make_member("Stadt Wernigerode", admin=admin, number=25)
    LeitwegId.objects.create(member=member, value=W_LEITWEG, is_default=True)
    supplier_org = Organisation.objects.create(kind=OrgKind.SUPPLIER, name="Beispiel IT GmbH")
    supplier = Supplier.objects.create(
        organisation=supplier_org, street="Weg 1", postcode="39112", city="Magdeburg", order_email="o@bench.example"
    )
    supplier_user = make_user("supplier@bench.example", [(supplier_org, Role.SUPPLIER_USER)])
    requester = make_user("requester@bench.example", [(member.organisation, Role.REQUESTER)])
    _contract, lot, _limit = make_published_contract(
        admin, supplier, number="RV-2025-01", eligible=[member], max_quantity=10**6
    )
    world = {"users": {"requester": requester}}
    numbers = []
    for n in range(ORDERS):
        lines = [(f"P-{i:02d}", f"Artikel {i}", 10000, f"{10 + i}.50", 10000, None) for i in range(1, LINES + 1)]
        order = make_order(world, number=f"B-2026-{n:05d}", member=member, supplier=supplier, lot=lot, lines=lines)
        numbers.append(order.number)
    return supplier_user, numbers, W_LEITWEG


def documents(count: int, start: int, orders: list[str], leitweg: str) -> list[bytes]:
    items = [Item(f"P-{i:02d}", f"Artikel {i}", 1 + i % 3, f"{10 + i}.50", i) for i in range(1, LINES + 1)]
    out = []
    for n in range(start, start + count):
        make = ubl if n % 2 == 0 else cii
        out.append(
            make(number=f"RE-{n:06d}", buyer_reference=leitweg, order_number=orders[n % len(orders)], items=items)
        )
    return out


def main() -> None:
    supplier_user, orders, leitweg = setup()
    docs = documents(INVOICES, 0, orders, leitweg)
    validation.stylesheets()  # compiled once per process, as in a worker after its first invoice
    validation.validate(docs[0])
    validation.validate(docs[1])
    timing = services.Timing()
    each = []
    t0 = time.perf_counter()
    for data in docs:
        t = time.perf_counter()
        services.receive(actor=supplier_user, data=data, timing=timing)
        each.append(time.perf_counter() - t)
    total = time.perf_counter() - t0
    matched = InboundInvoice.objects.filter(status="matched").count()
    print(f"payables ({DATABASE}): {INVOICES} invoices × {LINES} lines (half UBL, half CII), {matched} matched")
    print(f"  service total            {total:7.2f} s   {INVOICES / total:6.1f} invoices/s")
    print(f"  of which validation      {timing.validation:7.2f} s   {100 * timing.validation / total:5.1f} %")
    print(
        f"  per invoice p50 / p95    {statistics.median(each) * 1000:6.0f} / {sorted(each)[int(0.95 * len(each))] * 1000:.0f} ms"
    )
    if API_INVOICES:
        setup_test_environment()
        _token, secret = api_token_create(actor=SYSTEM, user=supplier_user, name="bench")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        api_docs = documents(API_INVOICES, INVOICES, orders, leitweg)
        times = []
        for data in api_docs:
            t = time.perf_counter()
            response = client.post("/api/v1/inbound-invoices", data=data, content_type="application/xml")
            times.append(time.perf_counter() - t)
            assert response.status_code == 201, response.content[:500]
        times.sort()
        print(
            f"  API {API_INVOICES} invoices: p50 {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {times[int(0.95 * len(times))] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
        )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(MEDIA, ignore_errors=True)
