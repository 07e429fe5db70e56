"""The service desk test world: the `world` of the root conftest plus a service desk user, two teams, a
subscribed service with its levels and the per-hour support contract of Wernigerode."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import ROLES, make_user
from kitu.accounts.roles import Role
from kitu.billing.models import Price, QuantityChange, Service, Subscription
from kitu.members.models import LeitwegId
from kitu.servicedesk import services
from kitu.servicedesk.models import ServiceLevel, Team, Ticket

BERLIN = ZoneInfo("Europe/Berlin")
DESK_ROLES: list[str | None] = [*ROLES, "service_desk"]
STAFF = {"coop_admin", "service_desk"}


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=BERLIN)


def subscribe(member: Any, service: Service, start: dt.date, quantity: int = 1) -> Subscription:
    """A subscription; the support contract has quantity 0: no monthly fee, its hours are billed as used."""
    sub = Subscription.objects.create(member=member, service=service, starts_on=start)
    QuantityChange.objects.create(subscription=sub, effective_from=start, quantity=quantity)
    return sub


@pytest.fixture
def desk(world: dict[str, Any], settings: Any) -> dict[str, Any]:
    settings.KITU_MAIL_IN_SECRET = "geheim-für-tests-123"
    desk_user = make_user("servicedesk@test.example", [(world["coop"], Role.SERVICE_DESK)])
    world["users"]["service_desk"] = desk_user
    hosting = Service.objects.create(
        code="hosting-fv", name="Hosting Fachverfahren", category="hosting", pricing="flat", contract_reference="DLV-1"
    )
    support = Service.objects.create(
        code="unterstuetzung-fachpersonal",
        name="Unterstützung durch Fachpersonal",
        category="operations",
        pricing="per_unit",
        unit_code="HUR",
        unit_label="Stunde",
        contract_reference="DLV-7",
    )
    Price.objects.create(service=support, valid_from=dt.date(2024, 1, 1), amount=Decimal("95.00"))
    first = Team.objects.create(code="fachverfahren", name="Fachverfahren")
    first.services.add(hosting)
    first.members.add(desk_user)
    second = Team.objects.create(code="arbeitsplatz", name="Arbeitsplatz und Netz")
    ServiceLevel.objects.create(service=hosting, priority=2, response_minutes=60, resolution_minutes=8 * 60)
    w = world["wernigerode"]
    subscribe(w, hosting, dt.date(2025, 1, 1))
    support_sub = subscribe(w, support, dt.date(2025, 1, 1), quantity=0)
    LeitwegId.objects.create(member=w, value="04011000-1234512345-06", is_default=True)
    return {
        **world,
        "desk_user": desk_user,
        "hosting": hosting,
        "support": support,
        "support_sub": support_sub,
        "teams": (first, second),
    }


def report(desk: dict[str, Any], role: str = "requester", **fields: Any) -> Ticket:
    member = desk["zeitz"] if role.startswith("other_") else desk["wernigerode"]
    values: dict[str, Any] = {
        "subject": "Finanzverfahren startet nicht",
        "description": "Seit heute früh kommt beim Anmelden ein Fehler 503.",
        "kind": "incident",
        "impact": "high",
        "urgency": "medium",
        "now": at(2026, 3, 26, 9),
    } | fields
    return services.ticket_create(actor=desk["users"][role], member=member, **values)
