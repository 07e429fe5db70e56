"""The order history exports (CSV and XLSX of the order list): text from members, requesters and suppliers
reaches the office's spreadsheets neutralised, numbers and dates stay numbers and dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kitu.accounts.models import Organisation
from kitu.orders import fulfilment, services
from kitu.orders.models import Order

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '=HYPERLINK("http://x","y")'


@pytest.fixture
def hostile_order(order_world: dict[str, Any]) -> Order:
    """One order of a member with a hostile name: a dock line on cost centre "+1", a free-text line
    "@SUM(A1)" the supplier rejects because "-2+3"."""
    w = order_world
    requester, member = w["users"]["requester"], w["wernigerode"]
    Organisation.objects.filter(pk=member.organisation_id).update(name=HOSTILE_NAME)
    centre = member.cost_centres.create(code="+1", name="-Stadt")
    services.cart_defaults(actor=requester, member=member, cost_centre=centre, site=None)
    services.cart_add(actor=requester, member=member, article=w["dock"], quantity=2)
    services.cart_add_placeholder(
        actor=requester, member=member, lot=w["lot"], description="@SUM(A1)", quantity=1, unit_price=Decimal("10")
    )
    (order,) = services.checkout(actor=requester, member=member)  # 310 EUR, auto-approved
    free = order.lines.get(article__isnull=True)
    fulfilment.confirm(
        actor=w["users"]["supplier_user"],
        order=order,
        delivery_date=timezone.localdate() + dt.timedelta(days=3),
        rejected={free.pk: "-2+3"},
    )
    return Order.objects.get(pk=order.pk)


def test_csv_neutralises_text_and_keeps_amounts(hostile_order: Order, client_for: Any) -> None:
    text = client_for("requester").get(reverse("orders:list") + "?format=csv").content.decode()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2
    assert rows[1][0] == hostile_order.number and rows[1][2] == "'" + HOSTILE_NAME
    assert rows[1][6:8] == ["300,00", "100,00"]  # the rejected line left the total


def test_xlsx_stores_text_as_neutralised_strings_and_numbers_as_numbers(hostile_order: Order, client_for: Any) -> None:
    response = client_for("requester").get(reverse("orders:list") + "?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    orders_sheet, lines_sheet = book["Bestellungen"], book["Positionen"]
    member = orders_sheet["C2"]
    assert (member.value, member.data_type) == ("'" + HOSTILE_NAME, "s")
    assert (orders_sheet["G2"].value, orders_sheet["G2"].data_type) == (300, "n")
    assert orders_sheet["B2"].is_date
    dock, free = lines_sheet[2], lines_sheet[3]
    assert (dock[9].value, dock[9].data_type) == ("'+1", "s")  # cost centre
    assert (dock[4].value, dock[4].data_type, dock[6].value) == (2, "n", 150)  # quantity, unit price
    assert (free[3].value, free[3].data_type) == ("'@SUM(A1)", "s")  # description
    assert (free[12].value, free[12].data_type) == ("'-2+3", "s")  # rejected because
    assert [c.data_type for c in lines_sheet[3]].count("f") == 0
