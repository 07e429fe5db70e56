"""Requests in the member's cockpit (new service, quantity change, cancellation) and the office's decision;
price changes; no change may reach into days already billed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kitu.billing import runs, subscriptions
from kitu.billing.models import Price, QuantityChange, Service, Subscription, SubscriptionRequest
from kitu.core.errors import DomainError, PermissionDenied
from kitu.members.models import CostCentre

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 22)


def test_a_new_service_is_requested_in_the_cockpit_and_approved(billing_world: dict[str, Any], client_for: Any) -> None:
    w = billing_world
    centre = CostCentre.objects.create(member=w["wernigerode"], code="1.1.4-IT", name="IT")
    hosting = Service.objects.get(code="hosting-fv")
    response = client_for("member_admin").post(
        "/leistungen/beantragen/",
        {
            "member": w["wernigerode"].pk,
            "service": hosting.pk,
            "quantity": "1",
            "effective_from": "2027-01-01",
            "cost_centre": centre.pk,
            "note": "zweites Fachverfahren",
        },
    )
    assert response["Location"] == "/leistungen/abonnements/"
    request = SubscriptionRequest.objects.get()
    assert (request.kind, request.status, request.requested_by) == ("new", "pending", w["users"]["member_admin"])
    # Zeitz's admin cannot request for Wernigerode: the form offers only its own member
    client_for("other_member_admin").post(
        "/leistungen/beantragen/",
        {"member": w["wernigerode"].pk, "service": hosting.pk, "quantity": "1", "effective_from": "2027-01-01"},
    )
    assert SubscriptionRequest.objects.count() == 1
    page = client_for("coop_admin").get("/leistungen/abonnements/").content.decode()
    assert "zweites Fachverfahren" in page
    client_for("coop_admin").post(f"/leistungen/antraege/{request.pk}/entscheiden/", {"decision": "approve"})
    request.refresh_from_db()
    created = Subscription.objects.get(starts_on=D(2027, 1, 1))
    assert (request.status, created.member, created.service, created.cost_centre) == (
        "approved",
        w["wernigerode"],
        hosting,
        centre,
    )
    assert list(created.changes.values_list("effective_from", "quantity")) == [(D(2027, 1, 1), 1)]


def test_change_and_cancellation_rules(billing_world: dict[str, Any]) -> None:
    w = billing_world
    admin, ap = w["users"]["member_admin"], w["subs"]["ap"]
    with pytest.raises(DomainError, match=r"frühestens zum 28\.02\.2027"):  # 3 months' notice to a month's end
        subscriptions.request_create(
            actor=admin,
            member=w["wernigerode"],
            kind="cancel",
            subscription=ap,
            effective_from=D(2027, 2, 27),
            today=TODAY,
        )
    cancel = subscriptions.request_create(
        actor=admin, member=w["wernigerode"], kind="cancel", subscription=ap, effective_from=D(2027, 2, 28), today=TODAY
    )
    with pytest.raises(DomainError, match="schon ein offener Antrag"):
        subscriptions.request_create(
            actor=admin,
            member=w["wernigerode"],
            kind="change",
            subscription=ap,
            quantity=60,
            effective_from=D(2026, 12, 1),
            today=TODAY,
        )
    with pytest.raises(DomainError, match="Bitte die Ablehnung begründen"):
        subscriptions.request_decide(actor=w["admin"], request=cancel, approve=False)
    subscriptions.request_decide(actor=w["admin"], request=cancel, approve=True)
    ap.refresh_from_db()
    assert ap.ends_on == D(2027, 2, 28)
    with pytest.raises(PermissionDenied):
        subscriptions.request_create(
            actor=w["users"]["approver"],
            member=w["wernigerode"],
            kind="change",
            subscription=ap,
            quantity=60,
            effective_from=D(2026, 12, 1),
            today=TODAY,
        )
    with pytest.raises(DomainError, match="Abonnement des Mitglieds"):
        subscriptions.request_create(
            actor=w["users"]["other_member_admin"],
            member=w["zeitz"],
            kind="change",
            subscription=ap,
            quantity=60,
            effective_from=D(2026, 12, 1),
            today=TODAY,
        )


def test_a_change_never_reaches_into_billed_days(billing_world: dict[str, Any]) -> None:
    w = billing_world
    ap = w["subs"]["ap"]
    run = runs.run_create(actor=w["admin"], period="2026-Q1").run
    runs.run_review(actor=w["admin"], run=run)
    runs.run_issue(actor=w["admin"], run=run, today=D(2026, 4, 2))
    change = SubscriptionRequest.objects.create(
        member=w["wernigerode"],
        kind="change",
        service=ap.service,
        subscription=ap,
        quantity=70,
        effective_from=D(2026, 3, 15),
    )
    with pytest.raises(DomainError, match=r"Bis 31\.03\.2026 ist schon abgerechnet"):
        subscriptions.request_decide(actor=w["admin"], request=change, approve=True)
    assert QuantityChange.objects.filter(subscription=ap, quantity=70).count() == 0
    change.effective_from = D(2026, 4, 1)
    change.save()
    subscriptions.request_decide(actor=w["admin"], request=change, approve=True)
    lines = runs.run_create(actor=w["admin"], period="2026-04").run.invoices.get(member=w["wernigerode"]).lines
    assert lines.get(service=ap.service).net_amount == Decimal("1575.00")  # 70 × 22.50


def test_price_changes_take_effect_only_after_billed_days(billing_world: dict[str, Any], client_for: Any) -> None:
    w = billing_world
    hosting = Service.objects.get(code="hosting-fv")
    run = runs.run_create(actor=w["admin"], period="2026-01").run
    runs.run_review(actor=w["admin"], run=run)
    runs.run_issue(actor=w["admin"], run=run, today=D(2026, 2, 1))
    with pytest.raises(DomainError, match=r"Bis 31\.01\.2026 ist schon abgerechnet"):
        subscriptions.price_add(actor=w["admin"], service=hosting, valid_from=D(2026, 1, 15), amount=Decimal("1"))
    client_for("coop_admin").post(
        f"/leistungen/{hosting.pk}/preis/", {"valid_from": "2027-01-01", "amount": "1.400,00"}
    )
    assert list(Price.objects.filter(service=hosting).values_list("valid_from", "amount")) == [
        (D(2024, 1, 1), Decimal("1200.00")),
        (D(2026, 3, 16), Decimal("1300.00")),
        (D(2027, 1, 1), Decimal("1400.00")),
    ]
    page = client_for("member_admin").get("/leistungen/").content.decode()
    assert "ab 01.01.2027: 1.400,00\xa0€" in page


SERVICE = {
    "service-code": "e-rechnung",
    "service-name": "E-Rechnungseingang je Beleg",
    "service-category": "finance",
    "service-description": "Empfang und Prüfung von XRechnungen",
    "service-pricing": "per_unit",
    "service-interval": "month",
    "service-unit_code": "C62",
    "service-unit_label": "Beleg",
    "service-vat_rate": "19,00",
    "service-contract_reference": "DLV-2026-09",
    "service-notice_months": "3",
    "service-is_active": "on",
    "price-valid_from": "2027-01-01",
    "price-amount": "0,45",
}


def test_the_office_creates_a_service_with_tiers(billing_world: dict[str, Any], client_for: Any) -> None:
    client = client_for("coop_admin")
    bad = client.post("/leistungen/neu/", {**SERVICE, "price-tiers": "1000: 0,40\nzweitausend: 0,35"})
    assert bad.status_code == 400
    assert "Zeile 2: bitte „ab Menge: Preis“" in bad.content.decode()
    assert not Service.objects.filter(code="e-rechnung").exists()
    response = client.post("/leistungen/neu/", {**SERVICE, "price-tiers": "1000: 0,40\n5.000: 0,35"})
    assert response["Location"] == "/leistungen/"
    service = Service.objects.get(code="e-rechnung")
    price = service.prices.get()
    assert (service.unit_label, service.vat_rate, price.valid_from, price.amount) == (
        "Beleg",
        Decimal("19.00"),
        D(2027, 1, 1),
        Decimal("0.45"),
    )
    assert list(price.tiers.values_list("min_quantity", "amount")) == [(1000, Decimal("0.40")), (5000, Decimal("0.35"))]
    page = client_for("member_admin").get("/leistungen/").content.decode()
    assert "E-Rechnungseingang je Beleg" in page


def test_a_billed_service_keeps_its_pricing_model(billing_world: dict[str, Any], client_for: Any) -> None:
    w = billing_world
    run = runs.run_create(actor=w["admin"], period="2026-01").run
    runs.run_review(actor=w["admin"], run=run)
    runs.run_issue(actor=w["admin"], run=run, today=D(2026, 2, 1))
    hosting = Service.objects.get(code="hosting-fv")
    data = {
        "service-code": "hosting-fv",
        "service-name": "Hosting Fachverfahren (Rechenzentrum)",
        "service-category": "hosting",
        "service-pricing": "per_unit",
        "service-interval": "month",
        "service-unit_code": "C62",
        "service-unit_label": "Verfahren",
        "service-vat_rate": "19",
        "service-contract_reference": "DLV-2024-01",
        "service-notice_months": "3",
        "service-is_active": "on",
    }
    response = client_for("coop_admin").post(f"/leistungen/{hosting.pk}/bearbeiten/", data)
    assert "Das Preismodell einer schon abgerechneten Leistung bleibt" in response.content.decode()
    hosting.refresh_from_db()
    assert (hosting.pricing, hosting.name) == ("flat", "Hosting Fachverfahren")
    client_for("coop_admin").post(f"/leistungen/{hosting.pk}/bearbeiten/", {**data, "service-pricing": "flat"})
    hosting.refresh_from_db()
    assert hosting.name == "Hosting Fachverfahren (Rechenzentrum)"
