"""The deadline under load (PostgreSQL, threads with their own connections): offers submitted in parallel
while the deadline passes are taken exactly when the database's clock, read with the request row locked,
is before the deadline; an offer checked in time whose transaction is still open when the deadline passes
is waited for by the opening (same lock) and counted; nothing is written after the deadline."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from kitu.competitions import selectors, services
from kitu.competitions.models import Competition, Offer
from kitu.core.errors import DomainError
from tests.test_concurrency import run_parallel

from .conftest import make_competition, make_supplier, pdf_file

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the deadline race is tested on PostgreSQL (set KITU_TEST_POSTGRES); SQLite serialises writers")


def _offer_job(competition_id: int, user: Any, start: float, hold: float = 0.0) -> Any:
    def job() -> Any:
        time.sleep(max(0.0, start - time.time()))
        competition = Competition.objects.get(pk=competition_id)
        lines = list(competition.lines.all())
        try:
            with transaction.atomic():
                offer = services.offer_submit(
                    actor=user,
                    competition=competition,
                    delivery_date=timezone.localdate() + dt.timedelta(days=10),
                    prices={line.pk: "100" for line in lines},
                    document=pdf_file(),
                )
                time.sleep(hold)  # keeps the lock (and the offer uncommitted) past the deadline
                return offer
        except DomainError as exc:
            return exc

    return job


def test_offers_in_parallel_while_the_deadline_passes(comp_world: dict[str, Any]) -> None:
    w = comp_world
    lot = w["mc_lot"]
    users = []
    for n in range(8):
        supplier, user = make_supplier(f"Anbieter {n} GmbH", f"anbieter{n}.example")
        lot.other_suppliers.add(supplier)
        users.append(user)
    competition = make_competition(w)
    deadline = selectors.db_now() + dt.timedelta(seconds=2)
    Competition.objects.filter(pk=competition.pk).update(deadline=deadline)
    t0 = time.time()
    jobs = [_offer_job(competition.pk, u, t0 + 1.2 + n * 0.2) for n, u in enumerate(users)]  # 1.2 s … 2.6 s
    jobs.append(_offer_job(competition.pk, w["harz_user"], t0 + 1.5, hold=1.5))  # checked in time, commits late
    member_user = w["users"]["requester"]

    def opener() -> Any:
        time.sleep(max(0.0, t0 + 2.3 - time.time()))  # after the deadline, while the slow offer holds the lock
        opened = selectors.offers_opened(member_user, Competition.objects.get(pk=competition.pk))
        return {o.supplier_id for o in opened}

    results = run_parallel([*jobs, opener])
    taken = [r for r in results[:-1] if isinstance(r, Offer)]
    refused = [r for r in results[:-1] if isinstance(r, DomainError)]
    assert len(taken) + len(refused) == len(jobs), results
    assert taken and refused  # the deadline fell in the middle
    assert all(r.field == "deadline" for r in refused)
    stored = list(Offer.objects.filter(competition=competition))
    assert {o.pk for o in stored} == {o.pk for o in taken}
    assert all(o.submitted_at < deadline for o in stored)
    slow = next(o for o in taken if o.supplier_id == w["harz"].pk)
    assert slow.submitted_at < deadline
    assert results[-1] == {o.supplier_id for o in stored}  # the opener waited for the slow offer


def test_the_offer_clock_is_the_databases(comp_world: dict[str, Any]) -> None:
    before = timezone.now()
    with transaction.atomic():
        first = selectors.db_now()
        time.sleep(0.05)
        second = selectors.db_now()
    assert second - first >= dt.timedelta(milliseconds=40)  # clock_timestamp, not the transaction's start
    assert abs(first - before) < dt.timedelta(seconds=5)
