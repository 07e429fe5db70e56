from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kitu.billing import runs
from kitu.billing.models import RunStatus
from kitu.core.actors import SYSTEM
from kitu.core.errors import DomainError
from kitu.core.money import format_eur


class Command(BaseCommand):
    help = "Bill a period (YYYY-MM, YYYY-Qn or YYYY): create the drafts, review and issue them; one summary line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY-MM, YYYY-Qn or YYYY")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():  # all or nothing: a failure leaves no drafts and draws no numbers
                result = runs.run_create(actor=SYSTEM, period=options["period"])
                run = result.run
                issued = []
                if run.status == RunStatus.DRAFT:
                    run = runs.run_review(actor=SYSTEM, run=run)
                if run.status == RunStatus.REVIEWED:
                    issued = runs.run_issue(actor=SYSTEM, run=run)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        total = sum((i.gross_total for i in issued), start=Decimal("0.00"))
        numbers = f" ({issued[0].number} bis {issued[-1].number})" if issued else ""
        skipped = f"; ohne Leitweg-ID nicht abgerechnet: {', '.join(result.skipped)}" if result.skipped else ""
        self.stdout.write(
            f"Abrechnung {run.period}: {len(issued)} Rechnungen ausgestellt{numbers}, "
            f"{result.lines_created} Positionen, {format_eur(total)} brutto{skipped}."
        )
