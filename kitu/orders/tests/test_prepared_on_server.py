"""PostgreSQL plans the hot paths' statements once per connection, and only those (kitu.core.postgresql): the
order path's reads and INSERTs are prepared on the server; any other statement is planned for its values."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from kitu.orders.models import Order
from kitu.orders.tests.test_api_pages import api, post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("statements are prepared on PostgreSQL's server (set KITU_TEST_POSTGRES)")


def test_the_order_paths_statements_are_prepared_and_no_others(order_world: dict[str, Any]) -> None:
    w = order_world
    client = api(w["users"]["requester"])
    for _ in range(3):
        assert post(client, "/api/v1/cart/lines", {"article_id": w["notebook"].pk, "quantity": 1}).status_code == 201
        assert post(client, "/api/v1/cart/checkout").status_code == 201
    for _ in range(10):  # any other statement, however often it runs
        assert len(Order.objects.filter(member=w["wernigerode"]).values_list("number", flat=True)) == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any(
        s.startswith('SELECT "orders_cart"."id"') and s.endswith('FOR UPDATE OF "orders_cart"') for s in prepared
    )
    assert any(s.startswith('SELECT "accounts_apitoken"."id"') for s in prepared)  # the token with its roles
    assert any(s.startswith('INSERT INTO "orders_order"') and "nextval" in s for s in prepared)  # with its number
    assert any(s.startswith('INSERT INTO "core_auditentry"') for s in prepared)
    assert not [s for s in prepared if s.startswith('SELECT "orders_order"."number"')]
