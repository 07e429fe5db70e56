"""What the PostgreSQL benchmarks share: is a service answering, a fresh database, N client processes."""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import socket
import sys
import time
import warnings
from typing import Any
from urllib.parse import urlparse


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def recreate_database(url: str) -> bool:
    """Drop and create the database of ``url``; False when PostgreSQL does not answer."""
    import psycopg

    parsed = urlparse(url)
    if not answers(parsed.hostname or "127.0.0.1", parsed.port or 5432):
        return False
    admin_url = parsed._replace(path="/postgres").geturl()
    name = parsed.path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def start_django(url: str, name: str) -> None:
    """Set up Django on a fresh PostgreSQL database ``url`` for the benchmark ``name`` (or say it is skipped
    and exit): no debug, no mail, tasks queued to Redis db 15 where Redis answers (kept apart from anything
    else and purged at the end), eager otherwise; request and task logs off so they do not drown the figures."""
    if not recreate_database(url):
        print(f"{name}: skipped — needs PostgreSQL at", url)
        sys.exit(0)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DEBUG"] = "0"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/15" if answers("127.0.0.1", 6379) else ""
    import django

    django.setup()
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collected static files here


def run_clients(target: Any, clients: int, world: dict[str, Any]) -> float:
    """Fork ``clients`` processes running ``target(index, world, barrier, out)``; each warms up, waits at
    the barrier, works and puts (done, end time). Returns the operations per second of all together."""
    from django.db import connection

    connection.close()
    ctx = mp.get_context("fork")
    out, barrier = ctx.Queue(), ctx.Barrier(clients + 1)
    procs = [ctx.Process(target=target, args=(i, world, barrier, out)) for i in range(clients)]
    for p in procs:
        p.start()
    barrier.wait()  # every client has warmed up
    start = time.perf_counter()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"a client failed (exit {p.exitcode})")
    return sum(done for done, _end in results) / (max(end for _done, end in results) - start)


def purge_celery(*queues: str) -> None:
    """Empty the default Celery queue and ``queues`` (where CELERY_TASK_ROUTES sent the benchmark's tasks:
    ``app.control.purge()`` alone empties only the default queue, and the rest would gather in Redis db 15);
    says how many messages went. Nothing to do when tasks ran eagerly."""
    if not os.environ.get("CELERY_BROKER_URL"):
        return
    try:
        from config.celery import app

        purged = app.control.purge() or 0
        with app.connection_for_write() as conn:
            for queue in queues:
                purged += conn.default_channel.queue_purge(queue) or 0
        print(f"purged {purged} queued Celery task(s) (default queue{''.join(', ' + q for q in queues)})")
    except Exception as exc:  # noqa: BLE001 - only the cleanup of a benchmark
        print("note: could not purge the Celery queues:", exc)
