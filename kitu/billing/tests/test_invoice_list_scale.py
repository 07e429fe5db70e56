"""The office's invoice list at the size of every German municipality (issue 23.4): the member filter is a
search, not a <select> of every member with a subscription, and the page's queries and size do not grow
with the number of members and invoices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from conftest import login
from kitu.billing.models import Invoice, InvoiceStatus, Service, Subscription
from kitu.members.models import Member
from kitu.members.tests.test_pickers import _queries, add_members

pytestmark = pytest.mark.django_db
URL = "/leistungen/rechnungen/"


def subscribed_with_invoices(count: int, start: int) -> list[Member]:
    members = add_members(count, start=start)
    service = Service.objects.first()
    assert service is not None
    Subscription.objects.bulk_create(
        Subscription(member=m, service=service, starts_on=dt.date(2026, 1, 1)) for m in members
    )
    Invoice.objects.bulk_create(
        Invoice(
            member=m,
            leitweg_id="991-12345-06",
            number=f"S{start + i:05d}-{k}",
            status=InvoiceStatus.ISSUED,
            issue_date=dt.date(2026, 1 + 6 * k, 15),
            due_date=dt.date(2026, 2 + 6 * k, 15),
            period_start=dt.date(2026, 1 + 6 * k, 1),
            period_end=dt.date(2026, 6 + 6 * k, 28),
            net_total=Decimal("100.00"),
            gross_total=Decimal("119.00"),
        )
        for i, m in enumerate(members)
        for k in range(2)
    )
    return members


def test_the_office_filters_by_a_member_picked_by_search(billing_world: dict[str, Any], client: Client) -> None:
    login(client, billing_world["admin"])
    members = subscribed_with_invoices(5, start=1000)
    page = client.get(URL).content.decode()
    assert 'name="mitglied__suche"' in page and 'hx-get="/mitglieder/auswahl/"' in page
    assert "Testdorf" not in page.split('id="h-invoices"')[0]  # no option per member above the table
    assert 'name="mitglied" value="" id="id_mitglied-none" checked' in page and ">alle</label>" in page
    chosen = members[2]
    filtered = client.get(URL, {"mitglied": chosen.pk}).content.decode()
    assert f'name="mitglied" value="{chosen.pk}"' in filtered and "Gemeinde Testdorf 01002" in filtered
    assert ">S01002-0<" in filtered and ">S01002-1<" in filtered and "S01001-" not in filtered


def test_the_office_invoice_list_does_not_grow_with_the_register(billing_world: dict[str, Any], client: Client) -> None:
    login(client, billing_world["admin"])
    subscribed_with_invoices(30, start=1000)  # 60 invoices: a full page of 50 already
    small = _queries(client, URL)
    subscribed_with_invoices(40, start=5000)
    large = _queries(client, URL)
    assert large[0] == small[0]
    # a page of 50 either way and the same months in the chart (its amounts and axis ticks differ a little);
    # a <select> of the members with a subscription would grow by 40 options, ~2,000 bytes
    assert abs(large[1] - small[1]) < 1000
