"""Every write to suppliers, contracts, lots and volume counters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.accounts.models import Organisation
from kitu.accounts.roles import OrgKind
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied, full_clean
from kitu.core.money import money
from kitu.core.prepared import Prepared
from kitu.members.models import Member, MemberType

from .models import (
    MAX_TERM_YEARS,
    ContractDocument,
    ContractState,
    Eligibility,
    FrameworkContract,
    InHouseAward,
    LegalBasis,
    Lot,
    Supplier,
    SupplierContact,
    VolumeLimit,
    VolumeWarning,
)
from .policies import can_manage_contracts
from .tasks import send_volume_warning

CONTRACT_FIELDS = (
    "number",
    "title",
    "description",
    "legal_basis",
    "awarding_body",
    "starts_on",
    "ends_on",
    "call_off_mode",
    "eligibility",
    "eligible_member_type",
    "warranty_months",
)
SUPPLIER_FIELDS = ("street", "postcode", "city", "vat_id", "order_email", "phone")
CONTACT_FIELDS = ("name", "role", "email", "phone")
LIMIT_FIELDS = ("article_pid", "estimated_quantity", "max_quantity", "estimated_value", "max_value")
WARNING_THRESHOLDS = (80, 90, 100)


def _require_manager(actor: Any) -> None:
    if not can_manage_contracts(actor):
        raise PermissionDenied(_("Nur das Vertragsmanagement darf Rahmenverträge ändern."))


def check_term(legal_basis: str, starts_on: dt.date, ends_on: dt.date) -> None:
    """The legal maximum term of a framework agreement: 4 years (VgV), 6 years (UVgO)."""
    if ends_on < starts_on:
        raise DomainError(_("Das Laufzeitende liegt vor dem Beginn."), field="ends_on")
    years = MAX_TERM_YEARS.get(LegalBasis(legal_basis))
    if years is not None and ends_on >= starts_on + relativedelta(years=years):
        raise DomainError(
            _("Eine Rahmenvereinbarung nach %(basis)s läuft höchstens %(years)s Jahre (bis %(last)s).")
            % {
                "basis": "§ 21 VgV" if legal_basis == LegalBasis.VGV_21 else "§ 15 UVgO",
                "years": years,
                "last": f"{starts_on + relativedelta(years=years, days=-1):%d.%m.%Y}",
            },
            field="ends_on",
        )


@transaction.atomic
def supplier_create(*, actor: Any, name: str, **fields: Any) -> Supplier:
    _require_manager(actor)
    if not name.strip():
        raise DomainError(_("Bitte den Namen angeben."), field="name")
    organisation = Organisation.objects.create(kind=OrgKind.SUPPLIER, name=name.strip())
    supplier = Supplier(organisation=organisation, **fields)
    full_clean(supplier, exclude=["organisation"])
    supplier.save()
    audit.record(
        actor=actor,
        instance=supplier,
        action="create",
        after={"name": name, **audit.snapshot(supplier, SUPPLIER_FIELDS)},
    )
    return supplier


@transaction.atomic
def supplier_update(*, actor: Any, supplier: Supplier, name: str | None = None, **fields: Any) -> Supplier:
    _require_manager(actor)
    supplier = Supplier.objects.select_for_update().select_related("organisation").get(pk=supplier.pk)
    before = {"name": supplier.name, **audit.snapshot(supplier, SUPPLIER_FIELDS)}
    if name is not None:
        supplier.organisation.name = name.strip()
        supplier.organisation.save(update_fields=["name"])
    for key, value in fields.items():
        if key not in SUPPLIER_FIELDS:
            raise DomainError(_("Feld kann nicht geändert werden."), field=key)
        setattr(supplier, key, value)
    full_clean(supplier, exclude=["organisation"])
    supplier.save()
    audit.record(
        actor=actor,
        instance=supplier,
        action="update",
        before=before,
        after={"name": supplier.name, **audit.snapshot(supplier, SUPPLIER_FIELDS)},
    )
    return supplier


@transaction.atomic
def supplier_contact_add(
    *, actor: Any, supplier: Supplier, name: str, role: str = "", email: str = "", phone: str = ""
) -> SupplierContact:
    _require_manager(actor)
    contact = SupplierContact(supplier=supplier, name=name.strip(), role=role.strip(), email=email, phone=phone)
    full_clean(contact)
    contact.save()
    # names and addresses of people: the audit trail records the change, not the values (deletable, GDPR)
    audit.record(
        actor=actor,
        instance=contact,
        action="create",
        after=audit.snapshot(contact, CONTACT_FIELDS),
        redact=CONTACT_FIELDS,
    )
    return contact


@transaction.atomic
def supplier_contact_remove(*, actor: Any, contact: SupplierContact) -> None:
    _require_manager(actor)
    audit.record(
        actor=actor,
        instance=contact,
        action="delete",
        before=audit.snapshot(contact, CONTACT_FIELDS),
        redact=CONTACT_FIELDS,
    )
    contact.delete()


def _contract_snapshot(contract: FrameworkContract) -> dict[str, Any]:
    return {
        **audit.snapshot(contract, CONTRACT_FIELDS),
        "suppliers": sorted(contract.suppliers.values_list("pk", flat=True)),
        "eligible_members": sorted(contract.eligible_members.values_list("pk", flat=True)),
        "published_at": str(contract.published_at) if contract.published_at else None,
    }


def _check_eligibility(contract: FrameworkContract) -> None:
    """The rule with its member type; an in-house contract (§ 108 GWB) only for the members of its award."""
    if contract.eligibility not in Eligibility.values:
        raise DomainError(_("Bitte eine gültige Abrufberechtigung wählen."), field="eligibility")
    if contract.eligibility == Eligibility.MEMBER_TYPE:
        if contract.eligible_member_type not in MemberType.values:
            raise DomainError(_("Bitte die Art der Mitglieder wählen."), field="eligible_member_type")
    else:
        contract.eligible_member_type = ""
    if contract.legal_basis == LegalBasis.GWB_108 and contract.eligibility != Eligibility.SELECTED:
        raise DomainError(
            _("Eine Inhouse-Vergabe gilt nur für die Mitglieder, an die vergeben wurde."), field="eligibility"
        )


@transaction.atomic
def contract_save(
    *,
    actor: Any,
    contract: FrameworkContract | None = None,
    suppliers: list[Supplier] | None = None,
    eligible_members: list[Member] | None = None,
    through_inhouse_award: bool = False,
    **fields: Any,
) -> FrameworkContract:
    """Create (``contract`` None) or change a contract, checking the term against the legal basis. A contract
    backing an in-house award changes only with its award (``through_inhouse_award``, kitu.contracts.inhouse):
    its supplier, members and term are part of the § 108 GWB test."""
    _require_manager(actor)
    created = contract is None
    if contract is None:
        contract = FrameworkContract()
        before = None
    else:
        contract = FrameworkContract.objects.select_for_update().get(pk=contract.pk)
        _not_behind_an_award(contract.pk, through_inhouse_award, "number")
        before = _contract_snapshot(contract)
    for key, value in fields.items():
        if key not in CONTRACT_FIELDS:
            raise DomainError(_("Feld kann nicht geändert werden."), field=key)
        setattr(contract, key, value)
    _check_eligibility(contract)
    full_clean(contract)
    check_term(contract.legal_basis, contract.starts_on, contract.ends_on)
    contract.save()
    if suppliers is not None:
        if not suppliers:
            raise DomainError(_("Bitte mindestens einen Lieferanten wählen."), field="suppliers")
        contract.suppliers.set(suppliers)
    if contract.eligibility != Eligibility.SELECTED:
        contract.eligible_members.clear()  # the rule decides; picked members would only mislead
    elif eligible_members is not None:
        contract.eligible_members.set(eligible_members)
    audit.record(
        actor=actor,
        instance=contract,
        action="create" if created else "update",
        before=before,
        after=_contract_snapshot(contract),
    )
    return contract


@transaction.atomic
def contract_publish(*, actor: Any, contract: FrameworkContract) -> FrameworkContract:
    """Release a draft: from then on eligible members see it and can call off (within its term)."""
    _require_manager(actor)
    contract = FrameworkContract.objects.select_for_update().get(pk=contract.pk)
    if contract.published_at is not None:
        raise DomainError(_("Der Vertrag ist bereits freigegeben."))
    if not contract.lots.exists():
        raise DomainError(_("Ein Vertrag braucht mindestens ein Los."), field="lots")
    if not contract.limits.filter(article_pid="").count() == contract.lots.count():
        raise DomainError(_("Jedes Los braucht eine Höchstmenge oder einen Höchstwert (EuGH C-23/20)."), field="limits")
    before = _contract_snapshot(contract)
    contract.published_at = timezone.now()
    contract.save(update_fields=["published_at"])
    audit.record(actor=actor, instance=contract, action="update", before=before, after=_contract_snapshot(contract))
    return contract


def _not_behind_an_award(contract_id: int | None, through_inhouse_award: bool, field: str) -> None:
    """Supplier, members, term and the lot's maximum of a contract backing an in-house award are part of its
    § 108 GWB test and its value: they change only with the award (kitu.contracts.inhouse)."""
    if not through_inhouse_award and InHouseAward.objects.filter(contract_id=contract_id).exists():
        raise DomainError(
            _("Dieser Vertrag beruht auf einer Inhouse-Vergabe und wird nur mit ihr geändert."), field=field
        )


@transaction.atomic
def lot_save(
    *,
    actor: Any,
    contract: FrameworkContract,
    lot: Lot | None = None,
    through_inhouse_award: bool = False,
    **fields: Any,
) -> Lot:
    _require_manager(actor)
    _not_behind_an_award(contract.pk, through_inhouse_award, "supplier")
    created = lot is None
    lot = lot or Lot(contract=contract)
    before = None if created else audit.snapshot(lot, ("number", "title", "supplier"))
    others = fields.pop("other_suppliers", None)  # a lot with several partners (mini-competition, § 21 (5) VgV)
    for key, value in fields.items():
        setattr(lot, key, value)
    if lot.supplier_id and not contract.suppliers.filter(pk=lot.supplier_id).exists():
        raise DomainError(_("Der Lieferant des Loses muss Vertragspartner sein."), field="supplier")
    if others is not None and any(not contract.suppliers.filter(pk=s.pk).exists() for s in others):
        raise DomainError(_("Weitere Partner des Loses müssen Vertragspartner sein."), field="other_suppliers")
    full_clean(lot)
    lot.save()
    if others is not None:
        lot.other_suppliers.set([s for s in others if s.pk != lot.supplier_id])
    after = audit.snapshot(lot, ("number", "title", "supplier"))
    if others is not None:
        after["other_suppliers"] = sorted(s.pk for s in others if s.pk != lot.supplier_id)
    audit.record(
        actor=actor,
        instance=lot,
        action="create" if created else "update",
        before=before,
        after=after,
    )
    return lot


@transaction.atomic
def limit_save(
    *,
    actor: Any,
    lot: Lot,
    limit: VolumeLimit | None = None,
    through_inhouse_award: bool = False,
    **fields: Any,
) -> VolumeLimit:
    """Set the estimated and maximum quantity/value of a lot or an article. Practice: maximum =
    130 % of the estimate; a maximum below what was already called off is refused."""
    _require_manager(actor)
    _not_behind_an_award(lot.contract_id, through_inhouse_award, "max_value")
    created = limit is None
    limit = limit or VolumeLimit(lot=lot, contract=lot.contract)
    if not created:
        limit = VolumeLimit.objects.select_for_update().get(pk=limit.pk)
    before = None if created else audit.snapshot(limit, LIMIT_FIELDS)
    for key, value in fields.items():
        if key not in LIMIT_FIELDS:
            raise DomainError(_("Feld kann nicht geändert werden."), field=key)
        setattr(limit, key, value if key != "article_pid" else (value or "").strip())
    if limit.max_quantity is None and limit.max_value is None:
        raise DomainError(_("Bitte eine Höchstmenge oder einen Höchstwert angeben."), field="max_quantity")
    if limit.max_quantity is not None and limit.max_quantity < limit.consumed_quantity:
        raise DomainError(_("Die Höchstmenge liegt unter der bereits abgerufenen Menge."), field="max_quantity")
    if limit.max_value is not None and limit.max_value < limit.consumed_value:
        raise DomainError(_("Der Höchstwert liegt unter dem bereits abgerufenen Wert."), field="max_value")
    full_clean(limit)
    limit.save()
    audit.record(
        actor=actor,
        instance=limit,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(limit, LIMIT_FIELDS),
    )
    return limit


@transaction.atomic
def document_add(*, actor: Any, contract: FrameworkContract, title: str, file: UploadedFile) -> ContractDocument:
    _require_manager(actor)
    document = ContractDocument(contract=contract, title=title.strip(), file=file, uploaded_by=actor)
    full_clean(document)
    document.save()
    audit.record(
        actor=actor, instance=document, action="create", after=audit.snapshot(document, ("contract", "title", "file"))
    )
    return document


class VolumeExhausted(DomainError):
    """A limit has too little left for a call-off (the API answers 409)."""


# statements of every call-off, compiled once (kitu.core.prepared)
_LOCKED_LIMITS: Prepared[VolumeLimit] = Prepared(
    lambda contract_id, lot_id, pids: (
        VolumeLimit.objects.select_for_update(of=("self",))
        .filter(lot_id=lot_id, contract_id=contract_id, article_pid__in=pids)
        .order_by("pk")
    )
)
# what a booking locks after the contract: the limits it books (the lot's and the article's, if any) and the
# other lots' limits, which decide with it whether the contract is exhausted (FrameworkContract.state_on)
_BOOKING_LIMITS: Prepared[VolumeLimit] = Prepared(
    lambda contract_id, lot_id, pid: (
        VolumeLimit.objects.select_for_update(of=("self",))
        .filter(Q(article_pid="") | Q(lot_id=lot_id, article_pid=pid), contract_id=contract_id)
        .order_by("pk")
    )
)
_LOCKED_CONTRACT: Prepared[FrameworkContract] = Prepared(
    lambda contract_id: FrameworkContract.objects.select_for_update(of=("self",)).filter(pk=contract_id).order_by()
)


def _locked_limits(contract_id: int, lot_id: int, article_pid: str) -> list[VolumeLimit]:
    """The lot's and the article's limit rows, locked in a fixed order (no deadlock between call-offs)."""
    return _LOCKED_LIMITS(contract_id, lot_id, ["", article_pid])


@transaction.atomic
def volume_reserve(
    *,
    contract_id: int,
    lot_id: int,
    article_pid: str,
    quantity: int,
    value: Decimal,
    day: dt.date | None = None,
    consume: bool = False,
) -> list[VolumeLimit]:
    """Reserve a call-off on the lot's limit and the article's limit, if any (an order waiting for
    approval). Refuses the whole booking when the contract is not active or a limit has too little left;
    never overbooks, also under parallel call-offs (the contract and limit rows are locked).
    ``consume``: book it as consumed at once (a call-off that needs no approval; one lock, one write)."""
    return volume_book(
        contract_id=contract_id,
        lot_id=lot_id,
        article_pid=article_pid,
        quantity=quantity,
        value=value,
        day=day,
        consume=consume,
    )


def volume_book(
    *,
    contract_id: int,
    lot_id: int,
    article_pid: str,
    quantity: int,
    value: Decimal,
    day: dt.date | None = None,
    consume: bool = False,
) -> list[VolumeLimit]:
    """:func:`volume_reserve` in the caller's transaction, without a savepoint of its own: for callers whose
    whole transaction fails when the booking is refused (the checkout, a mini-competition's award). Must run
    inside ``transaction.atomic``. The limits that pass no new warning threshold are written in one UPDATE."""
    if quantity <= 0 or value < 0:
        raise DomainError(_("Menge und Wert müssen positiv sein."), field="quantity")
    contract = next(iter(_LOCKED_CONTRACT(contract_id)), None)
    if contract is None:
        raise FrameworkContract.DoesNotExist(contract_id)
    locked = _BOOKING_LIMITS(contract_id, lot_id, article_pid)  # in the order of their keys: no deadlock
    limits = [limit for limit in locked if limit.lot_id == lot_id]
    state = contract.state_on(day or dt.date.today(), [limit for limit in locked if limit.article_pid == ""])
    if state != ContractState.ACTIVE:
        raise DomainError(
            _("Aus dem Rahmenvertrag %(number)s kann nicht abgerufen werden (%(state)s).")
            % {"number": contract.number, "state": ContractState(state).label}
        )
    value = money(value)
    for limit in limits:
        left_quantity, left_value = limit.quantity_left, limit.value_left
        if left_quantity is not None and quantity > left_quantity:
            raise VolumeExhausted(
                _("Die Höchstmenge von %(limit)s ist erreicht: noch %(left)s verfügbar.")
                % {"limit": limit, "left": left_quantity},
                field="quantity",
            )
        if left_value is not None and value > left_value:
            raise VolumeExhausted(
                _("Der Höchstwert von %(limit)s ist erreicht: noch %(left)s EUR verfügbar.")
                % {"limit": limit, "left": left_value},
                field="quantity",
            )
    kind = "consumed" if consume else "reserved"
    quiet: list[int] = []  # limits whose warning level stays: one UPDATE for all of them
    for limit in limits:
        if consume:
            limit.consumed_quantity += quantity
            limit.consumed_value += value
        else:
            limit.reserved_quantity += quantity
            limit.reserved_value += value
        warned = limit.warned_percent
        _warn_if_needed(contract, limit)
        if limit.warned_percent == warned:
            quiet.append(limit.pk)
        else:
            limit.save(update_fields=[f"{kind}_quantity", f"{kind}_value", "warned_percent"])
    if quiet:  # the rows are locked: adding in SQL gives what the objects now hold
        VolumeLimit.objects.filter(pk__in=quiet).update(
            **{f"{kind}_quantity": F(f"{kind}_quantity") + quantity, f"{kind}_value": F(f"{kind}_value") + value}
        )
    return limits


@transaction.atomic
def volume_commit(*, contract_id: int, lot_id: int, article_pid: str, quantity: int, value: Decimal) -> None:
    """A reserved call-off is approved: its reservation becomes consumption."""
    value = money(value)
    for limit in _locked_limits(contract_id, lot_id, article_pid):
        limit.reserved_quantity -= quantity
        limit.reserved_value -= value
        limit.consumed_quantity += quantity
        limit.consumed_value += value
        limit.save(update_fields=["reserved_quantity", "reserved_value", "consumed_quantity", "consumed_value"])


@transaction.atomic
def volume_consume(
    *, contract_id: int, lot_id: int, article_pid: str, quantity: int, value: Decimal, day: dt.date | None = None
) -> list[VolumeLimit]:
    """Book a call-off that needs no approval: reserve and consume at once."""
    limits = volume_reserve(
        contract_id=contract_id, lot_id=lot_id, article_pid=article_pid, quantity=quantity, value=value, day=day
    )
    volume_commit(contract_id=contract_id, lot_id=lot_id, article_pid=article_pid, quantity=quantity, value=value)
    for limit in limits:
        limit.refresh_from_db()
    return limits


@transaction.atomic
def volume_release(
    *, contract_id: int, lot_id: int, article_pid: str, quantity: int, value: Decimal, reserved: bool = False
) -> None:
    """Give volume back: a rejected order's reservation (``reserved``) or a cancelled call-off's consumption."""
    value = money(value)
    for limit in _locked_limits(contract_id, lot_id, article_pid):
        if reserved:
            limit.reserved_quantity = max(0, limit.reserved_quantity - quantity)
            limit.reserved_value = max(Decimal("0"), limit.reserved_value - value)
        else:
            limit.consumed_quantity = max(0, limit.consumed_quantity - quantity)
            limit.consumed_value = max(Decimal("0"), limit.consumed_value - value)
        limit.save(update_fields=["reserved_quantity", "reserved_value", "consumed_quantity", "consumed_value"])


def _warn_if_needed(contract: FrameworkContract, limit: VolumeLimit) -> None:
    reached = [t for t in WARNING_THRESHOLDS if limit.percent_used >= t and t > limit.warned_percent]
    if not reached:
        return
    percent = max(reached)
    limit.warned_percent = percent
    VolumeWarning.objects.create(limit=limit, percent=percent)
    label, limit_label = str(contract), str(limit)
    transaction.on_commit(lambda: send_volume_warning.delay(label, limit_label, percent))
