"""The lean order path (issue 23.3): how many queries adding a line and checking out take through the API,
pinned so that a regression (a lost prefetch, a repeated read, a second lock) fails; and what the lean
path still writes — an order without approval is written approved at once, its volume booked as
consumed in one step, both status rows, the audit row, the dispatch after commit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler

from kitu.core.models import AuditEntry
from kitu.orders.models import CartLine, Order, OrderEvent
from kitu.orders.tests.test_api_pages import api, post
from kitu.orders.tests.test_orders import volume

pytestmark = pytest.mark.django_db

# token with its user and the user's roles; member with its default site and approval rule; article with its
# contract, scale prices and whether the member is picked for it (one read); the contract's limits; cart
# (locked), its lines with article, scale prices and contract (the line of the article among them, and the
# answer), insert — plus the transaction pair
LINE_QUERIES = 9
# token with user and roles, member (with site and approval rule); the transaction pair; cart (locked), lines
# with everything (scale prices, and whether the member is picked for their contracts), the contract's limits
# for its state; number (SQLite: 3 on the yearly row; PostgreSQL: drawn in the order's insert); order, line;
# the two status rows, audit row; cart emptied; last the contract locked, then its limits (the booked ones
# and every lot's, for its state), one update of both
CHECKOUT_QUERIES = {"sqlite": 18, "postgresql": 15}


def test_order_post_and_checkout_take_a_fixed_number_of_queries(
    order_world: dict[str, Any], django_assert_num_queries: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = order_world
    client = api(w["users"]["requester"])
    line = {"article_id": w["notebook"].pk, "quantity": 1}
    assert post(client, "/api/v1/cart/lines", line).status_code == 201  # the cart exists from now on
    assert post(client, "/api/v1/cart/checkout").status_code == 201
    before = volume(w)
    with django_assert_num_queries(LINE_QUERIES):
        added = post(client, "/api/v1/cart/lines", line)
    assert (added.status_code, added.json()["total"]) == (201, "800.00")
    queries = django_assert_num_queries(CHECKOUT_QUERIES[connection.vendor])
    with queries as captured, django_capture_on_commit_callbacks() as callbacks:
        checkout = post(client, "/api/v1/cart/checkout")
    assert checkout.status_code == 201
    (out,) = checkout.json()
    assert (out["status"], out["total"], out["supplier"], out["contract"]) == (
        "approved",
        "800.00",
        "Beispiel IT GmbH",
        "RV-2025-01",
    )
    order = Order.objects.get(pk=out["id"])
    assert order.approved_at is not None and order.number == out["number"]
    assert list(OrderEvent.objects.filter(order=order).values_list("status", "actor_id", "note")) == [
        ("pending", w["users"]["requester"].pk, ""),
        ("approved", None, "ohne Freigabe bis 1000.00 EUR"),
    ]
    # consumed at once by quantity and value on the lot's and the article's limit; nothing reserved
    assert volume(w) == [(c + 1, r, cv + Decimal("800.00"), rv) for c, r, cv, rv in before]
    assert AuditEntry.objects.filter(object_type="orders.Order", object_id=str(order.pk)).count() == 1
    assert not CartLine.objects.filter(cart__user=w["users"]["requester"]).exists()
    assert len(callbacks) == 1  # the dispatch to the supplier; no mail to the requester
    # the lock window: the contract's row (every call-off from it queues there) is locked after everything
    # else is written; then only the limits are read, locked and booked (one UPDATE) before the commit
    everything = [q["sql"] for q in captured.captured_queries]
    # one transaction (in a test: one savepoint inside the test's); the booking takes none of its own
    assert sum(q.startswith(("BEGIN", "SAVEPOINT")) for q in everything) == 1
    sql = [q for q in everything if not q.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT"))]
    (lock,) = [i for i, q in enumerate(sql) if 'FROM "contracts_frameworkcontract" WHERE' in q]
    assert lock > max(i for i, q in enumerate(sql) if q.startswith(('INSERT INTO "core_auditentry"', "DELETE")))
    if connection.vendor == "postgresql":
        assert sql[lock].endswith('FOR UPDATE OF "contracts_frameworkcontract"')
    after = [q.split(" WHERE ")[0][:40] for q in sql[lock + 1 :]]
    assert after == [
        'SELECT "contracts_volumelimit"."id", "co',  # the lot's and the article's limit and the lots', locked
        'UPDATE "contracts_volumelimit" SET "cons',  # both booked in one statement
    ]


def test_an_order_that_needs_approval_is_reserved_and_waits(order_world: dict[str, Any]) -> None:
    w = order_world
    client = api(w["users"]["requester"])
    before = volume(w)
    post(client, "/api/v1/cart/lines", {"article_id": w["notebook"].pk, "quantity": 2})  # 1,600 EUR > 1,000
    (out,) = post(client, "/api/v1/cart/checkout").json()
    assert (out["status"], out["steps_required"]) == ("pending", 1)
    assert volume(w) == [(c, r + 2, cv, rv + Decimal("1600.00")) for c, r, cv, rv in before]
    assert list(OrderEvent.objects.filter(order_id=out["id"]).values_list("status", flat=True)) == ["pending"]


def test_the_line_answers_with_the_whole_cart_as_read_under_its_lock(order_world: dict[str, Any]) -> None:
    """The answer to a line is built from the lines cart_add read under the cart's lock (plus the line just
    written): every line in the cart's order, the quantity added to an existing line, scale prices applied —
    the same as the cart read afterwards."""
    w = order_world
    client = api(w["users"]["requester"])
    post(client, "/api/v1/cart/lines", {"article_id": w["notebook"].pk, "quantity": 2})
    post(client, "/api/v1/cart/lines", {"article_id": w["monitor"].pk, "quantity": 1})
    added = post(client, "/api/v1/cart/lines", {"article_id": w["notebook"].pk, "quantity": 3})  # 5: from 750
    assert added.status_code == 201
    assert [
        (x["supplier_pid"], x["contract"], x["quantity"], x["unit_price"], x["total"]) for x in added.json()["lines"]
    ] == [
        ("NB-1", "RV-2025-01", 5, "750.00", "3750.00"),
        ("MON-1", "RV-2025-03", 1, "300.00", "300.00"),
    ]
    assert added.json()["total"] == "4050.00"
    assert client.get("/api/v1/cart").json() == added.json()


def test_the_checkout_asks_whether_the_member_is_still_picked(order_world: dict[str, Any]) -> None:
    """Whether the member is picked for the line's contract is read with the cart's lines (no query of its
    own) — and still decides: a member taken off the contract's list after filling the cart cannot check out."""
    w = order_world
    client = api(w["users"]["requester"])
    assert post(client, "/api/v1/cart/lines", {"article_id": w["notebook"].pk, "quantity": 1}).status_code == 201
    w["contract"].eligible_members.remove(w["wernigerode"])
    refused = post(client, "/api/v1/cart/checkout")
    assert refused.status_code == 400
    assert "RV-2025-01 kann Stadt Wernigerode nicht abrufen" in refused.json()["detail"]
    assert not Order.objects.exists() and CartLine.objects.filter(cart__user=w["users"]["requester"]).exists()
    # and the line itself: a contract no longer open to the member answers as an unknown article
    added = post(client, "/api/v1/cart/lines", {"article_id": w["notebook"].pk, "quantity": 1})
    assert added.status_code == 404
    w["contract"].eligible_members.add(w["wernigerode"])
    assert post(client, "/api/v1/cart/checkout").status_code == 201


# SELECTs Django compiles per order once the order path's statements are compiled (kitu.core.prepared):
# none on PostgreSQL; on SQLite the yearly number row (get_or_create, locked read)
SELECTS_COMPILED = {"sqlite": 2, "postgresql": 0}


def test_the_order_path_compiles_its_reads_once(order_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Building and compiling a queryset cost Django more CPU than the statement itself (issue 23.3): after a
    first order, adding a line and checking out compile no SELECT (a read that lost its Prepared fails)."""
    w = order_world
    client = api(w["users"]["requester"])
    line = {"article_id": w["notebook"].pk, "quantity": 1}
    assert post(client, "/api/v1/cart/lines", line).status_code == 201
    assert post(client, "/api/v1/cart/checkout").status_code == 201
    compiled: list[str] = []
    original = SQLCompiler.as_sql

    def counting(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        compiled.append(self.query.model.__name__ if self.query.model else "?")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    assert post(client, "/api/v1/cart/lines", line).status_code == 201
    assert post(client, "/api/v1/cart/checkout").status_code == 201
    assert len(compiled) == SELECTS_COMPILED[connection.vendor], compiled
