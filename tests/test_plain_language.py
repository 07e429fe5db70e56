"""Plain language and numbers (issue 18.7) across the apps: every status a model can have is in the core
status table (so no page ever shows a code), and the pages show words and German numbers — units, ECLASS
names, quantities with thousands separators, status badges, "alle auswählen"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kitu.billing.models import InvoiceStatus, RequestStatus, RunStatus
from kitu.billing.receivables import STATES
from kitu.bundling.models import CampaignState
from kitu.catalog.models import Article, CatalogImport, ScalePrice
from kitu.contracts import services as contract_services
from kitu.contracts.forms import ContractForm
from kitu.contracts.models import ContractState
from kitu.core.status import STATUSES
from kitu.defects import services as defect_services
from kitu.defects.models import ReportStatus
from kitu.members.models import MemberStatus
from kitu.orders.models import OrderStatus
from kitu.orders.tests.test_fulfilment import approved_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("order", OrderStatus.values),
        ("invoice", [*InvoiceStatus.values, *STATES]),
        ("billing_run", RunStatus.values),
        ("request", RequestStatus.values),
        ("campaign", CampaignState.values),
        ("member", MemberStatus.values),
        ("contract", ContractState.values),
        ("defect", ReportStatus.values),
        ("catalog_import", CatalogImport.Status.values),
        ("campaign_report", ["open", "no_demand", "reported"]),
        ("optimiser_run", ["optimal", "infeasible"]),
    ],
)
def test_every_status_has_words_and_a_tone(kind: str, codes: list[str]) -> None:
    table = STATUSES[kind]
    missing = [code for code in codes if code not in table]
    assert missing == []
    for code in codes:
        assert str(table[code].label) and table[code].label != code
        assert table[code].tone in ("", "info", "success", "warning", "danger")


def test_article_page_speaks_units_and_classes(order_world: dict[str, Any], client_for: Any) -> None:
    notebook = Article.objects.get(supplier_pid="NB-1")
    notebook.eclass_system, notebook.eclass_group = "ECLASS-13.0", "19030104"
    notebook.save()
    ScalePrice.objects.create(article=notebook, lower_bound=Decimal("1000"), amount=Decimal("700.00"))
    page = client_for("requester").get(reverse("catalog:article", args=[notebook.pk])).content.decode()
    assert 'Notebook <span class="kitu-code">(ECLASS 19-03-01-04)</span>' in page
    assert "800,00\xa0€ je Stück" in page
    assert '<dd class="kern-description-list-item__value">Stück <span class="kitu-code">(C62)</span></dd>' in page
    assert '<td class="kern-table__cell">5 Stück</td>' in page  # scale price from 5 pieces
    assert '<td class="kern-table__cell">1.000 Stück</td>' in page
    assert ">C62<" not in page and "19030104<" not in page


def test_search_results_and_compare_show_words(order_world: dict[str, Any], client_for: Any) -> None:
    Article.objects.filter(supplier_pid="NB-1").update(eclass_group="19030104")
    client = client_for("requester")
    results = client.get(reverse("catalog:search"), {"q": "Notebook"}).content.decode()
    assert '<span class="kern-body--small">je Stück</span>' in results
    assert 'Notebook <span class="kitu-code">(ECLASS 19-03-01-04)</span></a>' in results  # the class filter
    ids = list(Article.objects.filter(supplier_pid__in=["NB-1", "DS-1"]).values_list("pk", flat=True))
    compare = client.get(reverse("catalog:compare"), {"id": ids}).content.decode()
    assert "Stück, mind. 2 Stück" in compare and "Stück, mind. 1 Stück" in compare
    assert 'Notebook <span class="kitu-code">(ECLASS 19-03-01-04)</span>' in compare


def test_contract_volumes_in_german_numbers(contract_world: dict[str, Any], client_for: Any) -> None:
    w = contract_world
    contract_services.limit_save(
        actor=w["admin"], lot=w["lot"], article_pid="NB-9", estimated_quantity=33130, max_quantity=43069
    )
    page = client_for("coop_admin").get(reverse("contracts:detail", args=[w["contract"].pk])).content.decode()
    assert "33.130 / 43.069 / 0" in page
    assert 'kern-badge--success" data-status="active"><span class="kern-label">aktiv</span>' in page


def test_member_list_shows_status_badges(world: dict[str, Any], client_for: Any) -> None:
    page = client_for("coop_admin").get(reverse("members:list")).content.decode()
    assert 'data-status="active"><span class="kern-label">Mitglied</span>' in page


def test_all_members_is_a_rule_on_the_contract_form(contract_world: dict[str, Any]) -> None:
    """ "Alle Mitglieder" is a rule in words (members admitted later are covered), no list to tick."""
    w = contract_world
    data = {
        "number": "RV-ALLE",
        "title": "Alle",
        "legal_basis": "vgv21",
        "awarding_body": "KITU",
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        "call_off_mode": "direct",
        "suppliers": [w["supplier"].pk],
    }
    every = ContractForm({**data, "eligibility": "all"})
    assert every.is_valid(), every.errors
    assert every.cleaned_data["eligibility"] == "all" and list(every.cleaned_data["eligible_members"]) == []
    assert "alle Mitglieder" in str(every["eligibility"]) and "später zugelassen" in str(every["eligibility"].help_text)
    of_type = ContractForm({**data, "eligibility": "member_type"})
    assert not of_type.is_valid()
    assert of_type.errors == {"eligible_member_type": ["Bitte wählen Sie die Art der Mitglieder, die abrufen dürfen."]}
    none = ContractForm({**data, "eligibility": "selected"})
    assert none.is_valid() and list(none.cleaned_data["eligible_members"]) == []


def test_order_page_shows_units_and_a_status_badge(order_world: dict[str, Any], client_for: Any) -> None:
    order = approved_order(order_world, ("notebook", 3), ("dock", 4))
    page = client_for("requester").get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "3 Stück" in page and "4 Stück" in page and ">C62<" not in page
    assert order.status == "approved"
    assert (
        '<span class="kern-badge kern-badge--info" data-status="approved">'
        '<span class="kern-label">freigegeben</span></span>'
    ) in page
    listing = client_for("requester").get(reverse("orders:list")).content.decode()
    assert f'data-status="{order.status}"><span class="kern-label">' in listing


def test_defect_reports_show_their_status_as_a_badge(defect_world: dict[str, Any], client_for: Any) -> None:
    report = defect_services.report_create(
        service=defect_world["w_service"], category_code="strassenschaden", description="Schlagloch", address="Markt 1"
    )
    inbox = client_for("case_worker").get(reverse("defects:inbox")).content.decode()
    assert (
        '<span class="kern-badge kern-badge--warning" data-status="open"><span class="kern-label">offen</span></span>'
    ) in inbox
    track = Client().get(reverse("defects:track", args=["wernigerode", report.token])).content.decode()
    assert 'data-status="open"><span class="kern-label">offen</span>' in track


def test_bar_charts_name_their_axis_with_its_unit(world: dict[str, Any], client_for: Any) -> None:
    page = client_for("coop_admin").get(reverse("members:statistics")).content.decode()
    assert '<text x="64" y="14" class="kitu-chart__axis">Anzahl Mitglieder</text>' in page
