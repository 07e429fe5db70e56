"""The office's bundle request for several members: validation, sealing, award into one order per
member (all or none against the lot's volume limit), and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import TestCase
from django.utils import timezone

from kitu.competitions import selectors, services
from kitu.competitions.models import BundleMember, Competition, Offer, Status
from kitu.contracts.models import VolumeLimit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.orders.models import Order, OrderStatus

from .conftest import future, lines, make_bundle, offer, pass_deadline

pytestmark = pytest.mark.django_db


def test_bundle_creation_sums_the_lines_and_keeps_the_shares(bundle_world: dict[str, Any]) -> None:
    w = bundle_world
    competition = make_bundle(w, send=False)
    assert competition.is_bundle and competition.status == Status.DRAFT
    assert [(ln.description, ln.quantity) for ln in competition.lines.all()] == [
        ("Rechner Typ A", 10),
        ("Monitor 24 Zoll", 4),
    ]
    shares = {
        bm.member.name: sorted((q.line.position, q.quantity) for q in bm.quantities.all())
        for bm in BundleMember.objects.filter(competition=competition)
    }
    # Zeitz takes no monitor: that is fine, no zero row is stored
    assert shares == {"Stadt Wernigerode": [(1, 6), (2, 4)], "Stadt Zeitz": [(1, 4)]}


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("not_eligible", "members"),
        ("one_member", "members"),
        ("zero_line", "lines"),
        ("member_without_any", "members"),
        ("stranger_quantity", "lines"),
        ("negative", "lines"),
    ],
)
def test_bundle_creation_refusals_name_the_field(bundle_world: dict[str, Any], case: str, field: str) -> None:
    w = bundle_world
    we, ze, ha = w["wernigerode"], w["zeitz"], w["halle"]
    members = [we, ze]
    rows = lines(w, (6, 4), (4, 0))
    if case == "not_eligible":
        members = [we, ze, ha]
        rows[0].quantities[ha.pk] = 1
    elif case == "one_member":
        members = [we]
        rows = [services.BundleLineInput(description="Rechner", quantities={we.pk: 2})]
    elif case == "zero_line":
        rows = lines(w, (6, 4), (0, 0))
    elif case == "member_without_any":
        rows = lines(w, (6, 0), (4, 0))
    elif case == "stranger_quantity":
        rows[0].quantities[ha.pk] = 3
    elif case == "negative":
        rows = lines(w, (6, -1), (4, 0))
    with pytest.raises(DomainError) as refused:
        make_bundle(w, send=False, members=members, lines=rows)
    assert refused.value.field == field
    if case == "not_eligible":
        assert "Stadt Halle" in refused.value.message
    assert Competition.objects.count() == 0 and BundleMember.objects.count() == 0


def test_only_the_office_creates_sends_scores_and_awards_a_bundle(bundle_world: dict[str, Any]) -> None:
    w = bundle_world
    users = w["users"]
    for key in ("requester", "member_admin", "approver", "contract_manager", "other_member_admin"):
        with pytest.raises(PermissionDenied):
            services.bundle_create(
                actor=users[key],
                members=[w["wernigerode"], w["zeitz"]],
                lot=w["mc_lot"],
                title="x",
                delivery_date=timezone.localdate() + dt.timedelta(days=30),
                deadline=future(),
                lines=lines(w, (1, 1), (1, 1)),
            )
    assert Competition.objects.count() == 0
    competition = make_bundle(w, send=False)
    for key in ("requester", "member_admin", "other_member_admin", "contract_manager"):
        with pytest.raises(PermissionDenied):
            services.competition_send(actor=users[key], competition=competition)
    assert Competition.objects.get(pk=competition.pk).status == Status.DRAFT
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.competition_send(actor=w["admin"], competition=competition)
    harz = offer(w, competition, "harz_user", ("700", "150"))
    competition = pass_deadline(competition)
    for key in ("requester", "member_admin", "other_member_admin", "approver", "contract_manager"):
        with pytest.raises(PermissionDenied):
            services.competition_award(actor=users[key], competition=competition, offer=harz, reason="x")
    assert Order.objects.count() == 0
    assert Competition.objects.get(pk=competition.pk).status == Status.OPEN


def test_bundle_is_sealed_for_every_member_and_the_office(bundle_world: dict[str, Any]) -> None:
    w = bundle_world
    competition = make_bundle(w)
    offer(w, competition, "harz_user", ("700", "150"))
    readers = [w["admin"], *(w["users"][k] for k in ("requester", "member_admin", "approver", "other_requester"))]
    for user in readers:
        assert selectors.competition_for(user, competition.pk) == competition
        with pytest.raises(Exception, match="versiegelt"):
            selectors.offers_opened(user, competition)
    competition = pass_deadline(competition)
    for user in readers:
        assert len(selectors.offers_opened(user, competition)) == 1


def test_award_makes_one_order_per_member_with_its_quantities(bundle_world: dict[str, Any]) -> None:
    w = bundle_world
    competition = make_bundle(w)
    harz = offer(w, competition, "harz_user", ("700", "150"))
    offer(w, competition, "saale_user", ("750", "140"))
    competition = pass_deadline(competition)
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = services.competition_award(
            actor=w["admin"], competition=competition, offer=harz, reason="niedrigster Preis"
        )
    competition.refresh_from_db()
    assert competition.status == Status.AWARDED and competition.winner == harz and competition.order == first
    orders = {o.member.name: o for o in Order.objects.select_related("member__organisation")}
    assert set(orders) == {"Stadt Wernigerode", "Stadt Zeitz"}
    we, ze = orders["Stadt Wernigerode"], orders["Stadt Zeitz"]
    assert [(ln.description, ln.quantity, ln.unit_price) for ln in we.lines.all()] == [
        ("Rechner Typ A", 6, Decimal("700.00")),
        ("Monitor 24 Zoll", 4, Decimal("150.00")),
    ]
    assert [(ln.description, ln.quantity, ln.unit_price) for ln in ze.lines.all()] == [
        ("Rechner Typ A", 4, Decimal("700.00")),
    ]
    assert (we.total, ze.total) == (Decimal("4800.00"), Decimal("2800.00"))
    for order in (we, ze):  # each through its own member's approval
        assert order.supplier == w["harz"] and order.status == OrderStatus.PENDING and order.steps_required == 1
        assert "Kleinwettbewerb" in order.legal_basis
    assert {bm.member_id: bm.order_id for bm in competition.bundle_members.all()} == {
        w["wernigerode"].pk: we.pk,
        w["zeitz"].pk: ze.pk,
    }
    limit = VolumeLimit.objects.get(pk=w["mc_limit"].pk)
    assert (limit.reserved_quantity, limit.reserved_value) == (14, Decimal("7600.00"))
    from kitu.orders import services as order_services

    with pytest.raises(PermissionDenied):  # Wernigerode's approver does not approve Zeitz's order
        order_services.approve(actor=w["users"]["approver"], order=ze)
    order_services.approve(actor=w["z_approver"], order=ze)
    ze.refresh_from_db()
    assert ze.status == OrderStatus.APPROVED


def test_award_is_all_or_none_against_the_volume_limit(bundle_world: dict[str, Any]) -> None:
    w = bundle_world
    competition = make_bundle(w)
    harz = offer(w, competition, "harz_user", ("700", "150"))
    competition = pass_deadline(competition)
    VolumeLimit.objects.filter(pk=w["mc_limit"].pk).update(max_quantity=12)  # Wernigerode's 10 fit, Zeitz's 4 not
    with pytest.raises(DomainError):
        services.competition_award(actor=w["admin"], competition=competition, offer=harz, reason="x")
    assert Order.objects.count() == 0
    limit = VolumeLimit.objects.get(pk=w["mc_limit"].pk)
    assert (limit.reserved_quantity, limit.reserved_value) == (0, Decimal("0"))
    competition.refresh_from_db()
    assert competition.status == Status.OPEN and competition.order is None
    assert not competition.bundle_members.exclude(order=None).exists()
    VolumeLimit.objects.filter(pk=w["mc_limit"].pk).update(max_quantity=14)
    services.competition_award(actor=w["admin"], competition=competition, offer=harz, reason="x")
    assert Order.objects.count() == 2


def test_single_member_request_by_the_office_still_awarded_by_the_member(bundle_world: dict[str, Any]) -> None:
    from .conftest import make_competition

    w = bundle_world
    competition = make_competition(w, criteria=[])
    assert not competition.is_bundle
    with pytest.raises(PermissionDenied):
        services.competition_award(
            actor=w["admin"],
            competition=pass_deadline(competition),
            offer=competition.offers.first() or Offer(),
            reason="x",
        )


def test_mails_and_award_note_name_the_bundle(bundle_world: dict[str, Any]) -> None:
    from django.core import mail

    from kitu.competitions import pdf

    w = bundle_world
    mail.outbox.clear()
    competition = make_bundle(w)
    invitation = next(m for m in mail.outbox if m.to == ["orders@harz.example"])
    buyer = "Die Geschäftsstelle der Genossenschaft für Stadt Wernigerode, Stadt Zeitz"
    assert buyer in invitation.subject and buyer in invitation.body
    harz = offer(w, competition, "harz_user", ("700", "150"))
    competition = pass_deadline(competition)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.competition_award(actor=w["admin"], competition=competition, offer=harz, reason="Preis")
    numbers = [bm.order.number for bm in competition.bundle_members.select_related("order")]
    won = next(m for m in mail.outbox if m.to == ["orders@harz.example"])
    assert all(n in won.body for n in numbers) and len(numbers) == 2
    competition.refresh_from_db()
    note = pdf.award_note(competition, selectors.comparison(w["admin"], competition))
    assert note.startswith(b"%PDF")
