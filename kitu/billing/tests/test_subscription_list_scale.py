"""The office's subscription list and service requests at the size of every German municipality (issue
23.4): no control lists the whole register — the member is picked by search, the cost centre named by its
number — and the subscription list is paged, its queries flat in the number of members."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from conftest import login
from kitu.billing.models import Service, Subscription, SubscriptionRequest
from kitu.members.models import CostCentre
from kitu.members.tests.test_pickers import _queries, add_members

pytestmark = pytest.mark.django_db
CATALOG, NEW, LIST = "/leistungen/", "/leistungen/beantragen/", "/leistungen/abonnements/"


def subscribed(count: int, start: int) -> None:
    service = Service.objects.get(code="beitrag")
    Subscription.objects.bulk_create(
        Subscription(member=m, service=service, starts_on=dt.date(2026, 1, 1)) for m in add_members(count, start)
    )


def test_the_office_requests_for_a_member_found_by_search_with_its_cost_centre_number(
    billing_world: dict[str, Any], client: Client
) -> None:
    w = billing_world
    login(client, w["admin"])
    page = client.get(CATALOG).content.decode()
    form = page.split(f'action="{NEW}"')[1].split("</form>")[0]
    assert 'name="member__suche"' in form and "<option" not in form.split('name="service"')[0]
    CostCentre.objects.create(member=w["wernigerode"], code="10-100", name="Hauptamt")
    mine = CostCentre.objects.create(member=w["zeitz"], code="Z-1", name="Zentrale Dienste")
    CostCentre.objects.create(member=w["zeitz"], code="Z-2", name="Alt", is_active=False)
    hosting = Service.objects.get(code="hosting-fv")
    data = {"member": w["zeitz"].pk, "service": hosting.pk, "quantity": 1, "effective_from": "2027-01-01"}
    for code in ("Z-9", "10-100", "Z-2"):  # unknown, another member's, inactive: refused, nothing filed
        client.post(NEW, {**data, "cost_centre": code})
    refusals = [str(m) for m in get_messages(client.get(LIST).wsgi_request)]
    assert refusals == ["Kostenstelle: Dieses Mitglied hat keine aktive Kostenstelle mit dieser Nummer."] * 3
    assert SubscriptionRequest.objects.count() == 0
    assert client.post(NEW, {**data, "cost_centre": " Z-1 "}).status_code == 302
    assert client.post(NEW, {**data, "cost_centre": ""}).status_code == 302  # without one: fine
    assert [(r.member, r.cost_centre) for r in SubscriptionRequest.objects.order_by("pk")] == [
        (w["zeitz"], mine),
        (w["zeitz"], None),
    ]


def test_a_member_admin_still_chooses_among_the_own_members_and_cost_centres(
    billing_world: dict[str, Any], client: Client
) -> None:
    w = billing_world
    CostCentre.objects.create(member=w["wernigerode"], code="10-100", name="Hauptamt")
    login(client, w["users"]["member_admin"])
    form = client.get(CATALOG).content.decode().split(f'action="{NEW}"')[1].split("</form>")[0]
    assert "member__suche" not in form and "Stadt Wernigerode</option>" in form and "10-100" in form


def test_the_office_subscription_list_is_paged_and_flat_in_the_register(
    billing_world: dict[str, Any], client: Client
) -> None:
    login(client, billing_world["admin"])
    subscribed(60, start=1000)  # 66 subscriptions: two pages
    first = client.get(LIST).content.decode()
    assert first.count("Gemeinde Testdorf") == 50 and "Seite 1 von 2" in first
    assert 'name="mitglied__suche"' in first and "<option" not in first.split('id="h-pending"')[0]
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "Seite 2 von 2" in second
    small = _queries(client, LIST)
    subscribed(40, start=5000)
    large = _queries(client, LIST)
    assert large[0] == small[0]
