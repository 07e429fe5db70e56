"""The whole way: refused direct call-off, request, invitations, offers, scoring, award → order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from kitu.competitions import services
from kitu.competitions.models import Competition, Invitation, Offer, Status
from kitu.contracts.models import VolumeLimit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.orders import planning
from kitu.orders import services as order_services
from kitu.orders.models import Cart, CartLine, Order, OrderStatus

from .conftest import make_competition, pass_deadline, submit

pytestmark = pytest.mark.django_db


def test_direct_call_off_of_such_a_lot_is_refused_with_a_link(comp_world: dict[str, Any], client: Any) -> None:
    w = comp_world
    requester = w["users"]["requester"]
    cart, _c = Cart.objects.get_or_create(user=requester, member=w["wernigerode"])
    CartLine.objects.create(cart=cart, lot=w["mc_lot"], description="Rechner", unit_price=Decimal("700"), quantity=2)
    plan = planning.review(requester, w["wernigerode"])
    [problem] = [p for p in plan.problems if p.field == "competition"]
    assert isinstance(problem, planning.CompetitionRequired)
    assert "Kleinwettbewerb" in problem.message
    assert problem.link == f"/kleinwettbewerbe/neu/?los={w['mc_lot'].pk}&mitglied={w['wernigerode'].pk}"
    with pytest.raises(planning.CompetitionRequired):
        order_services.checkout(actor=requester, member=w["wernigerode"])
    assert Order.objects.count() == 0
    from conftest import login

    page = login(client, requester).get("/bestellungen/warenkorb/pruefen/")
    text = page.content.decode()
    assert "Kleinwettbewerb starten" in text and problem.link.replace("&", "&amp;") in text


def test_single_supplier_lot_of_a_mini_competition_contract_stays_direct(comp_world: dict[str, Any]) -> None:
    w = comp_world
    w["mc_lot"].other_suppliers.clear()
    assert not w["mc_lot"].requires_competition
    w["mc_lot"].other_suppliers.add(w["harz"])
    assert w["mc_lot"].requires_competition
    assert not w["lot"].requires_competition  # the direct contract of order_world


def test_request_from_cart_moves_the_lines(comp_world: dict[str, Any]) -> None:
    w = comp_world
    requester = w["users"]["requester"]
    cart, _c = Cart.objects.get_or_create(user=requester, member=w["wernigerode"])
    CartLine.objects.create(cart=cart, lot=w["mc_lot"], description="Rechner", unit_price=Decimal("1"), quantity=2)
    keep = CartLine.objects.create(cart=cart, article=w["monitor"], quantity=1)
    services.competition_create(
        actor=requester,
        member=w["wernigerode"],
        lot=w["mc_lot"],
        title="Rechner",
        delivery_date=timezone.localdate() + dt.timedelta(days=30),
        deadline=timezone.now() + dt.timedelta(days=4),
        lines=[services.LineInput(description="Rechner", quantity=2)],
        from_cart=True,
    )
    assert list(CartLine.objects.filter(cart=cart)) == [keep]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"lines": []}, "lines"),
        ({"lines": [services.LineInput(description="x", quantity=0)]}, "lines"),
        ({"deadline": None}, "deadline"),
        ({"deadline": dt.datetime(2030, 1, 1, 12, 0)}, "deadline"),  # naive
        ({"deadline": "past"}, "deadline"),
        ({"deadline": "two_days"}, "deadline"),
        ({"delivery_date": "before_deadline"}, "delivery_date"),
        ({"criteria": [("Lieferzeit", 100)]}, "criteria"),
        ({"criteria": [("", 10)]}, "criteria"),
        ({"criteria": [("Service", 0)]}, "criteria"),
    ],
)
def test_request_validation(comp_world: dict[str, Any], change: dict[str, Any], field: str) -> None:
    w = comp_world
    now = timezone.now()
    args: dict[str, Any] = {
        "title": "Rechner",
        "delivery_date": timezone.localdate() + dt.timedelta(days=30),
        "deadline": now + dt.timedelta(days=4),
        "lines": [services.LineInput(description="Rechner", quantity=2)],
        "criteria": [],
        **change,
    }
    if args["deadline"] == "past":
        args["deadline"] = now - dt.timedelta(hours=1)
    if args["deadline"] == "two_days":
        args["deadline"] = now + dt.timedelta(days=2)
    if args["delivery_date"] == "before_deadline":
        args["delivery_date"] = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        services.competition_create(actor=w["users"]["requester"], member=w["wernigerode"], lot=w["mc_lot"], **args)
    assert exc.value.field == field
    assert Competition.objects.count() == 0


def test_request_only_for_a_lot_that_needs_one_and_a_member_that_may_order(comp_world: dict[str, Any]) -> None:
    w = comp_world
    args: dict[str, Any] = {
        "title": "Rechner",
        "delivery_date": timezone.localdate() + dt.timedelta(days=30),
        "deadline": timezone.now() + dt.timedelta(days=4),
        "lines": [services.LineInput(description="Rechner", quantity=2)],
    }
    with pytest.raises(DomainError) as exc:
        services.competition_create(actor=w["users"]["requester"], member=w["wernigerode"], lot=w["lot"], **args)
    assert exc.value.field == "lot"
    with pytest.raises(PermissionDenied):
        services.competition_create(actor=w["users"]["approver"], member=w["wernigerode"], lot=w["mc_lot"], **args)
    with pytest.raises(PermissionDenied):
        services.competition_create(
            actor=w["users"]["other_requester"], member=w["wernigerode"], lot=w["mc_lot"], **args
        )
    assert Competition.objects.count() == 0


def test_send_invites_every_supplier_of_the_lot_by_mail(comp_world: dict[str, Any]) -> None:
    w = comp_world
    mail.outbox.clear()
    competition = make_competition(w)
    assert competition.status == Status.OPEN
    assert {i.supplier.name for i in Invitation.objects.filter(competition=competition)} == {
        "Beispiel IT GmbH",
        "Harz Systemhaus GmbH",
        "Saale Digital GmbH",
    }
    assert sorted(m.to[0] for m in mail.outbox) == [
        "orders@beispiel-it.example",
        "orders@harz.example",
        "orders@saale.example",
    ]
    body = mail.outbox[0].body
    assert "20 Arbeitsplatzrechner" in mail.outbox[0].subject or "Stadt Wernigerode" in mail.outbox[0].subject
    assert "10 Stück – Rechner Typ A" in body and "Lieferzeit 30 Punkte" in body and "Preis 70 Punkte" in body
    with pytest.raises(DomainError):
        services.competition_send(actor=w["users"]["requester"], competition=competition)
    stale = make_competition(w, send=False)
    Competition.objects.filter(pk=stale.pk).update(deadline=timezone.now() + dt.timedelta(days=2))
    with pytest.raises(DomainError) as short:
        services.competition_send(actor=w["users"]["requester"], competition=stale)
    assert short.value.field == "deadline" and Competition.objects.get(pk=stale.pk).status == Status.DRAFT


def test_offers_change_withdraw_and_late_refusal(comp_world: dict[str, Any]) -> None:
    w = comp_world
    competition = make_competition(w)
    offer = submit(w, competition, "harz_user", ("700,00", "150"))
    assert [str(ol.unit_price) for ol in offer.lines.all()] == ["700.00", "150.00"]
    offer = submit(w, competition, "harz_user", ("1.690,50", "150"))
    assert Offer.objects.count() == 1 and str(offer.lines.first().unit_price) == "1690.50"
    services.offer_withdraw(actor=w["harz_user"], competition=competition)
    assert Offer.objects.count() == 0
    submit(w, competition, "saale_user", ("650", "140"))
    with pytest.raises(PermissionDenied):
        submit(w, competition, "outsider_user", ("1", "1"))
    with pytest.raises(DomainError) as bad:
        submit(w, competition, "harz_user", ("abc", "1"))
    assert bad.value.field.startswith("price_")
    competition = pass_deadline(competition)
    with pytest.raises(DomainError) as late:
        submit(w, competition, "harz_user", ("600", "100"))
    assert late.value.field == "deadline"
    with pytest.raises(DomainError):
        services.offer_withdraw(actor=w["saale_user"], competition=competition)
    assert Offer.objects.count() == 1


def test_document_type_and_size_checked(comp_world: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = comp_world
    competition = make_competition(w)
    lines = list(competition.lines.all())
    for doc in (SimpleUploadedFile("x.exe", b"MZ"), SimpleUploadedFile("x.pdf", b""), None):
        with pytest.raises(DomainError) as exc:
            services.offer_submit(
                actor=w["harz_user"],
                competition=competition,
                delivery_date=timezone.localdate() + dt.timedelta(days=3),
                prices={lines[0].pk: "1", lines[1].pk: "1"},
                document=doc,
            )
        assert exc.value.field == "document"
    assert Offer.objects.count() == 0


def test_scoring_award_order_in_approval_with_volume_reserved(comp_world: dict[str, Any]) -> None:
    w = comp_world
    requester = w["users"]["requester"]
    competition = make_competition(w)
    harz = submit(w, competition, "harz_user", ("700", "150"))  # 7,600
    saale = submit(w, competition, "saale_user", ("650", "140"))  # 7,060
    with pytest.raises(DomainError):  # sealed
        services.competition_award(actor=requester, competition=competition, offer=saale, reason="x")
    competition = pass_deadline(competition)
    criterion = competition.criteria.get()
    with pytest.raises(DomainError) as missing:
        services.competition_award(actor=requester, competition=competition, offer=harz, reason="schneller")
    assert missing.value.field == "offer"
    with pytest.raises(DomainError) as too_many:
        services.score_save(actor=requester, offer=harz, criterion=criterion, points="31", reason="x")
    assert too_many.value.field == "points"
    services.score_save(actor=requester, offer=harz, criterion=criterion, points="30", reason="10 Tage")
    services.score_save(actor=requester, offer=saale, criterion=criterion, points="10", reason="30 Tage")
    from kitu.competitions import selectors

    comp = selectors.comparison(requester, competition)
    scores = {r.key: (r.price_score, r.score) for r in comp.ranking}
    # price 70 points: Saale lowest (7,060) 70.00; Harz 70 × 7,060 / 7,600 = 65.03
    assert scores[saale.pk] == (Decimal("70.00"), Decimal("80.00"))
    assert scores[harz.pk] == (Decimal("65.03"), Decimal("95.03"))
    assert comp.ranking[0].key == harz.pk
    mail.outbox.clear()
    with pytest.raises(PermissionDenied):
        services.competition_award(actor=w["users"]["approver"], competition=competition, offer=harz, reason="x")
    with TestCase.captureOnCommitCallbacks(execute=True):
        order = services.competition_award(
            actor=requester, competition=competition, offer=harz, reason="Beste Wertung: schnellere Lieferung"
        )
    order.refresh_from_db()
    assert order.supplier == w["harz"] and order.status == OrderStatus.PENDING and order.steps_required == 1
    assert order.total == Decimal("7600.00")
    assert [(ln.description, ln.quantity, ln.unit_price) for ln in order.lines.all()] == [
        ("Rechner Typ A", 10, Decimal("700.00")),
        ("Monitor 24 Zoll", 4, Decimal("150.00")),
    ]
    assert "Kleinwettbewerb" in order.legal_basis
    limit = VolumeLimit.objects.get(pk=w["mc_limit"].pk)
    assert (limit.reserved_quantity, limit.reserved_value) == (14, Decimal("7600.00"))
    competition.refresh_from_db()
    assert competition.status == Status.AWARDED and competition.order == order and competition.winner == harz
    notices = {m.to[0]: m.body for m in mail.outbox if "Kleinwettbewerb" in m.subject}
    assert "Ihrem Angebot den Zuschlag erteilt" in notices["orders@harz.example"]
    assert "nicht berücksichtigt" in notices["orders@saale.example"]
    assert "kein Angebot" in notices["orders@beispiel-it.example"]
    order_services.approve(actor=w["users"]["approver"], order=order)
    limit.refresh_from_db()
    assert (limit.reserved_quantity, limit.consumed_quantity) == (0, 14)
    with pytest.raises(DomainError):
        services.competition_award(actor=requester, competition=competition, offer=saale, reason="x")


def test_api_checkout_refuses_the_line_at_field_competition(comp_world: dict[str, Any]) -> None:
    import json

    from django.test import Client

    from conftest import make_article
    from kitu.accounts.services import api_token_create
    from kitu.core.actors import SYSTEM

    w = comp_world
    article = make_article(w["mc_contract"], w["mc_lot"], "PC-1", "700.00", description="Rechner")
    order_services.cart_add(actor=w["users"]["requester"], member=w["wernigerode"], article=article, quantity=2)
    _token, secret = api_token_create(actor=SYSTEM, user=w["users"]["requester"], name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.post("/api/v1/cart/checkout", "", content_type="application/json")
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["field"] == "competition" and "Kleinwettbewerb" in body["detail"]
    assert Order.objects.count() == 0 and CartLine.objects.count() == 1


def test_the_office_prepares_and_sends_on_a_members_behalf(comp_world: dict[str, Any], client: Any) -> None:
    from conftest import login, make_user
    from kitu.accounts.roles import Role

    w = comp_world
    office = w["admin"]
    args: dict[str, Any] = {
        "title": "Rechner für Zeitz",
        "delivery_date": timezone.localdate() + dt.timedelta(days=30),
        "deadline": timezone.now() + dt.timedelta(days=4),
        "lines": [services.LineInput(description="Rechner", quantity=2), services.LineInput("Monitor", 2)],
    }
    with pytest.raises(PermissionDenied):  # the contract management is not the office
        services.competition_create(actor=w["users"]["contract_manager"], member=w["zeitz"], lot=w["mc_lot"], **args)
    competition = services.competition_create(actor=office, member=w["zeitz"], lot=w["mc_lot"], **args)
    page = login(client, office).get(f"/kleinwettbewerbe/neu/?los={w['mc_lot'].pk}").content.decode()
    assert "Stadt Zeitz" in page and "Stadt Wernigerode" in page
    other_office = make_user("office2@test.example", [(w["coop"], Role.COOP_ADMIN)])
    with pytest.raises(PermissionDenied):  # another office user's draft is not theirs to send
        services.competition_send(actor=other_office, competition=competition)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.competition_send(actor=office, competition=competition)
    offer = submit(w, Competition.objects.get(pk=competition.pk), "harz_user", ("700", "150"))
    competition = pass_deadline(Competition.objects.get(pk=competition.pk))
    with pytest.raises(PermissionDenied):  # scoring and award stay with the member
        services.competition_award(actor=office, competition=competition, offer=offer, reason="x")
    assert Competition.objects.get(pk=competition.pk).status == Status.OPEN
