"""Order numbers B-<year>-<n>: on PostgreSQL ``n`` comes from the sequence ``orders_order_number`` (migration
orders 0006) — one ``nextval`` without a row lock, so parallel checkouts never queue on the number. Order
numbers are unique but need not be gapless: a checkout that is rolled back leaves a gap, and the counter
runs on across the turn of the year. Elsewhere (SQLite in development and tests) the yearly row of
:class:`OrderNumberSequence` is locked and counted up as before.

Invoice numbers are different: they must be gapless and stay with their locked counter (billing.runs)."""

from __future__ import annotations

from django.db import connection

from kitu.core import inserts

from .models import Order, OrderNumberSequence

SEQUENCE = "orders_order_number"
# the number drawn in the order's INSERT: no statement of its own (at least six digits, as next_number)
_NUMBER_SQL = (
    "(SELECT 'B-' || %s::text || '-' || lpad(n::text, greatest(6, length(n::text)), '0')"
    " FROM nextval('orders_order_number') AS n)"
)


def insert_numbered(order: Order, year: int) -> Order:
    """Write the new order with the next number of ``year`` (PostgreSQL: drawn in the INSERT itself)."""
    if connection.vendor == "postgresql":
        return inserts.insert_computing(order, "number", _NUMBER_SQL, [year])
    order.number = next_number(year)
    return inserts.insert(order)


def next_number(year: int) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [SEQUENCE])
            row = cursor.fetchone()
        assert row is not None
        value = int(row[0])
    else:
        OrderNumberSequence.objects.get_or_create(year=year)
        seq = OrderNumberSequence.objects.select_for_update().get(year=year)
        seq.last += 1
        seq.save(update_fields=["last"])
        value = seq.last
    return f"B-{year}-{value:06d}"
