"""CPU per call-off order through the API (issue 23.3), far less dependent on the machine's load than
orders/s (not free of it: a busy machine shares caches and clock — compare runs made in turn): one process
orders N times in a row (POST /api/v1/cart/lines + POST /api/v1/cart/checkout, the world of bench/orders.py)
and reports the Django side's CPU (``time.process_time``) and the PostgreSQL backend's CPU (from
``/proc/<pg_backend_pid>/stat``, so PostgreSQL on the same machine) per order, plus the queries of each
request. Throughput on a shared machine swings by 2–3× with the load; CPU per order by ~30 %.

PostgreSQL only: BENCH_ORDERS_DATABASE_URL (dropped and created, as bench/orders.py), BENCH_ORDERS_N orders
per round (default 200), three rounds, the best and all printed. Not part of ``make bench``."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import orders as world_of  # bench/orders.py: sets Django up on its database and builds the world

N = int(os.environ.get("BENCH_ORDERS_N", "200"))
ROUNDS = 3


def main() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    world = world_of.build()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world['tokens'][0]}")
    body = json.dumps({"article_id": world["article"], "quantity": 1})

    def line() -> None:
        assert client.post("/api/v1/cart/lines", body, content_type="application/json").status_code == 201

    def checkout() -> None:
        assert client.post("/api/v1/cart/checkout", "", content_type="application/json").status_code == 201

    for _ in range(30):  # warm-up: imports, connection, caches
        line()
        checkout()
    with CaptureQueriesContext(connection) as added:
        line()
    line_queries = len(added.captured_queries)  # read now: the next request empties the log
    with CaptureQueriesContext(connection) as placed:
        checkout()
    checkout_queries = len(placed.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]

    def backend_cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    rounds = []
    for _ in range(ROUNDS):
        backend, cpu, wall = backend_cpu(), time.process_time(), time.perf_counter()
        for _ in range(N):
            line()
            checkout()
        rounds.append(
            (
                1000 * (time.process_time() - cpu) / N,
                1000 * (backend_cpu() - backend) / N,
                1000 * (time.perf_counter() - wall) / N,
            )
        )
    client_ms, backend_ms, wall_ms = min(rounds)
    print(
        f"orders_cpu: {line_queries} + {checkout_queries} queries; per order over {N} (best of {ROUNDS}): "
        f"client CPU {client_ms:.1f} ms, PostgreSQL backend CPU {backend_ms:.1f} ms, wall {wall_ms:.1f} ms; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print("rounds (client, backend, wall ms):", [tuple(round(x, 1) for x in r) for r in rounds])
    world_of.purge_celery("mail")  # the dispatch of every order (CELERY_TASK_ROUTES: the "mail" queue)


if __name__ == "__main__":
    main()
