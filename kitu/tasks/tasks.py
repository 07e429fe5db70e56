"""Celery: the daily task digest (beat entry "tasks-digest" in config/settings/base.py)."""

from __future__ import annotations

from celery import shared_task

from kitu.core.actors import SYSTEM

from . import services


@shared_task
def send_digests() -> int:
    """Idempotent per day: a second run the same day sends nothing."""
    return services.digests_send(actor=SYSTEM)
