import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kitu.members.exports import register_csv
from kitu.members.selectors import register_as_of


class Command(BaseCommand):
    help = "Print the member list per § 30 GenG as of a date (CSV, semicolon-separated) to stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--format", default="csv", choices=["csv"])
        parser.add_argument("--include-former", action="store_true", help="also members who had left by then")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else dt.date.today()
        except ValueError as exc:
            raise CommandError(f"--as-of: {options['as_of']!r} is not a date YYYY-MM-DD") from exc
        self.stdout.write(register_csv(register_as_of(day, include_former=options["include_former"])), ending="")
