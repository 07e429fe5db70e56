"""Campaign life cycle, deadlines, reminders, reports, aggregate, tender export, offers, optimiser runs
and the award into a draft framework contract."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from conftest import make_campaign
from kitu.accounts.models import Organisation
from kitu.accounts.roles import OrgKind
from kitu.bundling import selectors, services, xlsx
from kitu.bundling.models import Campaign, CampaignState, DemandLine, DemandReport, Offer, OfferLot, OptimisationRun
from kitu.bundling.tasks import campaign_tick
from kitu.contracts.models import FrameworkContract, MemberQuota, Supplier
from kitu.core.errors import DomainError, PermissionDenied

pytestmark = pytest.mark.django_db
D = dt.date
L = services.LineInput


def second_supplier() -> Supplier:
    org = Organisation.objects.create(kind=OrgKind.SUPPLIER, name="Harz Büro- und Drucksysteme GmbH")
    return Supplier.objects.create(
        organisation=org, street="Am Markt 2", postcode="38820", city="Halberstadt", order_email="b@harz.example"
    )


def report_demo(w: dict[str, Any], today: D) -> None:
    """Wernigerode: 30 notebooks (Q1), 20 monitors (Q2); Zeitz: 10 notebooks (Q1)."""
    c, items = w["campaign"], w["items"]
    services.report_save(
        actor=w["users"]["requester"],
        campaign=c,
        member=w["wernigerode"],
        lines=[
            L(items["01"], 30, 1, w["centres"][0], True, "Ersatz Verwaltung"),
            L(items["02"], 20, 2, w["centres"][1], False),
        ],
        today=today,
    )
    services.report_save(
        actor=w["users"]["other_requester"],
        campaign=c,
        member=w["zeitz"],
        lines=[L(items["01"], 10, 1, w["z_centre"], True)],
        today=today,
    )


def enter_offers(w: dict[str, Any]) -> Supplier:
    """A: notebooks 900 (from 1) / 820 (from 30), monitors 160. B: notebooks 880 / 810 (from 40, at most
    50), monitors 150."""
    a, b = w["supplier"], second_supplier()
    items, admin, c = w["items"], w["admin"], w["campaign"]
    for offer in (
        services.OfferInput(a, items["01"], 0, None, [(1, Decimal("900")), (30, Decimal("820"))]),
        services.OfferInput(a, items["02"], 0, None, [(1, Decimal("160"))]),
        services.OfferInput(b, items["01"], 0, 50, [(1, Decimal("880")), (40, Decimal("810"))]),
        services.OfferInput(b, items["02"], 0, None, [(1, Decimal("150"))]),
    ):
        services.offer_save(actor=admin, campaign=c, offer=offer)
    return b


def test_opening_mails_the_eligible_members_and_the_reminder_only_those_silent(
    contract_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w, admin = contract_world, contract_world["admin"]
    campaign = make_campaign(
        admin, [w["wernigerode"], w["zeitz"]], opens=D(2026, 10, 1), closes=D(2026, 10, 31), title="Notebooks 2027"
    )
    with pytest.raises(DomainError, match=r"beginnt erst am 01\.10\.2026"):
        services.campaign_open(actor=admin, campaign=campaign, today=D(2026, 9, 30))
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_open(actor=admin, campaign=campaign, today=D(2026, 10, 1))
    assert Campaign.objects.get(pk=campaign.pk).state == CampaignState.OPEN
    assert sorted(tuple(m.to) for m in mail.outbox) == [
        ("approver@test.example", "memberadmin@test.example", "requester@test.example"),
        ("memberadmin.zeitz@test.example", "requester.zeitz@test.example"),
    ]
    assert all(
        "Meldeschluss: 31.10.2026" in m.body and f"/bedarfsbuendelung/{campaign.pk}/meldung/" in m.body
        for m in mail.outbox
    )
    mail.outbox.clear()
    item = campaign.items.get(code="01")
    services.report_save(
        actor=w["users"]["requester"],
        campaign=campaign,
        member=w["wernigerode"],
        lines=[L(item, 5, 1)],
        today=D(2026, 10, 20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaigns_tick(today=D(2026, 10, 23)) == {"closed": 0, "reminded": 0}  # 8 days before
        assert services.campaigns_tick(today=D(2026, 10, 24)) == {"closed": 0, "reminded": 1}
        assert services.campaigns_tick(today=D(2026, 10, 25)) == {"closed": 0, "reminded": 0}  # once only
    assert [m.to for m in mail.outbox] == [["memberadmin.zeitz@test.example", "requester.zeitz@test.example"]]
    assert mail.outbox[0].subject == "Erinnerung: Bedarfsabfrage „Notebooks 2027“ endet am 31.10.2026"
    assert services.campaigns_tick(today=D(2026, 10, 31)) == {"closed": 0, "reminded": 0}  # the last day is open
    assert services.campaigns_tick(today=D(2026, 11, 1)) == {"closed": 1, "reminded": 0}
    assert Campaign.objects.get(pk=campaign.pk).state == CampaignState.CLOSED


def test_reports_are_accepted_up_to_the_close_date_and_not_a_day_later(contract_world: dict[str, Any]) -> None:
    w, admin = contract_world, contract_world["admin"]
    campaign = make_campaign(admin, [w["wernigerode"]], opens=D(2026, 10, 1), closes=D(2026, 10, 31), title="X")
    item = campaign.items.get(code="01")
    report = {"actor": w["users"]["approver"], "campaign": campaign, "member": w["wernigerode"]}
    with pytest.raises(DomainError, match="geschlossen"):  # still a draft
        services.report_save(**report, lines=[L(item, 1, 1)], today=D(2026, 10, 2))
    services.campaign_open(actor=admin, campaign=campaign, today=D(2026, 10, 1))
    services.report_save(**report, lines=[L(item, 3, 2)], today=D(2026, 10, 31))
    # the tick has not run yet: the state is still "open", the date decides
    with pytest.raises(DomainError, match="geschlossen"):
        services.report_save(**report, lines=[L(item, 99, 2)], today=D(2026, 11, 1))
    assert list(DemandLine.objects.values_list("quantity", "delivery_quarter")) == [(3, 2)]
    services.campaign_close(actor=admin, campaign=campaign)
    with pytest.raises(DomainError, match="geschlossen"):
        services.report_save(**report, no_demand=True, lines=[], today=D(2026, 10, 30))


def test_a_report_is_changed_until_the_close_and_no_demand_is_an_answer(campaign_world: dict[str, Any]) -> None:
    w, today, items = campaign_world, campaign_world["today"], campaign_world["items"]
    args = {"campaign": w["campaign"], "member": w["wernigerode"], "today": today}
    services.report_save(actor=w["users"]["requester"], lines=[L(items["01"], 12, 3)], **args)
    services.report_save(
        actor=w["users"]["member_admin"], lines=[L(items["02"], 4, 4, w["centres"][1], True, "Schule")], **args
    )
    report = DemandReport.objects.get()
    assert report.submitted_by == w["users"]["member_admin"] and not report.no_demand
    assert list(
        report.lines.values_list(
            "item__code", "quantity", "delivery_quarter", "cost_centre__code", "budget_secured", "comment"
        )
    ) == [("02", 4, 4, "40-200", True, "Schule")]
    services.report_save(actor=w["users"]["approver"], lines=[], no_demand=True, **args)
    assert DemandReport.objects.get().no_demand and not DemandLine.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"no_demand": True}, "nicht beides"),
        ({"lines": []}, "mindestens eine Menge"),
        ({"quantity": 0}, "mindestens 1"),
        ({"quarter": 5}, "Lieferquartal"),
        ({"foreign_centre": True}, "Kostenstelle gehört nicht"),
        ({"foreign_item": True}, "gehört nicht zu dieser Abfrage"),
    ],
)
def test_bad_reports_are_refused_and_change_nothing(
    campaign_world: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    w, items = campaign_world, campaign_world["items"]
    item = w["draft_campaign"].items.get(code="01") if change.get("foreign_item") else items["01"]
    centre = w["z_centre"] if change.get("foreign_centre") else None
    line = L(item, change.get("quantity", 2), change.get("quarter", 1), centre)
    with pytest.raises(DomainError, match=message):
        services.report_save(
            actor=w["users"]["requester"],
            campaign=w["campaign"],
            member=w["wernigerode"],
            lines=change.get("lines", [line]),
            no_demand=change.get("no_demand", False),
            today=w["today"],
        )
    assert not DemandReport.objects.exists()


def test_only_the_members_own_answering_users_report(campaign_world: dict[str, Any]) -> None:
    w = campaign_world
    for role in ("other_requester", "case_worker", "workgroup_member", "supplier_user"):
        with pytest.raises(PermissionDenied):
            services.report_save(
                actor=w["users"][role],
                campaign=w["campaign"],
                member=w["wernigerode"],
                lines=[L(w["items"]["01"], 1, 1)],
                today=w["today"],
            )
    assert not DemandReport.objects.exists()
    # the office records an answer received by letter
    services.report_save(
        actor=w["users"]["contract_manager"],
        campaign=w["campaign"],
        member=w["wernigerode"],
        lines=[],
        no_demand=True,
        today=w["today"],
    )
    assert DemandReport.objects.get().submitted_by == w["users"]["contract_manager"]


def test_aggregate_and_tender_export(campaign_world: dict[str, Any]) -> None:
    w = campaign_world
    report_demo(w, w["today"])
    agg = selectors.aggregate(w["campaign"])
    assert [
        (t.item.code, t.quantity, t.by_quarter, t.max_quantity, t.members, t.budget_secured) for t in agg.items
    ] == [
        ("01", 40, [40, 0, 0, 0], 52, 2, 40),
        ("02", 20, [0, 20, 0, 0], 26, 1, 0),
    ]
    assert agg.estimated_value == Decimal("850.00") * 40 + Decimal("149.90") * 20
    assert [(r.member.name, r.status, r.quantities) for r in agg.members] == [
        ("Stadt Wernigerode", "reported", [30, 20]),
        ("Stadt Zeitz", "reported", [10, 0]),
    ]
    wb = load_workbook(io.BytesIO(xlsx.tender_workbook(w["campaign"], agg)))
    rows = list(wb["Mengen"].iter_rows(values_only=True))
    assert rows[0][4:6] == ("Schätzmenge", "Höchstmenge (130 %)")
    assert rows[1][:6] == ("01", "Notebook 14 Zoll Standardkonfiguration", None, "Stück", 40, 52)
    assert rows[1][-3:] == (850, 34000, 44200)
    assert rows[2][4:10] == (20, 26, 0, 20, 0, 0)
    assert list(wb["Mitglieder"].iter_rows(values_only=True)) == [
        ("Mitglied", "Status", "01", "02"),
        ("Stadt Wernigerode", "gemeldet", 30, 20),
        ("Stadt Zeitz", "gemeldet", 10, 0),
    ]


def test_edits_follow_the_state(campaign_world: dict[str, Any]) -> None:
    w, admin = campaign_world, campaign_world["admin"]
    c = w["campaign"]
    with pytest.raises(DomainError, match="Status"):
        services.item_save(actor=admin, campaign=c, code="03", title="Dockingstation")
    with pytest.raises(DomainError, match="nicht mehr änderbar"):
        services.campaign_save(actor=admin, campaign=c, opens_on=w["today"])
    with pytest.raises(DomainError, match="nicht mehr änderbar"):
        services.campaign_save(actor=admin, campaign=c, eligible_members=[w["wernigerode"]])
    later = w["today"] + dt.timedelta(days=20)
    services.campaign_save(actor=admin, campaign=c, closes_on=later, title="IT 2027 (verlängert)")
    assert Campaign.objects.filter(pk=c.pk, closes_on=later, title="IT 2027 (verlängert)").exists()
    with pytest.raises(DomainError, match="Vergangenheit"):
        services.campaign_save(actor=admin, campaign=c, closes_on=w["today"] - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="Status"):
        services.campaign_evaluate(actor=admin, campaign=c)
    services.campaign_close(actor=admin, campaign=c)
    with pytest.raises(DomainError, match="kein Bedarf"):
        services.campaign_evaluate(actor=admin, campaign=c)
    with pytest.raises(DomainError, match="Status"):
        services.campaign_save(actor=admin, campaign=c, title="zu spät")
    draft = w["draft_campaign"]
    with pytest.raises(DomainError, match=r"Pos\.-Nr\."):
        services.item_save(actor=admin, campaign=draft, code="01", title="doppelt")
    empty = services.campaign_save(actor=admin, title="leer", opens_on=w["today"], closes_on=w["today"])
    with pytest.raises(DomainError, match="Position"):
        services.campaign_open(actor=admin, campaign=empty, today=w["today"])


def test_offers_optimiser_and_award_into_a_draft_contract(campaign_world: dict[str, Any]) -> None:
    w, admin, c = campaign_world, campaign_world["admin"], campaign_world["campaign"]
    report_demo(w, w["today"])
    services.campaign_close(actor=admin, campaign=c)
    b = enter_offers(w)
    run = services.optimiser_run(actor=admin, campaign=c)
    # notebooks: 40 at B's 810 (32,400) beat A's 40 × 820 and every split; monitors: 20 at B's 150
    assert run.status == "optimal" and run.total_cost == Decimal("35400.00")
    assert run.result["awards"] == [
        {"supplier": str(b.pk), "item": "01", "quantity": 40, "unit_price": "810.00"},
        {"supplier": str(b.pk), "item": "02", "quantity": 20, "unit_price": "150.00"},
    ]
    report = selectors.run_report(run)
    # alone: Wernigerode 30 × 820 (A) + 20 × 150 = 27,600; Zeitz 10 × 880 (B) = 8,800
    assert [(m.member, m.spend_alone, m.spend, m.savings, m.share) for m in report.members] == [
        ("Stadt Wernigerode", Decimal("27600.00"), Decimal("27300.00"), Decimal("300.00"), Decimal("771.19")),
        ("Stadt Zeitz", Decimal("8800.00"), Decimal("8100.00"), Decimal("700.00"), Decimal("228.81")),
    ]
    assert report.savings == Decimal("1000.00")
    award: dict[str, Any] = {
        "number": "RV-2027-05",
        "title": "IT 2027",
        "legal_basis": "vgv21",
        "starts_on": D(2027, 1, 1),
        "ends_on": D(2030, 12, 31),
    }
    with pytest.raises(DomainError, match="Status"):  # not evaluated yet
        services.campaign_award(actor=admin, campaign=c, run=run, **award)
    services.campaign_evaluate(actor=admin, campaign=c)
    services.offer_save(
        actor=admin,
        campaign=c,
        offer=services.OfferInput(w["supplier"], w["items"]["02"], 0, None, [(1, Decimal("149"))]),
    )
    with pytest.raises(DomainError, match="geändert"):
        services.campaign_award(actor=admin, campaign=Campaign.objects.get(pk=c.pk), run=run, **award)
    assert not FrameworkContract.objects.filter(number="RV-2027-05").exists()
    services.offer_save(  # back to the offer the run was computed with
        actor=admin,
        campaign=c,
        offer=services.OfferInput(w["supplier"], w["items"]["02"], 0, None, [(1, Decimal("160"))]),
    )
    contract = services.campaign_award(actor=admin, campaign=Campaign.objects.get(pk=c.pk), run=run, **award)
    assert contract.published_at is None and list(contract.suppliers.all()) == [b]
    assert sorted(m.name for m in contract.eligible_members.all()) == ["Stadt Wernigerode", "Stadt Zeitz"]
    lots = list(contract.lots.all())
    assert [(lot.number, lot.title, lot.supplier) for lot in lots] == [
        (1, "Notebook 14 Zoll Standardkonfiguration, Monitor 24 Zoll", b)
    ]
    assert list(
        contract.limits.order_by("article_pid").values_list(
            "article_pid", "estimated_quantity", "max_quantity", "estimated_value", "max_value"
        )
    ) == [
        ("", None, None, Decimal("35400.00"), Decimal("46020.00")),
        ("01", 40, 52, None, None),
        ("02", 20, 26, None, None),
    ]
    assert sorted(MemberQuota.objects.values_list("member__organisation__name", "article_pid", "quantity")) == [
        ("Stadt Wernigerode", "01", 30),
        ("Stadt Wernigerode", "02", 20),
        ("Stadt Zeitz", "01", 10),
    ]
    c = Campaign.objects.get(pk=c.pk)
    assert c.state == CampaignState.AWARDED and c.contract == contract
    with pytest.raises(DomainError, match="Status"):
        services.campaign_award(actor=admin, campaign=c, run=run, **{**award, "number": "RV-X"})


def test_infeasible_offers_give_a_run_that_names_the_item(campaign_world: dict[str, Any]) -> None:
    w, admin, c = campaign_world, campaign_world["admin"], campaign_world["campaign"]
    report_demo(w, w["today"])
    services.campaign_close(actor=admin, campaign=c)
    with pytest.raises(DomainError, match="Angebote"):
        services.optimiser_run(actor=admin, campaign=c)
    services.offer_save(
        actor=admin,
        campaign=c,
        offer=services.OfferInput(w["supplier"], w["items"]["01"], 0, 25, [(1, Decimal("900"))]),
    )
    run = services.optimiser_run(actor=admin, campaign=c)
    assert run.status == "infeasible" and run.total_cost is None
    assert run.result["message"] == "item '01': demand 40 exceeds the total capacity 25 of all offers"
    assert selectors.infeasible_text(run.result["message"]) == (
        "Position 01: Bedarf 40 übersteigt die Höchstmengen aller Angebote zusammen (25)."
    )


def offer_workbook(rows: list[tuple[Any, ...]], lots: list[tuple[Any, ...]] = ()) -> io.BytesIO:  # type: ignore[assignment]
    wb = Workbook()
    ws = wb.active
    ws.title = xlsx.OFFER_SHEET
    ws.append(xlsx.OFFER_HEADER)
    for row in rows:
        ws.append(row)
    lot_ws = wb.create_sheet(xlsx.LOT_SHEET)
    lot_ws.append(xlsx.LOT_HEADER)
    for row in lots:
        lot_ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_offer_import_replaces_all_offers_or_names_every_error(campaign_world: dict[str, Any]) -> None:
    admin, c = campaign_world["admin"], campaign_world["campaign"]
    services.campaign_close(actor=admin, campaign=c)
    b = second_supplier()
    good = offer_workbook(
        [
            ("Beispiel IT GmbH", "01", 0, None, 1, 900),
            ("Beispiel IT GmbH", "01", 0, None, 30, "819,50"),
            ("beispiel it gmbh", "02", 5, 100, 1, 160.5),
            ("Harz Büro- und Drucksysteme GmbH", "01", 0, 50, 1, 880),
            ("Harz Büro- und Drucksysteme GmbH", "02", 0, None, 1, 150),
        ],
        [("Harz Büro- und Drucksysteme GmbH", "Komplettlos", "01, 02")],
    )
    offers, lots = xlsx.read_offers(c, good)
    assert services.offers_replace(actor=admin, campaign=c, offers=offers, lots=lots) == 4
    assert [
        (
            o.supplier.name,
            o.item.code,
            o.min_quantity,
            o.max_quantity,
            [(t.min_quantity, t.unit_price) for t in o.tiers.all()],
        )
        for o in selectors.offers_of(c)
    ] == [
        ("Beispiel IT GmbH", "01", 0, None, [(1, Decimal("900.00")), (30, Decimal("819.50"))]),
        ("Harz Büro- und Drucksysteme GmbH", "01", 0, 50, [(1, Decimal("880.00"))]),
        ("Beispiel IT GmbH", "02", 5, 100, [(1, Decimal("160.50"))]),
        ("Harz Büro- und Drucksysteme GmbH", "02", 0, None, [(1, Decimal("150.00"))]),
    ]
    assert [(lot.supplier, lot.name, sorted(i.code for i in lot.items.all())) for lot in OfferLot.objects.all()] == [
        (b, "Komplettlos", ["01", "02"])
    ]
    bad = offer_workbook(
        [
            ("Unbekannt AG", "01", 0, None, 1, 900),
            ("Beispiel IT GmbH", "99", 0, None, 1, 900),
            ("Beispiel IT GmbH", "02", 0, None, "eins", "teuer"),
            ("Beispiel IT GmbH", "01", 0, None, 1, 900),
            ("Beispiel IT GmbH", "01", 3, None, 10, 800),
            ("Harz Büro- und Drucksysteme GmbH", "02", 0, None, 1, 1.234),
        ],
        [("Harz Büro- und Drucksysteme GmbH", "", "01, 77")],
    )
    with pytest.raises(DomainError) as exc:
        xlsx.read_offers(c, bad)
    assert exc.value.message.split(" · ") == [
        "Blatt Angebote, Zeile 2, Spalte Lieferant: „Unbekannt AG“ ist kein erfasster Lieferant",
        "Blatt Angebote, Zeile 3, Spalte Pos.-Nr.: „99“ ist keine Position der Abfrage",
        "Blatt Angebote, Zeile 4, Spalte Staffel ab Menge: „eins“ ist keine ganze Zahl",
        "Blatt Angebote, Zeile 4, Spalte Stückpreis (EUR, netto): „teuer“ ist kein Betrag",
        "Blatt Angebote, Zeile 6, Spalte Mindestmenge: weicht von Zeile 5 desselben Angebots ab",
        "Blatt Angebote, Zeile 7, Spalte Stückpreis (EUR, netto): „1.234“: ein Betrag ≥ 0 mit höchstens zwei "
        "Nachkommastellen",
        "Blatt Lose, Zeile 2, Spalte Los: fehlt",
        "Blatt Lose, Zeile 2, Spalte Pos.-Nr.: unbekannt: 77",
    ]
    assert Offer.objects.count() == 4  # nothing changed
    with pytest.raises(DomainError, match="keine lesbare XLSX"):
        xlsx.read_offers(c, io.BytesIO(b"not a workbook"))


def test_offer_template_lists_every_supplier_and_position(campaign_world: dict[str, Any]) -> None:
    c = campaign_world["campaign"]
    wb = load_workbook(io.BytesIO(xlsx.offer_template(c, [campaign_world["supplier"]])))
    assert list(wb[xlsx.OFFER_SHEET].iter_rows(values_only=True)) == [
        xlsx.OFFER_HEADER,
        ("Beispiel IT GmbH", "01", 0, None, 1, None),
        ("Beispiel IT GmbH", "02", 0, None, 1, None),
    ]
    # the template, filled in, imports
    ws = wb[xlsx.OFFER_SHEET]
    ws["F2"], ws["F3"] = 900, 150
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    offers, lots = xlsx.read_offers(c, out)
    assert [(o.item.code, o.tiers) for _w, o in offers] == [
        ("01", [(1, Decimal("900"))]),
        ("02", [(1, Decimal("150"))]),
    ]
    assert lots == []
    assert not OptimisationRun.objects.exists()


def test_tick_command_and_task_close_what_is_due(campaign_world: dict[str, Any]) -> None:
    c = campaign_world["campaign"]
    Campaign.objects.filter(pk=c.pk).update(opens_on=D(2026, 1, 1), closes_on=D(2026, 2, 1))
    out = io.StringIO()
    call_command("campaign_tick", stdout=out)
    assert out.getvalue() == "closed: 1, members reminded: 0\n"
    assert Campaign.objects.get(pk=c.pk).state == CampaignState.CLOSED
    assert campaign_tick.delay().get() == {"closed": 0, "reminded": 0}
