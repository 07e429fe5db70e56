from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kitu.orders import opentrans
from kitu.orders.models import Order


class Command(BaseCommand):
    help = "Print an order as openTRANS 2.1 XML (ORDER type release), as it is sent to the supplier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help="order number, e.g. B-2026-000001")
        parser.add_argument("--format", choices=["opentrans"], default="opentrans")

    def handle(self, *args: Any, **options: Any) -> None:
        order = (
            Order.objects.select_related("member__organisation", "supplier__organisation", "contract")
            .filter(number=options["number"])
            .first()
        )
        if order is None:
            raise CommandError(f"Keine Bestellung {options['number']}.")
        self.stdout.write(opentrans.order_xml(order).decode(), ending="")
