from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kitu.accounts.models import User
from kitu.accounts.services import api_token_create
from kitu.core.actors import SYSTEM


class Command(BaseCommand):
    help = "Create an API token for the user with this e-mail and print it (one line, nothing else)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="Kommandozeile")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with e-mail {options['email']}")
        _token, secret = api_token_create(actor=SYSTEM, user=user, name=options["name"])
        self.stdout.write(secret)
