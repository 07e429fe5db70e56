"""Order numbers from the PostgreSQL sequence (kitu.orders.numbers): unique under parallel checkouts
without a row lock, B-<year>-<n>; a rolled-back checkout leaves a gap (order numbers need not be gapless,
unlike invoice numbers)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.db import connection, transaction

from kitu.orders import numbers
from kitu.orders.models import OrderNumberSequence
from tests.test_concurrency import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the order number sequence is PostgreSQL's (set KITU_TEST_POSTGRES); SQLite counts a row")


def _value(number: str) -> int:
    prefix, year, value = number.split("-")
    assert (prefix, year, len(value)) == ("B", "2026", 6)
    return int(value)


def test_numbers_come_from_the_sequence_unique_in_parallel_and_may_have_gaps() -> None:
    first = _value(numbers.next_number(2026))
    with pytest.raises(RuntimeError), transaction.atomic():
        numbers.next_number(2026)  # drawn, then rolled back: a gap, never a double
        raise RuntimeError("Abbruch")
    drawn: list[str] = []

    def draw() -> None:
        with transaction.atomic():
            drawn.extend(numbers.next_number(2026) for _ in range(20))

    assert run_parallel([draw] * 4) == [None] * 4
    values = sorted(_value(n) for n in drawn)
    assert len(set(values)) == 80 and values[0] >= first + 2
    assert not OrderNumberSequence.objects.exists()  # the yearly row is SQLite's fallback only


def test_the_migration_starts_the_sequence_above_the_counted_numbers() -> None:
    migration = import_module("kitu.orders.migrations.0006_order_number_sequence")
    OrderNumberSequence.objects.create(year=2025, last=4711)
    with connection.schema_editor() as editor:
        migration.create(None, editor)
    assert _value(numbers.next_number(2026)) == 4712
