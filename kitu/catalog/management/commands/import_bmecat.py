import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kitu.catalog.importer import import_catalog
from kitu.contracts.selectors import contract_by_number
from kitu.core.actors import SYSTEM


class Command(BaseCommand):
    help = "Import a BMEcat 1.2/2005 file (XML, or ZIP with the XML and its images) into a contract's catalog."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--contract", required=True, help="contract number, e.g. RV-2025-01")
        parser.add_argument("--lot", type=int, default=None, help="lot number (default: the supplier's first lot)")
        parser.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        contract = contract_by_number(options["contract"])
        if contract is None:
            raise CommandError(f"--contract {options['contract']}: no such contract")
        record = import_catalog(
            actor=SYSTEM, contract=contract, path=path, dry_run=options["dry_run"], lot_number=options["lot"]
        )
        for warning in record.warnings:
            self.stderr.write(f"warning: {warning}")
        if record.errors:
            for error in record.errors:
                self.stderr.write(f"error: {error}")
            self.stderr.write(f"{path}: nothing imported ({len(record.errors)} problems)")
            sys.exit(1)
        prefix = "dry run: would have " if record.dry_run else ""
        self.stdout.write(prefix + record.summary)
