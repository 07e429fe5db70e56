"""Close campaigns past their close date and send the reminders that are due (what Celery beat runs
hourly; idempotent, so cron or a manual run is fine too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kitu.bundling.services import campaigns_tick


class Command(BaseCommand):
    help = "Bedarfsabfragen nach Meldeschluss schließen und fällige Erinnerungen versenden."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = campaigns_tick()
        self.stdout.write(f"closed: {counts['closed']}, members reminded: {counts['reminded']}")
