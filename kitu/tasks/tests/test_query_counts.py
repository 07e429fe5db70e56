"""The header's task count on every page (issue 23.4): counted in one statement over every kind's selector,
not by reading each kind's tasks — pinned so that an office page asks the same number of queries however many
members, invoices and tasks there are, and the count is still the number of tasks the list shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_member
from kitu.billing.models import BillingRun, Invoice, InvoiceStatus
from kitu.tasks import registry

from .conftest import tasks_of

pytestmark = pytest.mark.django_db

# session, user, second factor, roles; receivables by month with the list's length, the cancelled ones, the page
# of invoices, drafts; navigation: small tenders, inventory, own members;
# the task count: every kind in one statement
OFFICE_INVOICES = 12
# the count alone: one statement of all kinds
COUNT_QUERIES = 1


def _more_work(w: dict[str, Any], n: int, month: int) -> None:
    """n more applications (each a task and a member), n more unmailed invoices (one task line however
    many), one more billing run (a task)."""
    today = timezone.localdate()
    for k in range(n):
        make_member(f"Gemeinde Antrag {month}-{k}", admin=w["admin"], joined=None)
        Invoice.objects.create(
            member=w["zeitz"],
            leitweg_id="992-90009-96",
            number=f"RE-2026-{month:02d}{k:03d}",
            status=InvoiceStatus.ISSUED,
            issue_date=today - dt.timedelta(days=40 + k),
            issued_at=timezone.now() - dt.timedelta(days=40 + k),
            due_date=today - dt.timedelta(days=10 + k),
            period_start=dt.date(2026, month, 1),
            period_end=dt.date(2026, month, 28),
            gross_total=Decimal("119.00"),
        )
    BillingRun.objects.create(
        period=f"2026-{month:02d}", period_start=dt.date(2026, month, 1), period_end=dt.date(2026, month, 28)
    )


def test_an_office_page_asks_the_same_queries_however_many_tasks(
    world: dict[str, Any], client_for: Any, django_assert_num_queries: Any
) -> None:
    admin = world["users"]["coop_admin"]
    client = client_for("coop_admin")
    for more, month in ((1, 1), (6, 2)):
        _more_work(world, more, month)
        expected = len(tasks_of(admin))
        with django_assert_num_queries(OFFICE_INVOICES):
            page = client.get("/leistungen/rechnungen/")
        assert page.status_code == 200
        text = page.content.decode()
        assert f'class="kern-link kern-body--small kitu-task-count" href="/aufgaben/">{expected} Aufgaben' in text
    assert expected == 7 + 2 + 1  # applications, billing runs, the unmailed invoices as one line


def test_the_count_is_one_statement_and_fresh(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    admin = world["users"]["coop_admin"]
    registry.count_for(admin)  # the roles, read once per user object
    with django_assert_num_queries(COUNT_QUERIES):
        assert registry.count_for(admin) == 0
    _more_work(world, 3, 1)
    with django_assert_num_queries(COUNT_QUERIES):
        counted = registry.count_for(admin)
    assert counted == 3 + 1 + 1 == len(registry.tasks_for(admin))
    Invoice.objects.update(mailed_at=timezone.now())  # mailed: that line is gone at once (no cache)
    assert registry.count_for(admin) == 3 + 1
