"""Order numbers from the PostgreSQL sequence (kitu.orders.numbers): unique under parallel checkouts
without a row lock, B-<year>-<n>; a rolled-back checkout leaves a gap (order numbers need not be gapless,
unlike invoice numbers)."""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kitu.orders import numbers
from kitu.orders.models import Order, OrderNumberSequence, OrderStatus
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


def test_an_order_draws_its_number_in_its_insert(order_world: dict[str, Any]) -> None:
    """insert_numbered: one statement writes the order with the sequence's next value, formatted as
    next_number (at least six digits) and set on the object; a rolled-back insert leaves a gap."""
    w = order_world
    lot = w["lot"]

    def new_order() -> Order:
        return Order(
            member=w["wernigerode"],
            contract=lot.contract,
            supplier=lot.supplier,
            requester=w["users"]["requester"],
            status=OrderStatus.PENDING,
            legal_basis="Abruf aus Rahmenvertrag",
            total=Decimal("10.00"),
        )

    with connection.cursor() as cursor:  # a sequence is outside transactions: set back at the end
        cursor.execute(f"SELECT last_value, is_called FROM {numbers.SEQUENCE}")  # noqa: S608 (a constant)
        was = cursor.fetchone()
        cursor.execute("SELECT setval(%s, 999998)", [numbers.SEQUENCE])
    try:
        with CaptureQueriesContext(connection) as captured:
            first = numbers.insert_numbered(new_order(), 2026)
        assert len(captured.captured_queries) == 1
        assert first.pk is not None and first.number == "B-2026-999999"
        with pytest.raises(RuntimeError), transaction.atomic():
            numbers.insert_numbered(new_order(), 2026)  # B-2026-1000000, rolled back: a gap
            raise RuntimeError("Abbruch")
        second = numbers.insert_numbered(new_order(), 2027)
        assert second.number == "B-2027-1000001"
        assert list(Order.objects.order_by("pk").values_list("number", flat=True)) == [first.number, second.number]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s, %s)", [numbers.SEQUENCE, *was])
