"""Task kinds of the office and of member admins: applications, service requests and their answers, billing
runs, unmailed and overdue invoices, campaigns (to answer and to evaluate), contract volumes and ends, failed
catalog imports — each appears when its condition holds and is gone when the work is done."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from conftest import make_user
from kitu.accounts.models import Organisation, User
from kitu.accounts.roles import Role
from kitu.billing import receivables, runs, subscriptions
from kitu.billing import selectors as billing
from kitu.billing.models import BillingRun, Invoice, InvoiceStatus, Price, Service, Subscription, SubscriptionRequest
from kitu.bundling import selectors as bundling
from kitu.bundling import services as bundling_services
from kitu.bundling.services import LineInput
from kitu.catalog import selectors as catalog
from kitu.catalog.models import CatalogImport
from kitu.contracts import selectors as contracts
from kitu.contracts import services as contract_services
from kitu.contracts.models import FrameworkContract, VolumeLimit
from kitu.members import selectors as members
from kitu.members import services as member_services

from .conftest import tasks_of, titles

D = dt.date


def test_an_application_is_the_offices_task_until_decided(world: dict[str, Any]) -> None:
    users = world["users"]
    applicant = member_services.member_apply(
        actor=users["coop_admin"],
        name="Gemeinde Ilsenburg",
        member_type="gemeinde",
        street="Markt 1",
        postcode="38871",
        city="Ilsenburg",
        application_date=D(2026, 11, 2),
        council_resolution_date=D(2026, 10, 1),
    )
    (task,) = tasks_of(users["coop_admin"], "membership_application")
    assert (task.title, task.url) == ("Aufnahmeantrag entscheiden: Gemeinde Ilsenburg", f"/mitglieder/{applicant.pk}/")
    for role in ("contract_manager", "member_admin", "requester", "other_member_admin"):
        assert tasks_of(users[role], "membership_application") == [], role
    member_services.member_admit(actor=users["coop_admin"], member=applicant, effective_date=timezone.localdate())
    assert tasks_of(users["coop_admin"], "membership_application") == []
    rejected = member_services.member_apply(
        actor=users["coop_admin"],
        name="Zweckverband Harz",
        member_type="zweckverband",
        street="Markt 2",
        postcode="38855",
        city="Wernigerode",
        application_date=D(2026, 11, 2),
        council_resolution_date=D(2026, 10, 1),
    )
    assert len(tasks_of(users["coop_admin"], "membership_application")) == 1
    member_services.member_reject(actor=users["coop_admin"], member=rejected, effective_date=timezone.localdate())
    assert tasks_of(users["coop_admin"], "membership_application") == []


def _service() -> Service:
    service = Service.objects.create(code="hosting", name="Hosting Fachverfahren", category="hosting", pricing="flat")
    Price.objects.create(service=service, valid_from=D(2024, 1, 1), amount=Decimal("1200.00"))
    return service


def test_a_service_request_is_the_offices_task_and_its_answer_the_member_admins(world: dict[str, Any]) -> None:
    users = world["users"]
    service = _service()
    request = subscriptions.request_create(
        actor=users["member_admin"],
        member=world["wernigerode"],
        kind="new",
        service=service,
        quantity=1,
        effective_from=timezone.localdate() + dt.timedelta(days=40),
    )
    assert titles(users["coop_admin"], "service_request") == [
        "Antrag entscheiden: neue Leistung „Hosting Fachverfahren“ von Stadt Wernigerode"
    ]
    assert tasks_of(users["member_admin"], "request_answered") == []
    subscriptions.request_decide(actor=users["coop_admin"], request=request, approve=True)
    assert tasks_of(users["coop_admin"], "service_request") == []
    (answer,) = tasks_of(users["member_admin"], "request_answered")
    assert answer.title == "Ihr Antrag „neue Leistung: Hosting Fachverfahren“ wurde genehmigt"
    assert answer.url == "/leistungen/abonnements/"
    for role in ("other_member_admin", "requester", "approver", "coop_admin"):
        assert tasks_of(users[role], "request_answered") == [], role
    # "recently": two weeks after the decision it is gone
    SubscriptionRequest.objects.filter(pk=request.pk).update(decided_at=timezone.now() - dt.timedelta(days=15))
    assert tasks_of(users["member_admin"], "request_answered") == []


def _invoice(member: Any, number: str, due: dt.date, **fields: Any) -> Invoice:
    return Invoice.objects.create(
        member=member,
        leitweg_id="04011000-1234512345-06",
        number=number,
        status=InvoiceStatus.ISSUED,
        issue_date=due - dt.timedelta(days=30),
        issued_at=timezone.now() - dt.timedelta(days=30),
        due_date=due,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 31),
        net_total=Decimal("100.00"),
        gross_total=Decimal("119.00"),
        **fields,
    )


def test_an_overdue_invoice_is_the_member_admins_task_until_paid(world: dict[str, Any]) -> None:
    users = world["users"]
    today = timezone.localdate()
    overdue = _invoice(world["wernigerode"], "RE-2026-00001", today - dt.timedelta(days=3), mailed_at=timezone.now())
    _invoice(world["wernigerode"], "RE-2026-00002", today + dt.timedelta(days=3), mailed_at=timezone.now())
    _invoice(world["zeitz"], "RE-2026-00003", today - dt.timedelta(days=3), mailed_at=timezone.now())
    (task,) = tasks_of(users["member_admin"], "invoice_overdue")
    assert (task.title, task.due) == ("Rechnung RE-2026-00001 ist überfällig: 119,00\u00a0€ offen", overdue.due_date)
    assert task.url == f"/leistungen/rechnungen/{overdue.pk}/"
    assert titles(users["other_member_admin"], "invoice_overdue") == [
        "Rechnung RE-2026-00003 ist überfällig: 119,00\u00a0€ offen"
    ]
    assert tasks_of(users["requester"], "invoice_overdue") == []
    receivables.payment_record(actor=users["coop_admin"], invoice=overdue, amount=Decimal("119.00"), paid_on=today)
    assert tasks_of(users["member_admin"], "invoice_overdue") == []


def test_billing_runs_and_unmailed_invoices_are_the_offices_tasks(world: dict[str, Any]) -> None:
    users = world["users"]
    admin = users["coop_admin"]
    run = BillingRun.objects.create(period="2026-11", period_start=D(2026, 11, 1), period_end=D(2026, 11, 30))
    assert titles(admin, "billing_run") == ["Abrechnungslauf 2026-11 prüfen"]
    runs.run_review(actor=admin, run=run)
    assert titles(admin, "billing_run") == ["Abrechnungslauf 2026-11 ausstellen und versenden"]
    assert tasks_of(users["contract_manager"], "billing_run") == []
    runs.run_issue(actor=admin, run=run, mail=False)
    assert tasks_of(admin, "billing_run") == []
    first = _invoice(world["wernigerode"], "RE-2026-00010", D(2026, 12, 30))
    _invoice(world["zeitz"], "RE-2026-00011", D(2026, 12, 30))
    (task,) = tasks_of(admin, "invoices_unmailed")
    assert (task.title, task.url) == ("2 ausgestellte Rechnungen sind noch nicht versandt", "/leistungen/abrechnung/")
    assert tasks_of(users["member_admin"], "invoices_unmailed") == []
    Invoice.objects.filter(pk=first.pk).update(mailed_at=timezone.now(), mailed_to="rechnung@example.org")
    assert titles(admin, "invoices_unmailed") == ["1 ausgestellte Rechnung ist noch nicht versandt"]
    Invoice.objects.update(mailed_at=timezone.now())
    assert tasks_of(admin, "invoices_unmailed") == []


def test_a_campaign_is_a_task_to_answer_then_to_evaluate(campaign_world: dict[str, Any]) -> None:
    w = campaign_world
    users = w["users"]
    campaign = w["campaign"]
    (task,) = tasks_of(users["requester"], "demand_report")
    assert (task.title, task.due, task.url) == (
        "Bedarf melden: IT 2027 (für Stadt Wernigerode)",
        campaign.closes_on,
        f"/bedarfsbuendelung/{campaign.pk}/",
    )
    assert titles(users["member_admin"], "demand_report") == [task.title]
    assert titles(users["other_requester"], "demand_report") == ["Bedarf melden: IT 2027 (für Stadt Zeitz)"]
    assert tasks_of(users["coop_admin"], "demand_report") == []
    line = LineInput(item=w["items"]["01"], quantity=5, delivery_quarter=1)
    bundling_services.report_save(actor=users["requester"], campaign=campaign, member=w["wernigerode"], lines=[line])
    assert tasks_of(users["requester"], "demand_report") == []
    assert tasks_of(users["member_admin"], "demand_report") == []
    assert len(tasks_of(users["other_requester"], "demand_report")) == 1  # Zeitz has not answered
    # past the deadline: the office's task until evaluated
    assert tasks_of(users["coop_admin"], "campaign_evaluation") == []
    type(campaign).objects.filter(pk=campaign.pk).update(closes_on=w["today"] - dt.timedelta(days=1))
    assert tasks_of(users["other_requester"], "demand_report") == []  # too late to answer
    (evaluate,) = tasks_of(users["contract_manager"], "campaign_evaluation")
    assert evaluate.title.startswith("Bedarfsabfrage auswerten: IT 2027 (Meldeschluss war der ")
    assert titles(users["coop_admin"], "campaign_evaluation") == [evaluate.title]
    assert tasks_of(users["member_admin"], "campaign_evaluation") == []
    campaign.refresh_from_db()
    bundling_services.campaign_close(actor=users["coop_admin"], campaign=campaign)
    assert len(tasks_of(users["coop_admin"], "campaign_evaluation")) == 1  # closed is not evaluated
    bundling_services.campaign_evaluate(actor=users["coop_admin"], campaign=campaign)
    assert tasks_of(users["coop_admin"], "campaign_evaluation") == []


def test_contract_volume_at_80_percent_is_a_task_until_the_maximum_is_raised(contract_world: dict[str, Any]) -> None:
    w = contract_world
    users = w["users"]
    limit = w["lot_limit"]  # at most 100 pieces and 150,000 EUR
    VolumeLimit.objects.filter(pk=limit.pk).update(consumed_quantity=70, reserved_quantity=9)
    assert tasks_of(users["contract_manager"], "contract_volume") == []  # 79 %
    VolumeLimit.objects.filter(pk=limit.pk).update(reserved_quantity=10)
    (task,) = tasks_of(users["contract_manager"], "contract_volume")
    assert task.title == "Rahmenvertrag RV-2025-01, Los 1: 80 % der Höchstmenge ausgeschöpft"
    assert task.url == f"/rahmenvertraege/{w['contract'].pk}/"
    assert titles(users["coop_admin"], "contract_volume") == [task.title]
    for role in ("member_admin", "supplier_user", "requester"):
        assert tasks_of(users[role], "contract_volume") == [], role
    contract_services.limit_save(actor=users["contract_manager"], lot=w["lot"], limit=limit, max_quantity=130)
    assert tasks_of(users["contract_manager"], "contract_volume") == []


def test_a_contract_ending_within_90_days_is_a_task(contract_world: dict[str, Any]) -> None:
    users = contract_world["users"]
    contract = contract_world["contract"]
    today = timezone.localdate()
    assert tasks_of(users["contract_manager"], "contract_ending") == []
    FrameworkContract.objects.filter(pk=contract.pk).update(ends_on=today + dt.timedelta(days=90))
    (task,) = tasks_of(users["contract_manager"], "contract_ending")
    assert task.title == (
        f"Rahmenvertrag RV-2025-01 „Notebooks und Dockingstationen“ endet am "
        f"{today + dt.timedelta(days=90):%d.%m.%Y}: Anschluss planen"
    )
    assert task.due == today + dt.timedelta(days=90)
    assert tasks_of(users["member_admin"], "contract_ending") == []
    assert tasks_of(users["supplier_user"], "contract_ending") == []
    # the draft contract (not published) is nobody's task, whatever its term
    FrameworkContract.objects.filter(pk=contract_world["draft"].pk).update(ends_on=today + dt.timedelta(days=10))
    assert len(tasks_of(users["contract_manager"], "contract_ending")) == 1
    FrameworkContract.objects.filter(pk=contract.pk).update(ends_on=today + dt.timedelta(days=91))  # extended
    assert tasks_of(users["contract_manager"], "contract_ending") == []


def test_a_failed_import_is_a_task_until_an_import_of_the_contract_succeeds(contract_world: dict[str, Any]) -> None:
    users = contract_world["users"]
    contract = contract_world["contract"]
    failed = CatalogImport.objects.create(contract=contract, filename="katalog.xml", status=CatalogImport.Status.FAILED)
    CatalogImport.objects.create(contract=contract, filename="probe.xml", status="failed", dry_run=True)
    (task,) = tasks_of(users["contract_manager"], "catalog_import_failed")
    assert (task.title, task.url) == (
        "Katalogimport fehlgeschlagen: katalog.xml für Rahmenvertrag RV-2025-01",
        f"/katalog/import/ergebnis/{failed.pk}/",
    )
    assert tasks_of(users["supplier_user"], "catalog_import_failed") == []
    assert tasks_of(users["member_admin"], "catalog_import_failed") == []
    CatalogImport.objects.create(contract=contract, filename="katalog2.xml", status=CatalogImport.Status.SUCCEEDED)
    assert tasks_of(users["contract_manager"], "catalog_import_failed") == []


def test_nobody_else_gets_the_offices_tasks(world: dict[str, Any]) -> None:
    """A member admin who is also on a supplier's staff still has no office tasks."""
    users = world["users"]
    both = make_user(
        "beides@test.example",
        [
            (world["wernigerode"].organisation, Role.MEMBER_ADMIN),
            (Organisation.objects.get(kind="supplier"), Role.SUPPLIER_USER),
        ],
    )
    BillingRun.objects.create(period="2026-11", period_start=D(2026, 11, 1), period_end=D(2026, 11, 30))
    assert tasks_of(both) == []
    assert [t.kind for t in tasks_of(users["coop_admin"])] == ["billing_run"]
    assert Subscription.objects.count() == 0


def test_each_office_selector_checks_the_permission_itself(contract_world: dict[str, Any]) -> None:
    """Without the registry's role map: the selectors answer nothing to a member admin or a supplier even
    when there is work for the office."""
    w = contract_world
    users = w["users"]
    today = timezone.localdate()
    member_services.member_apply(
        actor=users["coop_admin"],
        name="Gemeinde Ilsenburg",
        member_type="gemeinde",
        street="Markt 1",
        postcode="38871",
        city="Ilsenburg",
        application_date=D(2026, 11, 2),
        council_resolution_date=D(2026, 10, 1),
    )
    SubscriptionRequest.objects.create(
        member=w["wernigerode"], kind="new", service=_service(), effective_from=today, quantity=1
    )
    BillingRun.objects.create(period="2026-11", period_start=D(2026, 11, 1), period_end=D(2026, 11, 30))
    _invoice(w["zeitz"], "RE-2026-00099", today + dt.timedelta(days=9))  # issued, not mailed
    VolumeLimit.objects.filter(pk=w["lot_limit"].pk).update(consumed_quantity=90)
    FrameworkContract.objects.filter(pk=w["contract"].pk).update(ends_on=today + dt.timedelta(days=30))
    CatalogImport.objects.create(contract=w["contract"], filename="k.xml", status=CatalogImport.Status.FAILED)
    campaign = bundling_services.campaign_save(
        actor=users["coop_admin"],
        title="Drucker",
        opens_on=today - dt.timedelta(days=20),
        closes_on=today - dt.timedelta(days=1),
        eligible_members=[w["wernigerode"]],
        today=today - dt.timedelta(days=20),
    )
    type(campaign).objects.filter(pk=campaign.pk).update(state="closed")
    office_selectors = (
        members.application_tasks,
        billing.request_tasks,
        billing.run_tasks,
        billing.unmailed_tasks,
        contracts.volume_tasks,
        contracts.ending_contract_tasks,
        catalog.failed_import_tasks,
        bundling.evaluation_tasks,
    )
    for selector in office_selectors:
        assert selector(users["coop_admin"]), selector.__name__  # there is work
        for role in ("member_admin", "supplier_user", "requester", "approver", "case_worker"):
            assert not selector(User.objects.get(pk=users[role].pk)), (selector.__name__, role)
