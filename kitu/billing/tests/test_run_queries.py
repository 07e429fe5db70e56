"""The billing run computes in bulk (issue 23.3): drafting a run and issuing it take a fixed number of
queries, whatever the number of members — pinned for 2 + 1 and 2 + 4 members, so a lost bulk read or a
query per member or subscription fails."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_member
from kitu.billing import runs
from kitu.billing.models import Invoice, QuantityChange, Subscription
from kitu.members.models import LeitwegId
from kitu.members.validators import leitweg_check_digits

pytestmark = pytest.mark.django_db
D = dt.date

# savepoint; the actor's roles; run row (get_or_create: read, savepoint, insert, release), run locked; billed
# ranges, subscriptions, quantity changes, services, prices, tiers, members, Leitweg-IDs; usage (the service
# desk's time entries); this run's drafts (their lines: none yet, no query); invoices inserted (with their
# totals), lines inserted; audit row; release. Lines go in batches of 2,000 (SQLite: of its parameter limit).
CREATE_QUERIES = 21
# savepoint; run locked; drafts locked; number sequence (get_or_create: read, savepoint, insert, release;
# locked; saved once for all numbers); invoices updated in one statement; run saved; audit row; release
ISSUE_QUERIES = 13


def add_members(world: dict[str, Any], count: int) -> None:
    """``count`` more members with a Leitweg-ID, each subscribing to every service of the billing world
    (a quantity change inside March for the per-unit service)."""
    services = {sub.service for sub in world["subs"].values()}
    for n in range(count):
        member = make_member(f"Gemeinde Test {n}", admin=world["admin"], number=100 + n)
        coarse = f"15{n:06d}"
        LeitwegId.objects.create(member=member, value=f"{coarse}-{leitweg_check_digits(coarse)}", is_default=True)
        for service in services:
            start = D(2026, 3, 5) if service.pricing == "one_off" else D(2025, 1, 1)
            sub = Subscription.objects.create(member=member, service=service, starts_on=start)
            QuantityChange.objects.create(subscription=sub, effective_from=start, quantity=40)
            if service.pricing == "per_unit":
                QuantityChange.objects.create(subscription=sub, effective_from=D(2026, 3, 10), quantity=60)


@pytest.mark.parametrize("more", [1, 4])
def test_a_run_takes_the_same_number_of_queries_for_any_number_of_members(
    billing_world: dict[str, Any], more: int, django_capture_on_commit_callbacks: Any
) -> None:
    w = billing_world
    add_members(w, more)
    with CaptureQueriesContext(connection) as create:
        result = runs.run_create(actor=w["admin"], period="2026-03")
    assert result.invoices_created == 2 + more
    assert Invoice.objects.filter(run=result.run).count() == 2 + more
    runs.run_review(actor=w["admin"], run=result.run)
    with CaptureQueriesContext(connection) as issue, django_capture_on_commit_callbacks() as mails:
        issued = runs.run_issue(actor=w["admin"], run=result.run, today=D(2026, 4, 1))
    assert [i.number for i in issued] == [f"2026-{n:06d}" for n in range(1, 3 + more)]
    assert len(mails) == 1  # one group of per-invoice mail tasks, enqueued after the commit
    assert (len(create), len(issue)) == (CREATE_QUERIES, ISSUE_QUERIES)
