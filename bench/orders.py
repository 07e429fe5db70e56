"""Order submission benchmark (issue 4; run by `make bench`).

Orders submitted per second through the API (POST /api/v1/cart/lines, then POST /api/v1/cart/checkout)
by 1, 4 and 16 concurrent clients — separate processes, each a requester with its own cart and API token —
against the floor: the same two transactions written in raw SQL with psycopg (the cart line; then the
checkout: lock the contract and the volume rows, book the volume as consumed, draw the order number from
the sequence, insert the order, its line, two status rows and the audit row, empty the cart).
Goal (issue 23.3): with 4 clients the API reaches at least 25 % of the floor; a miss prints MISSED.

All clients order from one framework contract, so every checkout queues on that contract's row lock
(that is what keeps the volume from being overbooked); the figures show what this costs.

PostgreSQL only (the limit is about row locks): BENCH_ORDERS_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/kitu_bench_orders (dropped and created). Without PostgreSQL it says so
and exits 0. The API runs in-process (Django's test client: the whole middleware, auth and view stack,
no HTTP socket). Celery tasks go to Redis when it answers (as in production), else run eagerly."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pgbench_common import purge_celery, run_clients, start_django  # noqa: E402

URL = os.environ.get("BENCH_ORDERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kitu_bench_orders")
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = (1, 4, 16)
GOAL_CLIENTS, GOAL = 4, 0.25  # issue 23.3: 4 clients, at least 25 % of the raw-SQL floor


start_django(URL, "orders")

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from kitu.accounts.models import Organisation, RoleAssignment, User  # noqa: E402
from kitu.accounts.roles import OrgKind, Role  # noqa: E402
from kitu.accounts.services import api_token_create  # noqa: E402
from kitu.catalog.models import Article  # noqa: E402
from kitu.contracts import services as contract_services  # noqa: E402
from kitu.contracts.models import Supplier, VolumeLimit  # noqa: E402
from kitu.core.actors import SYSTEM  # noqa: E402
from kitu.members import services as member_services  # noqa: E402
from kitu.members.models import Site  # noqa: E402
from kitu.orders.models import ApprovalPolicy, Order  # noqa: E402


def build() -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="Kommunale IT-UNION eG")
    admin = User.objects.create_user("bench@kitu.example", "x" * 12, full_name="Bench")
    RoleAssignment.objects.create(user=admin, organisation=coop, role=Role.COOP_ADMIN)
    member = member_services.member_apply(
        actor=admin,
        name="Stadt Wernigerode",
        member_type="stadt",
        street="Marktplatz 1",
        postcode="38855",
        city="Wernigerode",
        application_date=dt.date(2013, 7, 1),
        council_resolution_date=dt.date(2013, 6, 1),
    )
    member_services.member_admit(actor=admin, member=member, effective_date=dt.date(2013, 9, 1), shares=1)
    member_services.subrecord_save(  # the delivery site every order needs (the first site is the default)
        actor=admin,
        member=member,
        instance=Site(),
        data={"name": "Rathaus", "street": "Marktplatz 1", "postcode": "38855", "city": "Wernigerode"},
    )
    supplier = Supplier.objects.create(
        organisation=Organisation.objects.create(kind=OrgKind.SUPPLIER, name="Elbe-IT Systemhaus GmbH"),
        street="Hafenstraße 1",
        postcode="39106",
        city="Magdeburg",
        order_email="orders@elbe-it.example",
    )
    contract = contract_services.contract_save(
        actor=admin,
        number="RV-2024-01",
        title="Notebooks",
        legal_basis="vgv21",
        starts_on=dt.date(2024, 3, 1),
        ends_on=dt.date(2028, 2, 28),
        call_off_mode="direct",
        suppliers=[supplier],
        eligible_members=[member],
    )
    lot = contract_services.lot_save(actor=admin, contract=contract, number=1, title="Notebooks", supplier=supplier)
    contract_services.limit_save(actor=admin, lot=lot, max_quantity=10_000_000, max_value=Decimal("9999999999"))
    contract_services.limit_save(actor=admin, lot=lot, article_pid="NB-1", max_quantity=10_000_000)
    contract_services.contract_publish(actor=admin, contract=contract)
    article = Article.objects.create(
        contract=contract,
        lot=lot,
        supplier=supplier,
        supplier_pid="NB-1",
        description_short="Notebook 14 Zoll",
        price=Decimal("899.00"),
        list_price=Decimal("1099.00"),
    )
    ApprovalPolicy.objects.create(member=member, auto_approve_up_to=Decimal("100000000"))
    tokens = []
    for i in range(max(CLIENTS)):
        user = User.objects.create_user(f"bedarf{i}@wernigerode.example", "x" * 12, full_name=f"Bedarf {i}")
        RoleAssignment.objects.create(user=user, organisation=member.organisation, role=Role.REQUESTER)
        tokens.append(api_token_create(actor=SYSTEM, user=user, name="bench")[1])
    return {
        "tokens": tokens,
        "article": article.pk,
        "member": member.pk,
        "contract": contract.pk,
        "lot": lot.pk,
        "supplier": supplier.pk,
        "users": list(User.objects.filter(email__startswith="bedarf").order_by("pk").values_list("pk", flat=True)),
    }


def api_client(index: int, world: dict[str, Any], barrier: Any, out: Any) -> None:
    connections.close_all()  # a connection of this process's own
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world['tokens'][index]}")
    body = json.dumps({"article_id": world["article"], "quantity": 1})

    def one_order() -> None:
        added = client.post("/api/v1/cart/lines", body, content_type="application/json")
        checkout = client.post("/api/v1/cart/checkout", "", content_type="application/json")
        if added.status_code != 201 or checkout.status_code != 201:
            raise RuntimeError(f"client {index}: {added.status_code} {checkout.status_code} {checkout.content[:200]!r}")

    one_order()  # warm-up: imports, connection, first queries
    barrier.wait()
    until, done = time.perf_counter() + SECONDS, 0
    while time.perf_counter() < until:
        one_order()
        done += 1
    out.put((done, time.perf_counter()))


def _one(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row[0]


def sql_client(index: int, world: dict[str, Any], barrier: Any, out: Any) -> None:
    """The same work as one API round in two raw-SQL transactions (one statement each where possible)."""
    user, member, article = world["users"][index], world["member"], world["article"]
    with psycopg.connect(URL) as conn:
        cart = _one(
            conn,
            "INSERT INTO orders_cart (user_id, member_id, updated_at) VALUES (%s, %s, now()) "
            "ON CONFLICT (user_id, member_id) DO UPDATE SET updated_at = now() RETURNING id",
            (user, member),
        )
        conn.commit()
        barrier.wait()
        until, done = time.perf_counter() + SECONDS, 0
        while time.perf_counter() < until:
            with conn.transaction():  # add to the cart
                conn.execute("SELECT id FROM orders_cart WHERE id = %s FOR UPDATE", (cart,))
                conn.execute(
                    "INSERT INTO orders_cartline (cart_id, article_id, quantity, description, attachment) "
                    "VALUES (%s, %s, 1, '', '')",
                    (cart, article),
                )
            with conn.transaction():  # checkout
                conn.execute("SELECT id FROM orders_cart WHERE id = %s FOR UPDATE", (cart,))
                conn.execute("SELECT article_id, quantity FROM orders_cartline WHERE cart_id = %s", (cart,)).fetchall()
                conn.execute(
                    "SELECT id FROM contracts_frameworkcontract WHERE id = %s FOR UPDATE", (world["contract"],)
                )
                conn.execute(
                    "SELECT id FROM contracts_volumelimit WHERE lot_id = %s AND article_pid IN ('', 'NB-1') "
                    "ORDER BY id FOR UPDATE",
                    (world["lot"],),
                )
                conn.execute(
                    "UPDATE contracts_volumelimit SET consumed_quantity = consumed_quantity + 1, "
                    "consumed_value = consumed_value + 899 WHERE lot_id = %s AND article_pid IN ('', 'NB-1')",
                    (world["lot"],),
                )
                last = _one(conn, "SELECT nextval('orders_order_number')")  # as the API draws them
                order = _one(
                    conn,
                    "INSERT INTO orders_order (number, member_id, contract_id, supplier_id, requester_id, status, "
                    "legal_basis, steps_required, steps_done, total, savings, warnings, created_at, approved_at, "
                    "is_demo) VALUES (%s, %s, %s, %s, %s, 'approved', 'Abruf', 0, 0, 899, 200, '[]', now(), now(), "
                    "false) RETURNING id",
                    (f"S-2099-{last:07d}", member, world["contract"], world["supplier"], user),
                )
                conn.execute(
                    "INSERT INTO orders_orderline (order_id, position, article_id, lot_id, supplier_pid, description, "
                    "order_unit, quantity, unit_price, list_price, total, savings, attachment, rejected_reason, "
                    "shipped_quantity, received_quantity) VALUES (%s, 1, %s, %s, 'NB-1', 'Notebook 14 Zoll', 'C62', "
                    "1, 899, 1099, 899, 200, '', '', 0, 0)",
                    (order, article, world["lot"]),
                )
                conn.execute(
                    "INSERT INTO orders_orderevent (order_id, status, actor_id, note, at) VALUES "
                    "(%s, 'pending', %s, '', now()), (%s, 'approved', NULL, '', now())",
                    (order, user, order),
                )
                conn.execute(
                    "INSERT INTO core_auditentry (at, actor_id, actor_email, action, object_type, object_id, "
                    "object_repr, changes) VALUES (now(), %s, '', 'create', 'orders.order', %s, '', '{}')",
                    (user, str(order)),
                )
                conn.execute("DELETE FROM orders_cartline WHERE cart_id = %s", (cart,))
            done += 1
    out.put((done, time.perf_counter()))


def main() -> None:
    world = build()
    broker = "Redis" if os.environ["CELERY_BROKER_URL"] else "eager (no Redis)"
    print(f"orders: {SECONDS:.0f} s per run, one contract, PostgreSQL, Celery {broker}, {os.cpu_count()} CPUs")
    for clients in CLIENTS:
        api = run_clients(api_client, clients, world)
        floor = run_clients(sql_client, clients, world)
        goal = ""
        if clients == GOAL_CLIENTS:
            goal = f"   goal ≥ {GOAL:.0%}: " + ("ok" if api / floor >= GOAL else "MISSED")
        print(
            f"{clients:2d} client{'s' if clients > 1 else ' '}  API {api:7.1f} orders/s   "
            f"raw SQL floor {floor:7.1f} orders/s   API = {api / floor:5.1%} of the floor{goal}"
        )
    limit = VolumeLimit.objects.get(article_pid="NB-1")
    orders = Order.objects.exclude(number__startswith="S-").count()
    assert limit.consumed_quantity >= orders  # the counter saw every API order (and the floor's)
    print(f"checked: {orders} API orders, volume counter {limit.consumed_quantity} (API + floor orders)")
    purge_celery("mail")  # the openTRANS dispatch of every order went to the "mail" queue


if __name__ == "__main__":
    main()
