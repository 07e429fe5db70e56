"""Ticket numbers under parallel reporting (PostgreSQL): every ticket gets its own number, none is lost, also
when the year's sequence row does not exist yet (the first tickets of a year race to create it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from kitu.servicedesk.models import Ticket, TicketSequence
from tests.test_concurrency import run_parallel

from .conftest import at, report

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel ticket numbers need PostgreSQL (set KITU_TEST_POSTGRES); SQLite writes one at a time")


def test_tickets_reported_in_parallel_get_distinct_consecutive_numbers(desk: dict[str, Any]) -> None:
    assert not TicketSequence.objects.exists()

    def reporter(role: str) -> Any:
        return lambda: [report(desk, role=role, now=at(2026, 3, 26, 9)).number for _ in range(3)]

    results = run_parallel([reporter(role) for role in ("requester", "member_admin", "approver", "case_worker")])
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(number for result in results for number in result)
    assert numbers == [f"T-2026-{n:06d}" for n in range(1, 13)]
    assert sorted(Ticket.objects.values_list("number", flat=True)) == numbers
    assert TicketSequence.objects.get(year=2026).last == 12
