from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kitu.billing import xrechnung
from kitu.billing.models import Invoice


class Command(BaseCommand):
    help = "Print the XRechnung 3.0 XML of an issued invoice or credit note (UBL 2.1 or UN/CEFACT CII D16B)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help="invoice number, e.g. 2026-000123")
        parser.add_argument("--syntax", choices=xrechnung.SYNTAXES, default="ubl")

    def handle(self, *args: Any, **options: Any) -> None:
        invoice = Invoice.objects.filter(number=options["number"]).select_related("member__organisation").first()
        if invoice is None:
            raise CommandError(f"Rechnung {options['number']} gibt es nicht.")
        self.stdout.write(xrechnung.render(invoice, options["syntax"]).decode(), ending="")
