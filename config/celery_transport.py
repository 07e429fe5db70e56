"""The Redis transport of kombu with one client per channel for publishing.

kombu's Redis channel builds a new ``redis.Redis`` client for every message it publishes (``conn_or_acquire``
without a client): with redis-py 8 that is a table of ~170 response callbacks filled each time — a quarter of
the CPU of queueing a task (``delay``) from a web request, e.g. the department mail of every Open311 report.
The client holds no connection of its own (it takes one from the channel's pool for each command and puts
it back), and a channel is used by one thread at a time, so the channel keeps the first one it builds.
Everything else is kombu's transport unchanged. Chosen in settings (``CELERY_BROKER_TRANSPORT``) for
``redis://`` brokers."""

from __future__ import annotations

from typing import Any

from kombu.transport import redis


class Channel(redis.Channel):
    _publish_client: Any = None

    def _create_client(self, asynchronous: bool = False) -> Any:
        if asynchronous:  # the consumer's client on the event loop: kombu's own
            return super()._create_client(asynchronous=True)
        if self._publish_client is None:
            self._publish_client = super()._create_client()
        return self._publish_client


class Transport(redis.Transport):
    Channel = Channel
