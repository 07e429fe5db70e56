"""Limits under parallel load on PostgreSQL: member numbers are unique and gapless under concurrent
admissions, a member cannot get two notices when two clerks record one at the same time, contract
volume is never overbooked (also by 20 processes checking out carts), a campaign's close is not passed
by reports racing it, and meeting registrations never pass capacity or the per-member limit."""

import datetime as dt
import multiprocessing
import re
import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from conftest import make_member, make_published_contract, make_user
from kitu.accounts.models import Organisation, User
from kitu.accounts.roles import OrgKind, Role
from kitu.bundling import services as bundling
from kitu.bundling.models import DemandLine, DemandReport
from kitu.contracts import services as contract_services
from kitu.contracts.models import Supplier, VolumeLimit
from kitu.contracts.services import VolumeExhausted
from kitu.core.errors import DomainError
from kitu.members import services
from kitu.members.models import EventKind, Member
from kitu.orders import services as orders
from kitu.orders.models import CartLine, Order
from kitu.workgroups import services as workgroups
from kitu.workgroups.models import Registration

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set KITU_TEST_POSTGRES); SQLite serialises all writers")


def run_parallel(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start all jobs at once in threads, each with its own database connection."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_parallel_admissions_get_distinct_consecutive_numbers() -> None:
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="KITU")
    admin = make_user("admin@test.example", [(coop, Role.COOP_ADMIN)])
    make_member("Stadt Wernigerode", admin=admin, number=25)
    applicants = [
        make_member(f"Gemeinde Test {i}", admin=admin, joined=None, member_type="gemeinde") for i in range(12)
    ]

    def admit(member: Member) -> Callable[[], int | None]:
        return lambda: (
            services.member_admit(actor=admin, member=member, effective_date=dt.date(2026, 1, 1)).member_number
        )

    results = run_parallel([admit(m) for m in applicants])
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(results) == list(range(26, 38))


def test_parallel_notices_record_only_one() -> None:
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="KITU")
    admin = make_user("admin@test.example", [(coop, Role.COOP_ADMIN)])
    member = make_member("Stadt Zeitz", admin=admin, number=58)

    def notice(day: int) -> Callable[[], Any]:
        return lambda: services.notice_record(actor=admin, member=member, received_on=dt.date(2026, 3, day))

    results = run_parallel([notice(d) for d in range(1, 7)])
    assert len([r for r in results if isinstance(r, DomainError)]) == 5
    assert member.events.filter(kind=EventKind.NOTICE).count() == 1


def test_parallel_calloffs_never_overbook_a_contract() -> None:
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="KITU")
    admin = make_user("admin@test.example", [(coop, Role.COOP_ADMIN)])
    supplier = Supplier.objects.create(
        organisation=Organisation.objects.create(kind=OrgKind.SUPPLIER, name="S"),
        street="A 1",
        postcode="39104",
        city="Magdeburg",
        order_email="s@s.example",
    )
    contract, lot, limit = make_published_contract(admin, supplier, number="RV-1", eligible=[], max_quantity=25)

    def calloff() -> Any:
        return contract_services.volume_consume(
            contract_id=contract.pk,
            lot_id=lot.pk,
            article_pid="A",
            quantity=3,
            value=Decimal("30"),
            day=dt.date(2026, 6, 1),
        )

    results = run_parallel([calloff for _ in range(12)])
    booked = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(booked), len(refused)) == (8, 4)  # 8 × 3 = 24 ≤ 25; a ninth would pass the maximum
    limit.refresh_from_db()
    assert (limit.consumed_quantity, limit.consumed_value) == (24, Decimal("240.00"))


def test_parallel_reports_and_the_close_leave_one_consistent_answer() -> None:
    """Two clerks of one member submit at once while the office closes the campaign: the member ends up
    with exactly one report whose lines are one clerk's, and nothing is written after the close."""
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="KITU")
    admin = make_user("admin@test.example", [(coop, Role.COOP_ADMIN)])
    member = make_member("Stadt Zeitz", admin=admin, number=58)
    clerks = [make_user(f"clerk{i}@test.example", [(member.organisation, Role.REQUESTER)]) for i in range(6)]
    day = dt.date(2026, 11, 20)
    campaign = bundling.campaign_save(
        actor=admin, title="IT 2027", opens_on=day, closes_on=day, eligible_members=[member], today=day
    )
    item = bundling.item_save(actor=admin, campaign=campaign, code="01", title="Notebook")
    bundling.campaign_open(actor=admin, campaign=campaign, today=day)

    def report(i: int) -> Callable[[], Any]:
        line = bundling.LineInput(item, 10 + i, 1)
        return lambda: (
            bundling.report_save(actor=clerks[i], campaign=campaign, member=member, lines=[line], today=day).pk
        )

    close = lambda: bundling.campaign_close(actor=admin, campaign=campaign).state  # noqa: E731
    results = run_parallel([report(i) for i in range(6)] + [close])
    assert results[-1] == "closed"
    saved = [r for r in results[:-1] if isinstance(r, int)]
    refused = [r for r in results[:-1] if isinstance(r, DomainError)]
    assert len(saved) + len(refused) == 6 and all("geschlossen" in e.message for e in refused)
    if saved:
        report_row = DemandReport.objects.get()
        lines = list(DemandLine.objects.values_list("quantity", flat=True))
        assert len(lines) == 1 and lines[0] - 10 == [c.pk for c in clerks].index(report_row.submitted_by_id or 0)
    else:
        assert not DemandReport.objects.exists()


def test_parallel_registrations_never_pass_capacity_or_the_member_limit() -> None:
    """Sixteen staff of four members register at once for 5 places, at most 2 per member: exactly 5 get
    a place, no member more than 2, everyone else is on the waiting list in the order they queued."""
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="KITU")
    admin = make_user("admin@test.example", [(coop, Role.COOP_ADMIN)])
    members = [make_member(f"Stadt Test {i}", admin=admin, number=10 + i) for i in range(4)]
    staff = [
        make_user(f"staff{i}.{j}@test.example", [(m.organisation, Role.WORKGROUP_MEMBER)])
        for i, m in enumerate(members)
        for j in range(4)
    ]
    start = timezone.now() + dt.timedelta(days=7)
    training = workgroups.meeting_save(
        actor=admin,
        kind="training",
        title="Schulung",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=5,
        per_member_limit=2,
    )

    def register(user: Any) -> Callable[[], Any]:
        return lambda: workgroups.register(actor=user, meeting=training, waitlist=True).status

    results = run_parallel([register(u) for u in staff])
    assert sorted(results).count("registered") == 5 and sorted(results).count("waiting") == 11
    per_org = Counter(
        Registration.objects.filter(meeting=training, status="registered").values_list("organisation", flat=True)
    )
    assert max(per_org.values()) <= 2 and sum(per_org.values()) == 5


def _checkout_in_process(user_id: int, member_id: int, barrier: Any, results: Any) -> None:
    """A forked worker: its own database connection, then checkout at the barrier."""
    connections.close_all()
    try:
        barrier.wait(timeout=60)
        user, member = User.objects.get(pk=user_id), Member.objects.get(pk=member_id)
        (order,) = orders.checkout(actor=user, member=member)
        results.put(("ok", order.number))
    except VolumeExhausted as exc:
        results.put(("refused", exc.message))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(("error", repr(exc)))
    finally:
        connections.close_all()


def test_twenty_processes_order_the_last_ten_units(order_world: dict[str, Any]) -> None:
    """20 processes each check out 1 notebook whose article limit has 10 left: exactly 10 orders."""
    w = order_world
    org = w["wernigerode"].organisation
    clerks = [make_user(f"clerk{i}@test.example", [(org, Role.REQUESTER)]) for i in range(20)]
    for clerk in clerks:
        orders.cart_add(actor=clerk, member=w["wernigerode"], article=w["notebook"], quantity=1)
    connections.close_all()  # the children must not share the parent's connection
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(len(clerks)), ctx.Queue()
    workers = [
        ctx.Process(target=_checkout_in_process, args=(c.pk, w["wernigerode"].pk, barrier, results)) for c in clerks
    ]
    for p in workers:
        p.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for p in workers:
        p.join(timeout=60)
    assert Counter(kind for kind, _text in outcomes) == {"ok": 10, "refused": 10}, outcomes
    assert {text for kind, text in outcomes if kind == "refused"} == {
        "Die Höchstmenge von Los 1: Notebooks NB-1 ist erreicht: noch 0 verfügbar."
    }
    numbers = sorted(text for kind, text in outcomes if kind == "ok")  # from a sequence: unique, not gapless
    assert len(set(numbers)) == 10 and all(re.fullmatch(r"B-2026-\d{6}", n) for n in numbers), numbers
    assert numbers == sorted(Order.objects.values_list("number", flat=True))
    article_limit = VolumeLimit.objects.get(pk=w["article_limit"].pk)
    lot_limit = VolumeLimit.objects.get(pk=w["lot_limit"].pk)
    assert (article_limit.consumed_quantity, article_limit.reserved_quantity) == (10, 0)
    assert (lot_limit.consumed_quantity, lot_limit.consumed_value, lot_limit.reserved_quantity) == (
        10,
        Decimal("8000.00"),
        0,
    )
    assert Order.objects.count() == 10 and {o.status for o in Order.objects.all()} == {"sent"}  # approved, dispatched
    assert CartLine.objects.count() == 10  # the refused carts are untouched
