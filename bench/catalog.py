"""Catalog benchmarks (run by `make bench`).

1. Import of a generated BMEcat 2005 file with BENCH_ARTICLES articles (default 100,000): seconds and
   peak RSS, each in a fresh process, against the floor of reading the same file with lxml iterparse alone.
   Target: within 3x the floor, peak RSS under 300 MB.
2. Search latency p50/p95 for 20 typical queries through the API (a requester of an eligible member),
   against the raw SQL full-text query. Target on PostgreSQL: p95 under 50 ms.

SQLite by default (a throw-away file); BENCH_DATABASE_URL=postgres://… for PostgreSQL (an empty database).
The generated file (1.5 GB at 1,000,000 articles) lives in a temporary directory that is removed at the end,
also after a failure. BENCH_REUSE=1 (PostgreSQL): a database that already holds the benchmark catalog of
BENCH_ARTICLES articles is reused — the file, floor and import are skipped (said so in the output) and only
the search is measured; otherwise the run builds it as usual.
BENCH_FAST_LOAD=1 (PostgreSQL): the catalog is built by one ``INSERT … SELECT`` over ``generate_series`` that
mirrors ``generate.demo_articles`` (the same 9 kinds in turn, makers and models paired, the same variants,
price ranges, list-price factors and scale prices on every third article) instead of writing and importing
the BMEcat file; the file, floor and import are skipped (said so in the output). At 1,000,000 articles this
takes minutes instead of the ~25 of the import on a loaded machine; the search then runs as usual."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_ARTICLES", "100000"))
QUERIES = [
    "Notebook",
    "Notebooks Lenovo",
    "ThinkPad",
    "Monitor 24",
    "Dockingstation",
    "Drucker",
    "Multifunktionsdrucker",
    "Kyocera",
    "Tablet",
    "iPad",
    "Switch",
    "Access Point",
    "Tastatur",
    "Desktop-PC",
    "OptiPlex",
    "Latitude",
    "Garantieverlängerung",
    "EliteBook 840",
    "Cisco Catalyst",
    "Eizo FlexScan",
]


def child(code: str, env: dict[str, str]) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; it prints a JSON dict; peak RSS is added in MB."""
    # VmHWM: this process's own peak resident memory (ru_maxrss would include the forking parent)
    code += (
        "\nhwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]"
        "\nprint(json.dumps({'peak_rss_kb': int(hwm)}))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    if os.environ.get("BENCH_PROFILE"):
        sys.stderr.write(out.stderr)
    lines = out.stdout.strip().splitlines()
    result = json.loads(lines[-2])
    result["peak_rss_mb"] = json.loads(lines[-1])["peak_rss_kb"] / 1024
    return result


SETUP = """
import os, sys, time, json
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
import django; django.setup()
"""

FLOOR = """
import json, sys, time
from lxml import etree
start = time.perf_counter(); cpu = time.process_time(); n = 0
for _, el in etree.iterparse(PATH, events=("end",), resolve_entities=False, no_network=True):
    if etree.QName(el).localname == "PRODUCT":
        n += 1
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "products": n}))
"""

IMPORT = (
    SETUP
    + """
from pathlib import Path
from kitu.catalog.importer import import_catalog
from kitu.core.actors import SYSTEM
from django.db import connection
from kitu.contracts.models import FrameworkContract
contract = FrameworkContract.objects.get(number="RV-BENCH")
backend = None
if connection.vendor == "postgresql":  # the database server's CPU for this import: its backend process
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = "/proc/%d/stat" % cursor.fetchone()[0]
def server_cpu():
    try:
        fields = open(backend).read().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
start, cpu, db_cpu = time.perf_counter(), time.process_time(), server_cpu()
if os.environ.get("BENCH_PROFILE"):
    import cProfile, pstats
    profiler = cProfile.Profile()
    profiler.enable()
record = import_catalog(actor=SYSTEM, contract=contract, path=Path(PATH), lot_number=1)
if os.environ.get("BENCH_PROFILE"):
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(18)
assert not record.errors, record.errors[:5]
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "db_cpu": server_cpu() - db_cpu, "articles": record.articles_total}))
"""
)

SEARCH = (
    SETUP
    + """
import statistics
from django.db import connection
from django.test import Client
from kitu.accounts.models import User
from kitu.accounts.services import api_token_create
from kitu.core.actors import SYSTEM
from kitu.catalog.selectors import _fts_match
from kitu.catalog.models import Article
user = User.objects.get(email="requester@bench.example")
_t, secret = api_token_create(actor=SYSTEM, user=user, name="bench")
client = Client(HTTP_AUTHORIZATION="Bearer " + secret)
queries = QUERIES
api, raw, slowest = [], [], {}
for q in queries:
    client.get("/api/v1/catalog/articles", {"q": q})  # warm
for _ in range(3):
    for q in queries:
        t = time.perf_counter(); r = client.get("/api/v1/catalog/articles", {"q": q}); api.append((time.perf_counter() - t) * 1000)
        slowest[q] = max(slowest.get(q, 0.0), api[-1])
        assert r.status_code == 200, r.content
        t = time.perf_counter()
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SELECT article_id FROM catalog_article_search WHERE vector @@ to_tsquery('german', %s) LIMIT 20", [" & ".join(w.lower() + ":*" for w in q.replace("-", " ").split())])
            else:
                cur.execute("SELECT rowid FROM catalog_article_fts WHERE catalog_article_fts MATCH %s ORDER BY rank LIMIT 20", [_fts_match(q)])
            cur.fetchall()
        raw.append((time.perf_counter() - t) * 1000)
q = lambda xs, p: statistics.quantiles(xs, n=100)[p - 1]
print(json.dumps({"api_p50": q(api, 50), "api_p95": q(api, 95), "raw_p50": q(raw, 50), "raw_p95": q(raw, 95), "vendor": connection.vendor, "count": Article.objects.count(), "slowest": sorted(slowest.items(), key=lambda kv: -kv[1])[:4]}))
"""
)


def setup_catalog_world() -> None:
    """The cooperative, an eligible member with a requester, and the published contract RV-BENCH."""
    import datetime as dt
    from decimal import Decimal

    from kitu.accounts.models import Organisation, RoleAssignment, User
    from kitu.accounts.roles import OrgKind, Role
    from kitu.contracts import services as cs
    from kitu.members import services as ms

    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="KITU")
    admin = User.objects.create_user("admin@bench.example", "x" * 12, full_name="A")
    RoleAssignment.objects.create(user=admin, organisation=coop, role=Role.COOP_ADMIN)
    member = ms.member_apply(
        actor=admin,
        name="Stadt Bench",
        member_type="verein",
        street="A 1",
        postcode="39104",
        city="M",
        application_date=dt.date(2020, 1, 1),
    )
    ms.member_admit(actor=admin, member=member, effective_date=dt.date(2020, 2, 1))
    requester = User.objects.create_user("requester@bench.example", "x" * 12, full_name="R")
    RoleAssignment.objects.create(user=requester, organisation=member.organisation, role=Role.REQUESTER)
    supplier = cs.supplier_create(
        actor=admin, name="Bench IT GmbH", street="A 1", postcode="39104", city="M", order_email="o@b.example"
    )
    contract = cs.contract_save(
        actor=admin,
        number="RV-BENCH",
        title="Bench",
        legal_basis="gwb108",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2035, 1, 1),
        call_off_mode="direct",
        suppliers=[supplier],
        eligible_members=[member],
    )
    lot = cs.lot_save(actor=admin, contract=contract, number=1, title="Alles", supplier=supplier)
    cs.limit_save(actor=admin, lot=lot, max_value=Decimal("999999999"))
    cs.contract_publish(actor=admin, contract=contract)


def reusable() -> bool:
    """BENCH_REUSE=1 and the database holds the benchmark catalog of N active articles already."""
    if not os.environ.get("BENCH_REUSE"):
        return False
    from kitu.catalog.models import Article

    return Article.objects.filter(contract__number="RV-BENCH", is_active=True).count() == N


VARIANTS = ("", " Pro", " Plus", " (2026)", " mit Garantieverlängerung 5 Jahre")
LONG_TAIL = ". Für den Einsatz in der Kommunalverwaltung, inklusive Lieferung frei Verwendungsstelle und Entsorgung der Verpackung."


def fast_load() -> None:
    """BENCH_FAST_LOAD (PostgreSQL): the N articles of ``demo_articles(N, prefix="B")`` — the same kinds in
    turn, makers and models, variants, prices, list-price factors, EANs with check digit and scale prices on
    every third article — written by one ``INSERT … SELECT`` (the search-index trigger runs once for the
    statement), with random numbers of the database instead of Python's (seeded, so repeatable)."""
    from django.db import connection

    from kitu.catalog.generate import KINDS
    from kitu.catalog.importer import _after_bulk_load
    from kitu.contracts.models import FrameworkContract, Lot

    contract = FrameworkContract.objects.get(number="RV-BENCH")
    lot = Lot.objects.get(contract=contract, number=1)
    supplier_id = lot.supplier_id
    kinds: list[str] = []
    makers: list[str] = []
    params: list[str | int] = []
    for k, (kind, eclass, (low, high), names, _models) in enumerate(KINDS):
        kinds.append("(%s, %s, %s, %s, %s, %s)")
        params += [k, kind, eclass, low, high, len(names)]
    for k, (_kind, _eclass, _range, names, models) in enumerate(KINDS):
        for pick, (maker, model) in enumerate(zip(names, models, strict=True)):
            makers.append("(%s, %s, %s, %s)")
            params += [k, pick, maker, model]
    # EAN: "40" and 11 random digits (like rng.randrange(10**10, 10**11 - 1)), then the check digit
    digits = " + ".join(f"{3 if i % 2 else 1} * substr(e.ean12, {i + 1}, 1)::int" for i in range(12))
    sql = f"""
        WITH kinds(k, kind, eclass, low, high, makers) AS (VALUES {", ".join(kinds)}),
        makers(k, pick, maker, model) AS (VALUES {", ".join(makers)}),
        drawn AS (
            SELECT g.n, kinds.*, floor(random() * kinds.makers)::int AS pick,
                   (%s::text[])[1 + floor(random() * 5)::int] AS variant,
                   floor(kinds.low * 100 + random() * (kinds.high - kinds.low) * 100)::numeric / 100 AS price,
                   (ARRAY[1.12, 1.18, 1.25, 1.35])[1 + floor(random() * 4)::int] AS factor,
                   '40' || (10000000000 + floor(random() * 89999999999))::bigint::text AS ean12,
                   10000 + floor(random() * 90000)::int AS mpid
            FROM generate_series(0, %s - 1) AS g(n) JOIN kinds ON kinds.k = g.n %% {len(KINDS)}
        ),
        e AS (SELECT d.*, m.maker, m.model, left(d.kind || ' ' || m.maker || ' ' || m.model || d.variant, 150) AS short
              FROM drawn d JOIN makers m ON m.k = d.k AND m.pick = d.pick)
        INSERT INTO catalog_article (contract_id, lot_id, supplier_id, supplier_pid, description_short,
            description_long, manufacturer_name, manufacturer_pid, ean, order_unit, content_unit, content_per_unit,
            price_quantity, quantity_min, quantity_interval, eclass_system, eclass_group, cpv, currency, price,
            list_price, tax_rate, price_on_request, valid_from, valid_until, image, image_source, is_active,
            content_hash, search_text, updated_at)
        SELECT %s, %s, %s, 'B-' || lpad((e.n + 1)::text, greatest(6, length((e.n + 1)::text)), '0'), e.short,
            e.kind || ' ' || e.maker || ' ' || e.model || e.variant || %s, e.maker,
            upper(left(e.maker, 3)) || '-' || e.mpid, e.ean12 || ((10 - ({digits}) %% 10) %% 10)::text,
            'C62', 'C62', 1, 1, 1, 1, 'ECLASS-13.0', e.eclass, '', 'EUR', e.price, round(e.price * e.factor, 2),
            0.19, false, DATE '2026-01-01', DATE '2027-12-31', '', '', true, md5(e.short || e.n), '', now()
        FROM e ORDER BY e.n
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(sql, [*params, list(VARIANTS), N, contract.pk, lot.pk, supplier_id, LONG_TAIL])
        cursor.execute(
            "INSERT INTO catalog_scaleprice (article_id, lower_bound, amount) "
            "SELECT a.id, t.bound, round(a.price * t.factor, 2) FROM catalog_article a "
            "CROSS JOIN (VALUES (10, 0.97), (50, 0.94)) AS t(bound, factor) "
            "WHERE a.contract_id = %s AND substr(a.supplier_pid, 3)::int %% 3 = 1",
            [contract.pk],
        )
    _after_bulk_load()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE catalog_article")
        cursor.execute("VACUUM ANALYZE catalog_article_search")


def measure_import(tmp: Path, env: dict[str, str]) -> None:
    from django.db import connections

    from kitu.catalog.generate import demo_articles, write_catalog

    connections.close_all()
    path = tmp / "catalog.xml"
    start = time.perf_counter()
    with open(path, "w", encoding="utf-8") as out:
        write_catalog(out, agreement_id="RV-BENCH", supplier="Bench IT GmbH", articles=demo_articles(N, prefix="B"))
    size_mb = path.stat().st_size / 1024 / 1024
    print(
        f"catalog: {N} articles, {size_mb:.0f} MB BMEcat 2005 (generated in {time.perf_counter() - start:.1f} s), "
        f"database {connections['default'].vendor}, load {load()}"
    )
    floor = child(FLOOR.replace("PATH", repr(str(path))), env)
    imported = child(IMPORT.replace("PATH", repr(str(path))), env)
    path.unlink()
    ratio = imported["seconds"] / floor["seconds"]
    ok = ratio <= 3 and imported["peak_rss_mb"] < 300
    # CPU seconds are less disturbed by other work on the machine than the wall clock: the import's own
    # process and, on PostgreSQL, its database backend (the floor has no database)
    cpu = imported["cpu"] + imported["db_cpu"]
    print(
        f"floor   lxml iterparse alone   {floor['seconds']:7.1f} s   peak RSS {floor['peak_rss_mb']:6.0f} MB   "
        f"CPU {floor['cpu']:6.1f} s   load {load()}"
    )
    print(
        f"import  import_bmecat          {imported['seconds']:7.1f} s   peak RSS {imported['peak_rss_mb']:6.0f} MB   "
        f"{ratio:.1f}x the floor (target ≤ 3x, RSS < 300 MB: {'ok' if ok else 'MISSED'})   "
        f"CPU {imported['cpu']:.1f} s + database {imported['db_cpu']:.1f} s = {cpu / floor['cpu']:.1f}x the floor's   "
        f"load {load()}"
    )


def load() -> str:
    """The load averages (1, 5, 15 minutes): other work on the machine shows in every figure."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    # a stopped run (SIGTERM, Ctrl-C) also removes the generated file: SystemExit passes the finally below
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    tmp = Path(tempfile.mkdtemp(prefix="kitu-catalog-bench-"))
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the BMEcat file is 1.5 GB at 1,000,000 articles


def run(tmp: Path) -> None:
    env = dict(os.environ)
    env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env["DEBUG"] = "0"
    sys.path.insert(0, str(ROOT))
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG")})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if reusable():
        print(f"catalog: {N} articles reused (BENCH_REUSE): file, floor and import skipped, load {load()}")
    elif os.environ.get("BENCH_FAST_LOAD"):
        setup_catalog_world()
        start = time.perf_counter()
        fast_load()
        print(
            f"catalog: {N} articles loaded by INSERT … SELECT (BENCH_FAST_LOAD) in {time.perf_counter() - start:.1f} s: "
            f"file, floor and import skipped, load {load()}"
        )
    else:
        setup_catalog_world()
        measure_import(tmp, env)
    search = child(SEARCH.replace("QUERIES", repr(QUERIES)), env)
    if search["vendor"] == "postgresql":
        target = "target p95 ≤ 50 ms: " + ("ok" if search["api_p95"] <= 50 else "MISSED")
    else:
        target = "the 50 ms target is for PostgreSQL"
    print(
        f"search  API p50 {search['api_p50']:6.1f} ms  p95 {search['api_p95']:6.1f} ms   raw SQL p50 {search['raw_p50']:6.1f} ms  "
        f"p95 {search['raw_p95']:6.1f} ms   ({len(QUERIES)} queries x 3 over {search['count']} articles; {target}; "
        f"load {load()})"
    )
    print("search  slowest API calls: " + ", ".join(f"{q!r} {ms:.1f} ms" for q, ms in search["slowest"]))


if __name__ == "__main__":
    main()
