import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone, translation

from kitu.billing import mails
from kitu.core.actors import SYSTEM


class Command(BaseCommand):
    help = (
        "Send every issued invoice and credit note whose mail has not gone out, once each (safe next to the "
        "periodic task and a second run); one summary line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-age",
            type=int,
            default=0,
            metavar="MINUTES",
            help="only invoices issued at least this many minutes ago (the periodic task uses 10)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["min_age"]
        before = timezone.now() - dt.timedelta(minutes=minutes) if minutes > 0 else None
        with translation.override("de"):
            self.stdout.write(mails.unmailed_send(actor=SYSTEM, issued_before=before).summary())
