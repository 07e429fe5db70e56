from typing import Any

from django.core.management.base import BaseCommand

from kitu.demo.assets import seed_assets
from kitu.demo.competitions import seed_demo_competitions
from kitu.demo.data import DEMO_PASSWORD, DEMO_USERS
from kitu.demo.governance import seed_governance
from kitu.demo.joining import seed_joining
from kitu.demo.procedures import seed_procedures
from kitu.demo.servicedesk import DESK_EMAIL, seed_servicedesk
from kitu.demo.services import seed


class Command(BaseCommand):
    help = "Load the demo data (idempotent): the cooperative, its members and demo users for every role."

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed()
        competitions = seed_demo_competitions()
        self.stdout.write(
            f"Demodaten: {created['members']} Mitglieder, {created['contracts']} Rahmenverträge, "
            f"{created['campaigns']} Bedarfsabfragen, {created['workgroups']} Arbeitskreise, "
            f"{created['orders']} Bestellungen, {created['baskets']} Standardwarenkörbe, "
            f"{created['defects']} Mängelmeldungen, {created['services']} Leistungen, {created['council']} "
            f"Ratsvorlagen und {created['users']} Konten neu angelegt."
        )
        self.stdout.write("Demo-Zugänge (nur Demodaten), Passwort für alle: " + DEMO_PASSWORD)
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.email:45} {user.label}")
        self.stdout.write(f"Kleinwettbewerbe: {competitions} neu angelegt.")
        self.stdout.write(f"Servicedesk: {seed_servicedesk()} Tickets neu angelegt (Zugang {DESK_EMAIL}).")
        self.stdout.write(f"Genossenschaftsorgane und Generalversammlungen: {seed_governance()} neu angelegt.")
        self.stdout.write(f"Online-Beitrittsanträge: {seed_joining()} neu angelegt.")
        self.stdout.write(f"Fachverfahren: {seed_procedures()}, Geräte im IT-Inventar: {seed_assets()} neu angelegt.")
