import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from kitu.contracts import services
from kitu.contracts.models import ContractState, FrameworkContract, VolumeLimit, VolumeWarning
from kitu.core.errors import DomainError, PermissionDenied

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    ("basis", "ends_on", "ok"),
    [
        ("vgv21", D(2028, 12, 31), True),  # exactly 4 years
        ("vgv21", D(2029, 1, 1), False),
        ("uvgo15", D(2030, 12, 31), True),  # exactly 6 years
        ("uvgo15", D(2031, 1, 1), False),
        ("gwb108", D(2040, 12, 31), True),  # in-house: no legal maximum
        ("vgv21", D(2024, 12, 31), False),  # ends before it starts
    ],
)
def test_term_per_legal_basis(basis: str, ends_on: dt.date, ok: bool) -> None:
    if ok:
        services.check_term(basis, D(2025, 1, 1), ends_on)
    else:
        with pytest.raises(DomainError) as exc:
            services.check_term(basis, D(2025, 1, 1), ends_on)
        assert exc.value.field == "ends_on"


def test_too_long_contract_is_not_saved(contract_world: dict[str, Any]) -> None:
    count = FrameworkContract.objects.count()
    with pytest.raises(DomainError) as exc:
        services.contract_save(
            actor=contract_world["admin"],
            number="RV-X",
            title="X",
            legal_basis="vgv21",
            starts_on=D(2026, 1, 1),
            ends_on=D(2030, 6, 30),
            call_off_mode="direct",
            suppliers=[contract_world["supplier"]],
        )
    assert "höchstens 4 Jahre (bis 31.12.2029)" in exc.value.message
    assert FrameworkContract.objects.count() == count


def test_only_contract_managers_change_contracts(contract_world: dict[str, Any]) -> None:
    for role in ("member_admin", "supplier_user", "requester"):
        with pytest.raises(PermissionDenied):
            services.contract_save(actor=contract_world["users"][role], contract=contract_world["contract"], title="X")
    assert FrameworkContract.objects.get(pk=contract_world["contract"].pk).title == "Notebooks und Dockingstationen"


def test_publish_needs_lots_with_maximum(contract_world: dict[str, Any]) -> None:
    draft = contract_world["draft"]
    with pytest.raises(DomainError) as exc:
        services.contract_publish(actor=contract_world["admin"], contract=draft)
    assert exc.value.field == "lots"
    lot = services.lot_save(
        actor=contract_world["admin"], contract=draft, number=1, title="Drucker", supplier=contract_world["supplier"]
    )
    with pytest.raises(DomainError) as exc:
        services.contract_publish(actor=contract_world["admin"], contract=draft)
    assert exc.value.field == "limits"
    services.limit_save(actor=contract_world["admin"], lot=lot, max_value=Decimal("50000"))
    assert services.contract_publish(actor=contract_world["admin"], contract=draft).published_at is not None


def test_state_follows_dates_and_counters(contract_world: dict[str, Any]) -> None:
    contract = contract_world["contract"]
    assert contract_world["draft"].state_on(D(2026, 6, 1)) == ContractState.DRAFT
    assert contract.state_on(D(2024, 12, 31)) == ContractState.DRAFT
    assert contract.state_on(D(2026, 6, 1)) == ContractState.ACTIVE
    assert contract.state_on(D(2029, 1, 1)) == ContractState.EXPIRED
    VolumeLimit.objects.filter(pk=contract_world["lot_limit"].pk).update(consumed_quantity=100)
    assert FrameworkContract.objects.get(pk=contract.pk).state_on(D(2026, 6, 1)) == ContractState.EXHAUSTED


def _consume(cw: dict[str, Any], qty: int, value: str = "1000", pid: str = "NB-2") -> list[VolumeLimit]:
    return services.volume_consume(
        contract_id=cw["contract"].pk,
        lot_id=cw["lot"].pk,
        article_pid=pid,
        quantity=qty,
        value=Decimal(value),
        day=D(2026, 6, 1),
    )


def test_consumption_never_passes_the_maximum(contract_world: dict[str, Any]) -> None:
    _consume(contract_world, 60)
    with pytest.raises(DomainError) as exc:
        _consume(contract_world, 41)
    assert "noch 40 verfügbar" in exc.value.message
    _consume(contract_world, 40)
    limit = VolumeLimit.objects.get(pk=contract_world["lot_limit"].pk)
    assert (limit.consumed_quantity, limit.consumed_value, limit.percent_used) == (100, Decimal("2000.00"), 100)
    with pytest.raises(DomainError):
        _consume(contract_world, 1)


def test_a_booking_refuses_an_exhausted_contract_by_all_its_lots(contract_world: dict[str, Any]) -> None:
    """The booking decides the contract's state from the limits it locks: every lot's, not only its own."""
    cw = contract_world
    other = services.lot_save(
        actor=cw["admin"], contract=cw["contract"], number=2, title="Monitore", supplier=cw["supplier"]
    )
    other_limit = services.limit_save(actor=cw["admin"], lot=other, max_quantity=5)
    VolumeLimit.objects.filter(pk=cw["lot_limit"].pk).update(consumed_quantity=100)  # lot 1 exhausted
    with pytest.raises(DomainError) as exc:  # lot 2 is not: the contract is active, the lot's limit refuses
        _consume(cw, 1)
    assert exc.value.message == "Die Höchstmenge von Los 1: Notebooks ist erreicht: noch 0 verfügbar."
    VolumeLimit.objects.filter(pk=other_limit.pk).update(consumed_quantity=5)  # now every lot is
    with pytest.raises(DomainError) as exc:
        _consume(cw, 1)
    assert exc.value.message == ("Aus dem Rahmenvertrag RV-2025-01 kann nicht abgerufen werden (ausgeschöpft).")
    assert VolumeLimit.objects.get(pk=cw["lot_limit"].pk).consumed_quantity == 100  # nothing booked


def test_article_limit_and_value_limit(contract_world: dict[str, Any]) -> None:
    _consume(contract_world, 10, pid="NB-1")
    with pytest.raises(DomainError):
        _consume(contract_world, 1, pid="NB-1")
    assert VolumeLimit.objects.get(pk=contract_world["lot_limit"].pk).consumed_quantity == 10  # nothing half-booked
    with pytest.raises(DomainError) as exc:
        _consume(contract_world, 1, value="150000.01")
    assert "Höchstwert" in exc.value.message


def test_expired_or_draft_contract_refuses_calloffs(contract_world: dict[str, Any]) -> None:
    with pytest.raises(DomainError):
        services.volume_consume(
            contract_id=contract_world["contract"].pk,
            lot_id=contract_world["lot"].pk,
            article_pid="X",
            quantity=1,
            value=Decimal("1"),
            day=D(2029, 1, 2),
        )
    assert VolumeLimit.objects.get(pk=contract_world["lot_limit"].pk).consumed_quantity == 0


def test_warnings_at_80_90_100_percent_mail_the_contract_managers(
    contract_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _consume(contract_world, 79)
    assert VolumeWarning.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        _consume(contract_world, 1)
    with django_capture_on_commit_callbacks(execute=True):
        _consume(contract_world, 15)  # 95 %: passes 90
    with django_capture_on_commit_callbacks(execute=True):
        _consume(contract_world, 5)
    assert list(VolumeWarning.objects.order_by("created_at", "id").values_list("percent", flat=True)) == [80, 90, 100]
    assert [m.subject for m in mail.outbox] == [
        f"Rahmenvertrag RV-2025-01 Notebooks und Dockingstationen: {p} % der Höchstmenge erreicht"
        for p in (80, 90, 100)
    ]
    assert mail.outbox[0].to == ["contracts@test.example"]


def test_release_gives_volume_back(contract_world: dict[str, Any]) -> None:
    _consume(contract_world, 30, value="300")
    services.volume_release(
        contract_id=contract_world["contract"].pk,
        lot_id=contract_world["lot"].pk,
        article_pid="NB-2",
        quantity=10,
        value=Decimal("100"),
    )
    limit = VolumeLimit.objects.get(pk=contract_world["lot_limit"].pk)
    assert (limit.consumed_quantity, limit.consumed_value) == (20, Decimal("200.00"))


def test_maximum_below_consumption_is_refused(contract_world: dict[str, Any]) -> None:
    _consume(contract_world, 50)
    with pytest.raises(DomainError) as exc:
        services.limit_save(
            actor=contract_world["admin"], lot=contract_world["lot"], limit=contract_world["lot_limit"], max_quantity=49
        )
    assert exc.value.field == "max_quantity"
    assert VolumeLimit.objects.get(pk=contract_world["lot_limit"].pk).max_quantity == 100


def test_lot_supplier_must_be_a_contract_partner(contract_world: dict[str, Any]) -> None:
    other = services.supplier_create(
        actor=contract_world["admin"],
        name="Andere GmbH",
        street="A 1",
        postcode="06108",
        city="Halle",
        order_email="o@a.example",
    )
    with pytest.raises(DomainError) as exc:
        services.lot_save(
            actor=contract_world["admin"], contract=contract_world["contract"], number=2, title="X", supplier=other
        )
    assert exc.value.field == "supplier"
