"""The annual figures: exact for a small data set, who sees what (every role, anonymous, another member's
people), the XLSX neutralised."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from conftest import ROLES, login, make_member, make_user
from kitu.accounts.roles import Role
from kitu.billing.models import Invoice, InvoiceKind, InvoiceStatus
from kitu.governance.figures import selectors
from kitu.members import services as member_services
from kitu.members.models import Member
from kitu.orders.models import Order, OrderStatus

pytestmark = pytest.mark.django_db

D = dt.date
YEAR = 2025


def _invoice(member: Member, number: str, day: dt.date, net: str, kind: str = InvoiceKind.INVOICE) -> None:
    Invoice.objects.create(
        member=member,
        leitweg_id="04011000-1234512345-06",
        number=number,
        kind=kind,
        status=InvoiceStatus.ISSUED,
        issue_date=day,
        issued_at=timezone.now(),
        due_date=day + dt.timedelta(days=30),
        period_start=day,
        period_end=day,
        net_total=Decimal(net),
        gross_total=Decimal(net),
    )


def _order(
    world: dict[str, Any], member: Member, number: str, day: dt.date, total: str, savings: str, status: str
) -> None:
    order = Order.objects.create(
        number=number,
        member=member,
        contract=world["contract"],
        supplier=world["supplier"],
        requester=world["users"]["requester"],
        status=status,
        legal_basis="UVgO",
        total=Decimal(total),
        savings=Decimal(savings),
    )
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    Order.objects.filter(pk=order.pk).update(created_at=moment)


@pytest.fixture
def figures_world(contract_world: dict[str, Any]) -> dict[str, Any]:
    """Wernigerode (2013, 1 share, +2 in 2025) and Zeitz (2018, 1 share) are towns; Landkreis Harz joins in
    2025 with 3 shares (paid 10,000 of 15,000); Gemeinde Ilsenburg (2020, 2 shares) leaves on 31.12.2025.
    Invoices and call-offs in 2024, 2025 and 2026; only 2025's count."""
    w = contract_world
    admin = w["admin"]
    harz = make_member("Landkreis Harz", admin=admin, joined=D(2025, 3, 1), member_type="landkreis", shares=3)
    ilsenburg = make_member("Gemeinde Ilsenburg", admin=admin, joined=D(2020, 1, 1), member_type="gemeinde", shares=2)
    member_services.exit_record(actor=admin, member=ilsenburg, effective_date=D(2025, 12, 31))
    member_services.shares_change(actor=admin, member=w["wernigerode"], effective_date=D(2025, 6, 1), delta=2)
    # Landkreis Harz paid 15,000 at admission (make_member); a second payment after the year does not count
    _invoice(w["wernigerode"], "R-2025-1", D(2025, 2, 1), "1000.00")
    _invoice(w["wernigerode"], "G-2025-1", D(2025, 3, 1), "100.00", InvoiceKind.CREDIT_NOTE)
    _invoice(w["zeitz"], "R-2025-2", D(2025, 12, 31), "500.00")
    _invoice(w["wernigerode"], "R-2024-1", D(2024, 12, 31), "999.00")
    _invoice(harz, "R-2026-1", D(2026, 1, 1), "777.00")
    _order(w, w["wernigerode"], "B-1", D(2025, 5, 5), "800.00", "200.00", OrderStatus.RECEIVED)
    _order(w, w["wernigerode"], "B-2", D(2025, 6, 5), "150.00", "0.00", OrderStatus.APPROVED)
    _order(w, w["wernigerode"], "B-3", D(2025, 6, 6), "9000.00", "900.00", OrderStatus.CANCELLED)
    _order(w, w["zeitz"], "B-4", D(2025, 7, 7), "300.00", "30.00", OrderStatus.SENT)
    _order(w, w["zeitz"], "B-5", D(2025, 8, 8), "50.00", "5.00", OrderStatus.PENDING)
    _order(w, w["zeitz"], "B-6", D(2024, 8, 8), "70.00", "7.00", OrderStatus.RECEIVED)
    representative = make_user("vertretung@test.example", [(w["wernigerode"].organisation, Role.REPRESENTATIVE)])
    desk = make_user("servicedesk@test.example", [(w["coop"], Role.SERVICE_DESK)])
    return {**w, "harz": harz, "ilsenburg": ilsenburg, "representative": representative, "service_desk": desk}


def test_figures_are_exact(figures_world: dict[str, Any]) -> None:
    f = selectors.annual_figures(figures_world["admin"], YEAR)
    assert (f.start, f.end) == (D(2025, 1, 1), D(2025, 12, 31))
    assert [(t.code, t.at_start, t.admitted, t.exited, t.at_end) for t in f.types] == [
        ("stadt", 2, 0, 0, 2),
        ("gemeinde", 1, 0, 1, 0),
        ("landkreis", 0, 1, 0, 1),
    ]
    assert (f.totals.at_start, f.totals.admitted, f.totals.exited, f.totals.at_end) == (3, 1, 1, 3)
    c = f.capital
    assert (c.shares_at_start, c.shares_added, c.shares_removed, c.shares_of_leavers, c.shares_at_end) == (
        4,
        5,
        0,
        2,
        7,
    )
    assert c.share_value == Decimal("5000.00") and c.subscribed_at_end == Decimal("35000.00")
    assert c.paid_in_at_end == Decimal("25000.00")  # 5,000 + 5,000 + 15,000; Ilsenburg left
    assert [(r.name, r.billed_net, r.orders, r.ordered, r.savings) for r in f.members] == [
        ("Stadt Wernigerode", Decimal("900.00"), 2, Decimal("950.00"), Decimal("200.00")),
        ("Stadt Zeitz", Decimal("500.00"), 1, Decimal("300.00"), Decimal("30.00")),
    ]
    t = f.member_totals
    assert (t.billed_net, t.orders, t.ordered, t.savings) == (
        Decimal("1400.00"),
        3,
        Decimal("1250.00"),
        Decimal("230.00"),
    )


def test_a_member_sees_its_own_line_and_the_totals(figures_world: dict[str, Any]) -> None:
    for user in (figures_world["users"]["member_admin"], figures_world["representative"]):
        f = selectors.annual_figures(user, YEAR)
        assert [r.name for r in f.members] == ["Stadt Wernigerode"]
        assert f.member_totals.billed_net == Decimal("1400.00")
    zeitz = selectors.annual_figures(figures_world["users"]["other_member_admin"], YEAR)
    assert [r.name for r in zeitz.members] == ["Stadt Zeitz"]


VIEWERS = {"coop_admin", "contract_manager", "member_admin", "other_member_admin"}


@pytest.mark.parametrize("role", [*ROLES, "representative", "service_desk"])
def test_permission_matrix(
    figures_world: dict[str, Any], client_for: Callable[[str | None], Client], role: str | None
) -> None:
    client = login(Client(), figures_world[role]) if role in ("representative", "service_desk") else client_for(role)
    before = (Invoice.objects.count(), Order.objects.count(), Member.objects.count())
    page = client.get(f"/jahreszahlen/{YEAR}/")
    xlsx = client.get(f"/jahreszahlen/{YEAR}/jahreszahlen.xlsx")
    if role is None:
        assert page.status_code == 302 and "/konto/anmelden/" in page["Location"]
        assert xlsx.status_code == 302
    elif role in VIEWERS or role in ("representative", "service_desk"):
        assert page.status_code == 200 and xlsx.status_code == 200
        others = "Stadt Zeitz" if role != "other_member_admin" else "Stadt Wernigerode"
        sees_all = role in ("coop_admin", "contract_manager", "service_desk")
        assert (others in page.text) == sees_all
    else:
        assert page.status_code == 403 and xlsx.status_code == 403
    assert (Invoice.objects.count(), Order.objects.count(), Member.objects.count()) == before


def test_year_selection(figures_world: dict[str, Any]) -> None:
    client = login(Client(), figures_world["admin"])
    assert client.get("/jahreszahlen/?jahr=2025").context["f"].year == 2025
    assert client.get("/jahreszahlen/?jahr=1800").status_code == 404
    assert client.get("/jahreszahlen/?jahr=abc").status_code == 404
    assert client.get("/jahreszahlen/1999/").status_code == 404
    page = client.get("/jahreszahlen/2025/")
    assert "35.000,00" in page.text and "<svg" in page.text and page.text.count('id="hchart-title"') == 1


def test_xlsx_is_neutralised_and_has_the_figures(figures_world: dict[str, Any]) -> None:
    org = figures_world["wernigerode"].organisation
    org.name = '=HYPERLINK("http://evil.example")'
    org.save()
    response = login(Client(), figures_world["admin"]).get(f"/jahreszahlen/{YEAR}/jahreszahlen.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[2].iter_rows(values_only=True))
    names = [r[0] for r in rows]
    assert '\'=HYPERLINK("http://evil.example")' in names
    assert rows[-1][1:] == (1400, 3, 1250, 230)
    capital = dict(book.worksheets[1].iter_rows(values_only=True))
    assert capital["Geschäftsanteile am Ende des Jahres"] == 7
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_navigation_entry(figures_world: dict[str, Any], client_for: Callable[[str | None], Client]) -> None:
    def labels(client: Client) -> list[str]:
        return [item["label"] for item in client.get("/").context["nav_items"]]

    assert "Jahreszahlen" in labels(client_for("coop_admin"))
    assert "Jahreszahlen" in labels(client_for("member_admin"))
    assert "Jahreszahlen" in labels(login(Client(), figures_world["representative"]))
    assert "Jahreszahlen" not in labels(client_for("requester"))
    assert "Jahreszahlen" not in labels(client_for("supplier_user"))
