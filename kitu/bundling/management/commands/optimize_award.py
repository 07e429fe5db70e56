"""``python manage.py optimize_award INSTANCE.json``: the cost-minimal award as JSON on stdout.

Exit code 0 for an optimal and for an infeasible instance (the JSON says which, and why); non-zero with
a message naming the field for a file that is not a valid instance."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kitu.bundling.optimizer import InstanceError, optimize


class Command(BaseCommand):
    help = "Compute the cost-minimal award of a bundled demand among supplier offers (MILP, HiGHS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instance", help="JSON file: items, demand, offers, lots ('-' reads stdin)")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["instance"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {source}: {exc.strerror}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
        try:
            result = optimize(data)
        except InstanceError as exc:
            raise CommandError(f"{source}: {exc}") from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
