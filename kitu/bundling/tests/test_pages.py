"""Permission matrix of the bundling pages (denied writes change nothing), member isolation, and the
pages' flows: a member answers, the cooperative evaluates, imports offers, optimises and awards."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import ROLES, STAFF
from kitu.accounts.models import Organisation
from kitu.bundling import services, xlsx
from kitu.bundling.models import Campaign, CampaignItem, DemandLine, DemandReport, Offer, OfferLot, OptimisationRun
from kitu.contracts.models import FrameworkContract, MemberQuota
from kitu.core.confirm import CONFIRM_FIELD, CONFIRM_VALUE
from kitu.core.models import AuditEntry, Job

from .test_campaigns import enter_offers, offer_workbook, report_demo, second_supplier

CONFIRM = {CONFIRM_FIELD: CONFIRM_VALUE}

pytestmark = pytest.mark.django_db
ANSWER = {"member_admin", "requester", "approver"}  # Wernigerode's
OTHER = {"other_member_admin", "other_requester"}  # Zeitz's, also eligible
SEES = STAFF | ANSWER | OTHER


def _state() -> tuple[Any, ...]:
    return (
        tuple(Campaign.objects.order_by("pk").values_list("title", "state", "closes_on", "contract")),
        tuple(CampaignItem.objects.order_by("pk").values_list("code", "title")),
        tuple(DemandReport.objects.order_by("pk").values_list("member", "no_demand", "submitted_at")),
        tuple(DemandLine.objects.order_by("pk").values_list("item", "quantity")),
        Offer.objects.count(),
        OfferLot.objects.count(),
        OptimisationRun.objects.count(),
        FrameworkContract.objects.count(),
        AuditEntry.objects.count(),
    )


def _code(role: str | None, allowed: set[str], visible: set[str]) -> int:
    if role is None:
        return 302
    return 200 if role in allowed else 403 if role in visible else 404


def report_post(items: dict[str, CampaignItem], **lines: tuple[int, int]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for code, (quantity, quarter) in lines.items():
        pk = items[code.lstrip("_")].pk
        data |= {f"i{pk}_quantity": quantity, f"i{pk}_quarter": quarter}
    return data


@pytest.mark.parametrize("role", ROLES)
def test_pages(campaign_world: dict[str, Any], client_for: Any, role: str | None) -> None:
    w = campaign_world
    c, draft = w["campaign"], w["draft_campaign"]
    client = client_for(role)
    listing = client.get(reverse("bundling:list"))
    assert listing.status_code == (302 if role is None else 200)
    if role is not None:
        page = listing.content.decode()
        assert ("IT 2027" in page) == (role in SEES)
        assert ("Drucker 2027" in page) == (role in STAFF)
    assert client.get(reverse("bundling:detail", args=[c.pk])).status_code == _code(role, SEES, SEES)
    assert client.get(reverse("bundling:detail", args=[draft.pk])).status_code == _code(role, STAFF, STAFF)
    assert client.get(reverse("bundling:report", args=[c.pk])).status_code == _code(role, SEES, SEES)
    for name in ("edit", "offers", "tender_export", "offers_template", "award"):
        assert client.get(reverse(f"bundling:{name}", args=[c.pk])).status_code == _code(role, STAFF, SEES), name
    assert client.get(reverse("bundling:create")).status_code == {None: 302}.get(role, 200 if role in STAFF else 403)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in STAFF])
def test_denied_writes_change_nothing(campaign_world: dict[str, Any], client_for: Any, role: str | None) -> None:
    w = campaign_world
    c, draft = w["campaign"], w["draft_campaign"]
    report_demo(w, w["today"])
    services.campaign_close(actor=w["admin"], campaign=c)
    enter_offers(w)
    run = services.optimiser_run(actor=w["admin"], campaign=c)
    offer = Offer.objects.first()
    assert offer is not None
    client = client_for(role)
    before = _state()
    item = draft.items.first()
    assert item is not None
    posts = [
        (reverse("bundling:create"), {"title": "X", "opens_on": "2026-01-01", "closes_on": "2026-02-01"}),
        (reverse("bundling:edit", args=[draft.pk]), {"title": "Hack"}),
        (reverse("bundling:item_add", args=[draft.pk]), {"code": "9", "title": "X", "unit": "Stück"}),
        (reverse("bundling:item_remove", args=[draft.pk, item.pk]), {}),
        (reverse("bundling:transition", args=[draft.pk, "oeffnen"]), CONFIRM),
        (reverse("bundling:transition", args=[c.pk, "auswerten"]), CONFIRM),
        (reverse("bundling:offers", args=[c.pk]), {"supplier": w["supplier"].pk, "item": offer.item_id}),
        (reverse("bundling:offer_remove", args=[c.pk, offer.pk]), {}),
        (reverse("bundling:offers_import", args=[c.pk]), {"file": offer_workbook([])}),
        (reverse("bundling:optimise", args=[c.pk]), {}),
        (reverse("bundling:award", args=[c.pk]), {"run": run.pk, "number": "RV-H", **CONFIRM}),
        (reverse("bundling:report", args=[c.pk]), report_post(w["items"], **{"01": (5, 1)})),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (302, 403, 404), url
    assert _state() == before


def test_every_bundling_xlsx_neutralises_text_and_keeps_numbers(
    campaign_world: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A member, a supplier and a position with formula-like names go through the tender export, the offer
    template (which still imports, filled in), and the result export: text as "'"-prefixed strings,
    quantities and prices as numbers."""
    w = campaign_world
    staff, c = client_for("contract_manager"), w["campaign"]
    hostile = '=HYPERLINK("http://x","y")'
    Organisation.objects.filter(pk=w["wernigerode"].organisation_id).update(name=hostile)
    b = second_supplier()
    Organisation.objects.filter(pk=b.organisation_id).update(name="+Harz Büro GmbH")
    CampaignItem.objects.filter(pk=w["items"]["01"].pk).update(code="-1", title="@SUM(A1)")
    report_demo(w, w["today"])
    staff.post(reverse("bundling:transition", args=[c.pk, "schliessen"]), CONFIRM)
    staff.post(reverse("bundling:transition", args=[c.pk, "auswerten"]), CONFIRM)

    def text(cell: Any, value: str) -> None:
        assert (cell.value, cell.data_type) == ("'" + value, "s")

    def number(cell: Any, value: int) -> None:
        assert (cell.value, cell.data_type) == (value, "n")

    tender = load_workbook(io.BytesIO(staff.get(reverse("bundling:tender_export", args=[c.pk])).content))
    quantities, members = tender["Mengen"], tender["Mitglieder"]
    text(quantities["A2"], "-1")
    text(quantities["B2"], "@SUM(A1)")
    number(quantities["E2"], 40)
    text(members["C1"], "-1")  # the position codes head the member sheet
    text(members["A2"], hostile)
    number(members["C2"], 30)

    template = load_workbook(io.BytesIO(staff.get(reverse("bundling:offers_template", args=[c.pk])).content))
    sheet = template[xlsx.OFFER_SHEET]
    rows = {(r[0].value, r[1].value): r for r in sheet.iter_rows(min_row=2)}
    assert set(rows) == {(n, code) for n in ("'+Harz Büro GmbH", "Beispiel IT GmbH") for code in ("'-1", "02")}
    first = rows["'+Harz Büro GmbH", "'-1"]
    text(first[0], "+Harz Büro GmbH")
    text(first[1], "-1")
    number(first[2], 0)
    number(first[4], 1)
    for (name, code), row in rows.items():
        row[5].value = (800 if code == "'-1" else 150) if name.startswith("'") else 900
    upload = io.BytesIO()
    template.save(upload)
    upload.seek(0)
    upload.name = "angebote.xlsx"
    assert staff.post(reverse("bundling:offers_import", args=[c.pk]), {"file": upload}).status_code == 302
    assert sorted(Offer.objects.values_list("supplier__organisation__name", "item__code")) == [
        ("+Harz Büro GmbH", "-1"),
        ("+Harz Büro GmbH", "02"),
        ("Beispiel IT GmbH", "-1"),
        ("Beispiel IT GmbH", "02"),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("bundling:optimise", args=[c.pk]))
    run = OptimisationRun.objects.get()
    result = load_workbook(io.BytesIO(staff.get(reverse("bundling:run_export", args=[c.pk, run.pk])).content))
    award = result["Zuschlag"][2]
    text(award[0], "+Harz Büro GmbH")
    text(award[1], "-1")
    text(award[2], "@SUM(A1)")
    number(award[3], 40)
    number(award[4], 800)
    saving = next(r for r in result["Mitglieder"].iter_rows(min_row=2) if str(r[0].value).startswith("'="))
    text(saving[0], hostile)
    assert all(cell.data_type == "n" for cell in saving[1:])


def test_a_member_sees_only_its_own_report(campaign_world: dict[str, Any], client_for: Any) -> None:
    w = campaign_world
    services.report_save(
        actor=w["users"]["requester"],
        campaign=w["campaign"],
        member=w["wernigerode"],
        lines=[services.LineInput(w["items"]["01"], 37, 3, w["centres"][0], True, "Geheimer Kommentar")],
        today=w["today"],
    )
    zeitz = client_for("other_requester")
    url = reverse("bundling:report", args=[w["campaign"].pk])
    page = zeitz.get(f"{url}?mitglied={w['wernigerode'].pk}").content.decode()
    assert "Stadt Zeitz" in page and "Geheimer Kommentar" not in page and 'value="37"' not in page
    detail = zeitz.get(reverse("bundling:detail", args=[w["campaign"].pk])).content.decode()
    assert "Stadt Wernigerode" not in detail and "noch keine Meldung" in detail
    # a Zeitz user posting "for" Wernigerode answers for Zeitz
    zeitz.post(f"{url}?mitglied={w['wernigerode'].pk}", report_post(w["items"], **{"02": (4, 2)}))
    assert sorted(DemandLine.objects.values_list("report__member__organisation__name", "item__code", "quantity")) == [
        ("Stadt Wernigerode", "01", 37),
        ("Stadt Zeitz", "02", 4),
    ]
    own = client_for("approver").get(url).content.decode()
    assert 'value="37"' in own and "Geheimer Kommentar" in own


def test_member_answers_through_the_form(campaign_world: dict[str, Any], client_for: Any) -> None:
    w = campaign_world
    client = client_for("requester")
    url = reverse("bundling:report", args=[w["campaign"].pk])
    items = w["items"]
    bad = client.post(url, {f"i{items['01'].pk}_quantity": "12"})
    assert bad.status_code == 400 and "Bitte ein Lieferquartal wählen." in bad.content.decode()
    both = client.post(url, {**report_post(items, **{"01": (1, 1)}), "no_demand": "on"})
    assert both.status_code == 400 and "nicht beides" in both.content.decode()
    empty = client.post(url, {})
    assert empty.status_code == 400 and "mindestens eine Menge" in empty.content.decode()
    assert not DemandReport.objects.exists()
    data = {
        **report_post(items, **{"01": (12, 2)}),
        f"i{items['01'].pk}_cost_centre": w["centres"][1].pk,
        f"i{items['01'].pk}_budget": "on",
        f"i{items['01'].pk}_comment": "Grundschulen",
    }
    assert client.post(url, data).status_code == 302
    assert list(
        DemandLine.objects.values_list(
            "item__code", "quantity", "delivery_quarter", "cost_centre__code", "budget_secured", "comment"
        )
    ) == [("01", 12, 2, "40-200", True, "Grundschulen")]
    assert client.post(url, {"no_demand": "on"}).status_code == 302
    assert DemandReport.objects.get().no_demand and not DemandLine.objects.exists()
    # after the close, the form is read-only and posts are refused
    services.campaign_close(actor=w["admin"], campaign=w["campaign"])
    page = client.get(url).content.decode()
    assert "kann nicht mehr geändert werden" in page and "Meldung speichern" not in page
    assert client.post(url, report_post(items, **{"01": (3, 1)})).status_code == 302
    assert DemandReport.objects.get().no_demand and not DemandLine.objects.exists()


def test_cooperative_runs_the_campaign_through_the_pages(
    campaign_world: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = campaign_world
    staff = client_for("contract_manager")
    c = w["campaign"]
    report_demo(w, w["today"])
    detail = staff.get(reverse("bundling:detail", args=[c.pk])).content.decode()
    assert "2 von 2 Mitgliedern haben geantwortet, 2 mit Bedarf." in detail
    assert "<svg" in detail and "Gemeldete Mengen je Position und Lieferquartal" in detail
    # per member: one bar each, stacked by item (Wernigerode 30 + 20, Zeitz 10)
    assert "<title>Stadt Wernigerode: 01 Notebook 14 Zoll Standardkonfiguration 30</title>" in detail
    assert "<title>Stadt Wernigerode: 02 Monitor 24 Zoll 20</title>" in detail
    assert "<title>Stadt Zeitz: 01 Notebook 14 Zoll Standardkonfiguration 10</title>" in detail
    assert "Stadt Zeitz: 02" not in detail
    assert staff.post(reverse("bundling:transition", args=[c.pk, "schliessen"]), CONFIRM).status_code == 302
    assert staff.post(reverse("bundling:transition", args=[c.pk, "auswerten"]), CONFIRM).status_code == 302
    assert Campaign.objects.get(pk=c.pk).state == "evaluated"
    export = staff.get(reverse("bundling:tender_export", args=[c.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content))["Mengen"]
    first = next(sheet.iter_rows(min_row=2, max_col=6, values_only=True))
    assert first == ("01", "Notebook 14 Zoll Standardkonfiguration", None, "Stück", 40, 52)
    b = second_supplier()
    upload = offer_workbook(
        [
            ("Beispiel IT GmbH", "01", 0, None, 1, 900),
            ("Beispiel IT GmbH", "01", 0, None, 30, 820),
            ("Beispiel IT GmbH", "02", 0, None, 1, 160),
            (b.name, "01", 0, 50, 1, 880),
            (b.name, "01", 0, 50, 40, 810),
            (b.name, "02", 0, None, 1, 150),
        ]
    )
    upload.name = "angebote.xlsx"
    assert staff.post(reverse("bundling:offers_import", args=[c.pk]), {"file": upload}).status_code == 302
    assert Offer.objects.count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("bundling:optimise", args=[c.pk]))
    run = OptimisationRun.objects.get()
    job = Job.objects.get(kind="bundling.optimise")
    assert response.url == f"/fortschritt/{job.pk}/"
    assert (job.status, job.done, job.total, job.result_url) == (
        "done",
        1,
        1,
        reverse("bundling:run", args=[c.pk, run.pk]),
    )
    assert "Die nachweislich günstigste Vergabe ist berechnet." in staff.get(response.url).content.decode()
    page = staff.get(job.result_url).content.decode()
    assert "35.400,00" in page and "1.000,00" in page and "<svg" in page and "771,19" in page
    result = load_workbook(io.BytesIO(staff.get(reverse("bundling:run_export", args=[c.pk, run.pk])).content))
    assert list(result["Zuschlag"].iter_rows(min_row=2, values_only=True)) == [
        (b.name, "01", "Notebook 14 Zoll Standardkonfiguration", 40, 810, 32400),
        (b.name, "02", "Monitor 24 Zoll", 20, 150, 3000),
    ]
    award_data = {
        "run": run.pk,
        "number": "RV-2027-05",
        "title": "IT 2027",
        "legal_basis": "uvgo15",
        "starts_on": "2027-01-01",
        "ends_on": "2030-12-31",
    }
    confirm = staff.post(reverse("bundling:award", args=[c.pk]), award_data)
    assert confirm.status_code == 200 and not FrameworkContract.objects.filter(number="RV-2027-05").exists()
    assert (
        "Rahmenvertrag RV-2027-05 im Entwurf anlegen: 1 Los für einen Lieferanten, 2 Positionen, "
        "2 abrufberechtigte Mitglieder mit Kontingenten" in confirm.content.decode()
    )
    assert Campaign.objects.get(pk=c.pk).state == "evaluated"
    award = staff.post(reverse("bundling:award", args=[c.pk]), {**award_data, **CONFIRM})
    contract = FrameworkContract.objects.get(number="RV-2027-05")
    assert award.url == reverse("contracts:detail", args=[contract.pk])
    assert MemberQuota.objects.filter(contract=contract).count() == 3
    assert Campaign.objects.get(pk=c.pk).state == "awarded"


def test_the_office_records_an_answer_received_by_letter(campaign_world: dict[str, Any], client_for: Any) -> None:
    w = campaign_world
    url = reverse("bundling:report", args=[w["campaign"].pk]) + f"?mitglied={w['zeitz'].pk}"
    staff = client_for("coop_admin")
    page = staff.get(url).content.decode()
    assert "Für Stadt Zeitz." in page and "Z-1 Zentrale Dienste" in page and "10-100" not in page
    data = report_post(w["items"], **{"01": (7, 3)}) | {f"i{w['items']['01'].pk}_cost_centre": w["z_centre"].pk}
    assert staff.post(url, data).status_code == 302
    report = DemandReport.objects.get()
    assert (report.member, report.submitted_by) == (w["zeitz"], w["users"]["coop_admin"])
    assert list(report.lines.values_list("quantity", "delivery_quarter", "cost_centre__code")) == [(7, 3, "Z-1")]


def test_bad_offer_import_shows_where_and_keeps_the_offers(campaign_world: dict[str, Any], client_for: Any) -> None:
    w = campaign_world
    services.campaign_close(actor=w["admin"], campaign=w["campaign"])
    enter_offers(w)
    staff = client_for("coop_admin")
    upload = offer_workbook([("Beispiel IT GmbH", "01", 0, None, 1, "gratis")])
    upload.name = "angebote.xlsx"
    response = staff.post(reverse("bundling:offers_import", args=[w["campaign"].pk]), {"file": upload}, follow=True)
    assert "Blatt Angebote, Zeile 2, Spalte Stückpreis (EUR, netto): „gratis“ ist kein Betrag" in (
        response.content.decode()
    )
    assert Offer.objects.count() == 4
    assert sorted(Offer.objects.values_list("tiers__unit_price", flat=True)) == [
        Decimal("150.00"),
        Decimal("160.00"),
        Decimal("810.00"),
        Decimal("820.00"),
        Decimal("880.00"),
        Decimal("900.00"),
    ]


@pytest.mark.parametrize("role", ["contract_manager", "requester", "other_requester", "supplier_user"])
def test_quotas_on_the_contract_page(campaign_world: dict[str, Any], client_for: Any, role: str) -> None:
    w = campaign_world
    contract = w["contract"]
    MemberQuota.objects.create(contract=contract, member=w["wernigerode"], article_pid="NB-1", quantity=30)
    MemberQuota.objects.create(contract=contract, member=w["zeitz"], article_pid="NB-1", quantity=11)
    response = client_for(role).get(reverse("contracts:detail", args=[contract.pk]))
    if role == "other_requester":  # Zeitz is not eligible for this contract
        assert response.status_code == 404
        return
    page = response.content.decode()
    shown = {
        "contract_manager": ["Stadt Wernigerode", "Stadt Zeitz"],
        "requester": ["Stadt Wernigerode"],
        "supplier_user": [],
    }[role]
    assert ("Kontingente aus der Bedarfsabfrage" in page) == bool(shown)
    assert [
        name for name in ("Stadt Wernigerode", "Stadt Zeitz") if f'<td class="kern-table__cell">{name}' in page
    ] == shown
