"""Periodic work of the member register."""

from __future__ import annotations

from celery import shared_task

from kitu.core.actors import SYSTEM

from .services import joining


@shared_task
def expire_applications() -> int:
    """Daily: close online applications whose address was not confirmed in time (joining.applications_expire)."""
    return joining.applications_expire(actor=SYSTEM)
