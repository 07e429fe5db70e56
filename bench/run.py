"""Benchmarks of the member register (run with `make bench`).

Builds a throw-away SQLite database (or uses BENCH_DATABASE_URL for PostgreSQL) with N members and
their events, then times the reads that pages and exports do. Prints each figure with its baseline:
the budget we hold the code to (docs/benchmarks.md keeps the latest figures)."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
tmp = tempfile.mkdtemp(prefix="kitu-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ["DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from kitu.accounts.models import Organisation, RoleAssignment, User  # noqa: E402
from kitu.accounts.roles import OrgKind, Role  # noqa: E402
from kitu.accounts.services import api_token_create  # noqa: E402
from kitu.core.actors import SYSTEM  # noqa: E402
from kitu.members import exports, selectors  # noqa: E402
from kitu.members.models import EventKind, Member, MembershipEvent  # noqa: E402

N_MEMBERS = int(os.environ.get("BENCH_MEMBERS", "1000"))
EVENTS_PER_MEMBER = 8
# Budgets (ms, median): what a page or export may cost at this size on the reference machine.
BASELINE_MS = {"register_as_of": 250, "register_csv": 300, "register_xlsx": 1500, "statistics": 300, "api_members": 400}


def build() -> User:
    call_command("migrate", verbosity=0)
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="KITU")
    admin = User.objects.create_user("bench@kitu.example", "x" * 12, full_name="Bench", is_superuser=True)
    RoleAssignment.objects.create(user=admin, organisation=coop, role=Role.COOP_ADMIN)
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind=OrgKind.MEMBER, name=f"Gemeinde Bench {i:05d}") for i in range(N_MEMBERS)]
    )
    members = Member.objects.bulk_create(
        [
            Member(
                organisation=o,
                member_type="gemeinde",
                member_number=i + 1,
                street="Markt 1",
                postcode="39104",
                city="Magdeburg",
                joined_on=dt.date(2010 + i % 15, 1, 1),
                left_on=dt.date(2025, 12, 31) if i % 10 == 0 else None,
            )
            for i, o in enumerate(orgs)
        ]
    )
    events = []
    for m in members:
        assert m.joined_on is not None
        events += [
            MembershipEvent(member=m, kind=EventKind.APPLICATION, effective_date=m.joined_on),
            MembershipEvent(
                member=m, kind=EventKind.ADMISSION, effective_date=m.joined_on, member_number=m.member_number
            ),
            MembershipEvent(member=m, kind=EventKind.SHARES_SUBSCRIBED, effective_date=m.joined_on, share_delta=1),
        ]
        for k in range(EVENTS_PER_MEMBER - 3):
            events.append(
                MembershipEvent(member=m, kind=EventKind.SHARE_PAYMENT, effective_date=m.joined_on, amount=1000 + k)
            )
    MembershipEvent.objects.bulk_create(events, batch_size=2000)
    return admin


def measure(name: str, fn: Callable[[], object], repeat: int = 7) -> None:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    budget = BASELINE_MS[name]
    verdict = "ok" if median <= budget else "OVER BUDGET"
    print(f"{name:16} median {median:8.1f} ms  min {min(times):8.1f} ms  baseline {budget:5d} ms  {verdict}")


def main() -> None:
    admin = build()
    day = dt.date(2024, 6, 30)
    print(f"{N_MEMBERS} members, {MembershipEvent.objects.count()} events, database {django.db.connection.vendor}")
    rows = selectors.register_as_of(day)
    measure("register_as_of", lambda: selectors.register_as_of(day))
    measure("register_csv", lambda: exports.register_csv(selectors.register_as_of(day)))
    measure("register_xlsx", lambda: exports.register_xlsx(rows, day), repeat=3)
    measure("statistics", selectors.membership_statistics)
    _token, secret = api_token_create(actor=SYSTEM, user=admin, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    measure("api_members", lambda: api.get("/api/v1/members"))


if __name__ == "__main__":
    main()
