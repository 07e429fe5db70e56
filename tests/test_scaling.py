"""Past one machine (docs/scaling.md): reporting reads on the replica alias, writes and everything else on the
primary; background work spread over the Celery queues mail, documents and imports."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import CaptureQueriesContext
from kombu import Connection, Queue

from config import celery_transport
from config.celery import app
from kitu.core import replica
from kitu.orders import export, services
from kitu.orders.models import Order


class LentConnection:
    """The test database's connection under the alias "replica", counting the cursors opened through it."""

    def __init__(self, target: BaseDatabaseWrapper) -> None:
        self.target = target
        self.alias = replica.REPLICA
        self.cursors = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)

    def cursor(self) -> Any:
        self.cursors += 1
        return self.target.cursor()

    def chunked_cursor(self) -> Any:
        self.cursors += 1
        return self.target.chunked_cursor()


@pytest.fixture
def replica_alias(settings: Any) -> Iterator[LentConnection]:
    """A configured replica that is the test database itself (same data, same transaction)."""
    settings.KITU_DATABASE_REPLICA_URL = "postgres://replica.invalid/kitu"  # only its presence counts here
    lent = LentConnection(connections[DEFAULT_DB_ALIAS])
    connections[replica.REPLICA] = lent  # type: ignore[assignment]  # a stand-in with the wrapper's attributes
    try:
        yield lent
    finally:
        del connections[replica.REPLICA]


def test_reporting_falls_back_to_the_primary_without_a_replica(settings: Any) -> None:
    settings.KITU_DATABASE_REPLICA_URL = ""
    assert replica.reporting_db() == "default"
    settings.KITU_DATABASE_REPLICA_URL = "postgres://replica.example/kitu"
    assert replica.reporting_db() == "replica"


def test_router_keeps_writes_and_migrations_on_the_primary() -> None:
    router = replica.ReplicaRouter()
    assert router.db_for_write(Order) == "default" and router.db_for_read(Order) == "default"
    assert router.allow_migrate("default", "orders") is True and router.allow_migrate("replica", "orders") is False
    row = Order()
    row._state.db = "replica"
    assert router.db_for_read(Order, instance=row) == "replica"  # a report row's member, contract … from there


def test_order_export_reads_from_the_replica(order_world: dict[str, Any], replica_alias: LentConnection) -> None:
    """The order export is a report: its orders and their member, contract and supplier come from the replica,
    and the answer is the same as from the primary."""
    w = order_world
    services.cart_add(actor=w["users"]["requester"], member=w["wernigerode"], article=w["notebook"], quantity=1)
    order = services.checkout(actor=w["users"]["requester"], member=w["wernigerode"])[0]
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as everything:
        body = export.csv_response(Order.objects.filter(pk=order.pk)).content.decode("utf-8-sig")
    assert order.number in body and "Stadt Wernigerode" in body and "RV-2025-01" in body
    reads = [q["sql"] for q in everything.captured_queries if '"orders_order"' in q["sql"]]
    assert reads and replica_alias.cursors == len(everything.captured_queries)  # every query through the replica
    replica_alias.cursors = 0
    sheet = export.xlsx_response(Order.objects.filter(pk=order.pk))
    assert sheet.status_code == 200 and replica_alias.cursors >= 2  # orders and their lines


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("kitu.orders.tasks.send_order_mail", "mail"),
        ("kitu.orders.tasks.dispatch_order", "mail"),
        ("kitu.billing.tasks.send_invoice_mail", "mail"),
        ("kitu.billing.tasks.resend_unmailed_invoices", "mail"),
        ("kitu.council.tasks.send_invitation", "mail"),
        ("kitu.tasks.tasks.send_digests", "mail"),
        ("kitu.billing.jobs.issue_run", "documents"),
        ("kitu.billing.jobs.issued_invoice_mail", "documents"),
        ("kitu.bundling.jobs.optimise", "documents"),
        ("kitu.catalog.tasks.run_import", "imports"),
        ("kitu.bundling.tasks.campaign_tick", "celery"),
        ("kitu.defects.tasks.anonymise_expired", "celery"),
    ],
)
def test_tasks_go_to_their_queue(task: str, queue: str) -> None:
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_every_mail_task_goes_to_the_mail_queue() -> None:
    app.loader.import_default_modules()
    senders = sorted(name for name in app.tasks if name.startswith("kitu.") and ".send_" in name)
    assert len(senders) >= 10
    assert {name: app.amqp.router.route({}, name)["queue"].name for name in senders} == dict.fromkeys(senders, "mail")


def test_the_redis_transport_publishes_with_one_client_per_channel() -> None:
    """config.celery_transport: a channel builds its publishing client once (declaring, purging and three
    messages share it) and every message arrives, in order; the consumer's client (asynchronous) is still
    kombu's own."""
    url = os.environ.get("KITU_TEST_REDIS")
    if not url:
        pytest.skip("KITU_TEST_REDIS not set: needs a running Redis (.ci/run sets it)")
    built: list[bool] = []
    original = celery_transport.redis.Channel._create_client

    def counted(self: Any, asynchronous: bool = False) -> Any:
        built.append(asynchronous)
        return original(self, asynchronous)

    with (
        mock.patch.object(celery_transport.redis.Channel, "_create_client", counted),
        Connection(url, transport=celery_transport.Transport) as conn,
    ):
        channel = conn.channel()
        queue = Queue("kitu-test-transport", channel=channel)
        queue.declare()
        queue.purge()
        try:
            producer = conn.Producer(channel)
            for n in range(3):
                producer.publish({"n": n}, routing_key=queue.name)
            assert built.count(False) == 1  # built once, kept for everything after
            assert channel._create_client() is channel._create_client()
            assert channel._create_client(asynchronous=True) is not channel._create_client()
            assert [queue.get(no_ack=True).payload for _ in range(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
        finally:
            queue.delete()
            channel.close()


class Task:
    """What Celery's Django fixup reads of a task it is told about: a request run by a worker, not eagerly."""

    class request:  # Celery's attribute name
        is_eager = False


@pytest.mark.django_db
def test_a_worker_keeps_its_database_connection_from_task_to_task(monkeypatch: pytest.MonkeyPatch) -> None:
    """Celery's Django fixup closes every connection before and after each task unless CELERY_DB_REUSE_MAX is
    set: a new PostgreSQL backend per task (bench/billing.py: a mail task waited ~19 ms for ~9 ms of work).
    With the setting the fixup leaves the connection open for its next task."""
    from celery.fixups.django import DjangoWorkerFixup

    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    closed: list[str] = []
    monkeypatch.setattr(connection, "close", lambda: closed.append(connection.alias))
    fixup = DjangoWorkerFixup(app)
    for _task in range(3):
        fixup.on_task_prerun(sender=Task)
        fixup.on_task_postrun(sender=Task)
    assert closed == []


def test_around_each_task_old_and_broken_connections_are_closed_as_around_a_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """config.celery: before and after each task every connection is checked as Django checks it around a
    request (CONN_MAX_AGE reached, an error left it unusable: closed; else reused)."""
    from celery.signals import task_postrun, task_prerun

    checked: list[str] = []
    for connection in connections.all():
        monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda c=connection: checked.append(c.alias))
    task_prerun.send(sender=Task, task_id="t", task=Task, args=(), kwargs={})
    task_postrun.send(sender=Task, task_id="t", task=Task, args=(), kwargs={}, retval=None, state="SUCCESS")
    assert sorted(checked) == sorted([c.alias for c in connections.all()] * 2)

    class Eager:  # run in the caller's process, maybe inside its transaction: its connection is left alone
        class request:  # Celery's attribute name
            is_eager = True

    checked.clear()
    task_prerun.send(sender=Eager, task_id="e", task=Eager, args=(), kwargs={})
    task_postrun.send(sender=Eager, task_id="e", task=Eager, args=(), kwargs={}, retval=None, state="SUCCESS")
    assert checked == []
