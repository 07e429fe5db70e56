"""Periodic work of the service desk (Celery beat ``servicedesk-sla``, config/settings/base.py); here and not in
tasks.py because it calls the services, which import tasks.py for their mails."""

from __future__ import annotations

from celery import shared_task

from .services import clock, slamail


@shared_task(name="kitu.servicedesk.jobs.sla_refresh")
def sla_refresh() -> dict[str, int]:
    """Warnings and breaches of running tickets, each recorded once and mailed once to the assignee or the team
    (idempotent; system work)."""
    result = clock.refresh()
    mailed = slamail.send_pending()
    return {"warnings": result.warnings, "breaches": result.breaches, "mailed": mailed}
