from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kitu.core.actors import SYSTEM
from kitu.defects import configuration
from kitu.defects.models import DefectService


class Command(BaseCommand):
    help = "Issue an Open311 api_key for a client application of a town; prints the key alone (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jurisdiction", required=True, help="the town's jurisdiction_id (slug)")
        parser.add_argument("name", help="name of the client application")

    def handle(self, *args: Any, **options: Any) -> None:
        service = DefectService.objects.filter(slug=options["jurisdiction"]).first()
        if service is None:
            raise CommandError(f"unknown jurisdiction: {options['jurisdiction']}")
        _client, key = configuration.api_client_create(actor=SYSTEM, service=service, name=options["name"])
        self.stdout.write(key)
