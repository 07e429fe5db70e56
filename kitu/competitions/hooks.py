"""What this app registers with the orders app (called from CompetitionsConfig.ready): the cart's review
links a line refused because its lot requires a mini-competition to the start of one here. orders does
not import this app; the dependency points from competitions to orders."""

from __future__ import annotations

from django.urls import reverse

from kitu.contracts.models import Lot
from kitu.members.models import Member
from kitu.orders import planning


def start_url(lot: Lot, member: Member) -> str:
    return f"{reverse('competitions:create')}?los={lot.pk}&mitglied={member.pk}"


def register() -> None:
    planning.competition_start_url = start_url
