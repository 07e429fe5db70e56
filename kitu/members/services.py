"""Every write to the member register. Each function is atomic, locks the member it changes and
writes an audit row per change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kitu.accounts.models import Organisation
from kitu.accounts.roles import OrgKind
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.money import money

from . import policies, rules, selectors
from .models import (
    COUNCIL_TYPES,
    Contact,
    CostCentre,
    EventKind,
    LeitwegId,
    Member,
    MemberNumberSequence,
    MembershipEvent,
    MemberStatus,
    Site,
)

MEMBER_AUDIT_FIELDS = (
    "member_type",
    "member_number",
    "street",
    "postcode",
    "city",
    "ags",
    "vat_id",
    "invoice_email",
    "phone",
    "website",
    "joined_on",
    "left_on",
    "rejected_on",
    "successor",
)
# Fields a member's own administrators may change; the rest is the cooperative's.
MEMBER_SELF_SERVICE_FIELDS = ("invoice_email", "phone", "website")
MEMBER_COOP_FIELDS = ("name", "member_type", "street", "postcode", "city", "ags", "vat_id", *MEMBER_SELF_SERVICE_FIELDS)
EVENT_AUDIT_FIELDS = (
    "kind",
    "effective_date",
    "share_delta",
    "nominal_value",
    "amount",
    "council_resolution_date",
    "exit_date",
    "member_number",
    "successor",
    "document",
    "note",
)
SUBRECORD_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Contact: ("name", "function", "email", "phone"),
    Site: ("name", "street", "postcode", "city"),
    CostCentre: ("code", "name", "is_active"),
    LeitwegId: ("value", "description", "is_default"),
}
# Personal data in the audit trail is recorded as "changed", not by value, so that it can be deleted.
PERSONAL_FIELDS: dict[type[models.Model], tuple[str, ...]] = {Contact: ("name", "email", "phone")}


def _member_snapshot(member: Member) -> dict[str, Any]:
    return {"name": member.organisation.name, **audit.snapshot(member, MEMBER_AUDIT_FIELDS)}


def _full_clean(instance: models.Model, exclude: list[str] | None = None) -> None:
    """Model validation turned into a DomainError naming the first field at fault."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from exc


def _locked(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)


def _nominal_value() -> Decimal:
    return money(settings.KITU_SHARE_NOMINAL_VALUE)


def shares_on(member: Member, day: dt.date) -> int:
    return selectors.member_figures(member, day).shares


def paid_in_on(member: Member, day: dt.date) -> Decimal:
    return selectors.member_figures(member, day).paid_in


def _add_event(*, actor: Any, member: Member, kind: str, effective_date: dt.date, **fields: Any) -> MembershipEvent:
    event = MembershipEvent(
        member=member,
        kind=kind,
        effective_date=effective_date,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    _full_clean(event, exclude=["member", "recorded_by", "successor"])
    event.save()
    audit.record(
        actor=actor,
        instance=event,
        action="create",
        after=audit.snapshot(event, EVENT_AUDIT_FIELDS),
        redact=("note", "document"),
    )
    return event


def _save_member(*, actor: Any, member: Member, before: dict[str, Any]) -> Member:
    _full_clean(member, exclude=["organisation", "successor"])
    member.save()
    audit.record(actor=actor, instance=member, action="update", before=before, after=_member_snapshot(member))
    return member


@transaction.atomic
def member_apply(
    *,
    actor: Any,
    name: str,
    member_type: str,
    street: str,
    postcode: str,
    city: str,
    application_date: dt.date,
    council_resolution_date: dt.date | None = None,
    ags: str = "",
    vat_id: str = "",
    invoice_email: str = "",
    phone: str = "",
    document: UploadedFile | None = None,
    note: str = "",
    is_demo: bool = False,
) -> Member:
    """A declaration of joining (§ 15 GenG) arrives: the applicant enters the register as applicant."""
    name = name.strip()
    if not name:
        raise DomainError(_("Bitte den Namen (Firma) angeben."), field="name")
    if member_type in COUNCIL_TYPES and council_resolution_date is None:
        raise DomainError(
            _("Für Kommunen und Verbände ist das Datum des Ratsbeschlusses anzugeben."), field="council_resolution_date"
        )
    if council_resolution_date and council_resolution_date > application_date:
        raise DomainError(
            _("Der Ratsbeschluss muss vor der Beitrittserklärung liegen."), field="council_resolution_date"
        )
    organisation = Organisation.objects.create(kind=OrgKind.MEMBER, name=name)
    member = Member(
        organisation=organisation,
        member_type=member_type,
        street=street,
        postcode=postcode,
        city=city,
        ags=ags,
        vat_id=vat_id,
        invoice_email=invoice_email,
        phone=phone,
        is_demo=is_demo,
    )
    _full_clean(member, exclude=["organisation"])
    member.save()
    audit.record(actor=actor, instance=member, action="create", after=_member_snapshot(member))
    _add_event(
        actor=actor,
        member=member,
        kind=EventKind.APPLICATION,
        effective_date=application_date,
        council_resolution_date=council_resolution_date,
        document=document or "",
        note=note,
    )
    return member


@transaction.atomic
def member_update(*, actor: Any, member: Member, **fields: Any) -> Member:
    """Change master data. Coop admins may change all of it, member admins only their contact fields."""
    allowed: tuple[str, ...]
    if policies.can_edit_member_all(actor, member):
        allowed = MEMBER_COOP_FIELDS
    elif policies.can_edit_member_self_service(actor, member):
        allowed = MEMBER_SELF_SERVICE_FIELDS
    else:
        raise PermissionDenied(_("Sie dürfen dieses Mitglied nicht ändern."))
    member = _locked(member)
    before = _member_snapshot(member)
    for field, value in fields.items():
        if field not in allowed:
            raise PermissionDenied(_("Das Feld darf von Ihnen nicht geändert werden."), field=field)
        if field == "name":
            value = str(value).strip()
            if not value:
                raise DomainError(_("Bitte den Namen (Firma) angeben."), field="name")
            member.organisation.name = value
            member.organisation.save(update_fields=["name"])
        else:
            setattr(member, field, value)
    return _save_member(actor=actor, member=member, before=before)


def _require_status(member: Member, day: dt.date, allowed: tuple[str, ...], message: str) -> None:
    if member.status_on(day) not in allowed:
        raise DomainError(message, field="kind")


@transaction.atomic
def supervisory_approval_record(
    *, actor: Any, member: Member, effective_date: dt.date, document: UploadedFile | None = None, note: str = ""
) -> MembershipEvent:
    member = _locked(member)
    _require_status(member, effective_date, (MemberStatus.APPLICANT,), _("Nur für offene Beitrittsanträge."))
    return _add_event(
        actor=actor,
        member=member,
        kind=EventKind.SUPERVISORY_APPROVAL,
        effective_date=effective_date,
        document=document or "",
        note=note,
    )


def next_member_number(requested: int | None = None) -> int:
    """The next free member number (or ``requested``, for historic data); never one given before."""
    sequence, _created = MemberNumberSequence.objects.select_for_update().get_or_create(pk=1)
    highest = max(sequence.last_number, Member.objects.aggregate(m=Max("member_number"))["m"] or 0)
    if requested is None:
        number = highest + 1
    else:
        given = (
            Member.objects.filter(member_number=requested).exists()
            or MembershipEvent.objects.filter(member_number=requested).exists()
        )
        if requested < 1 or given:
            raise DomainError(_("Diese Mitgliedsnummer ist bereits vergeben."), field="member_number")
        number = requested
    sequence.last_number = max(highest, number)
    sequence.save(update_fields=["last_number"])
    return number


@transaction.atomic
def member_admit(
    *,
    actor: Any,
    member: Member,
    effective_date: dt.date,
    shares: int = 1,
    member_number: int | None = None,
    note: str = "",
) -> Member:
    """Admission by the cooperative: a member number, the joining date and the first shares."""
    member = _locked(member)
    _require_status(
        member, effective_date, (MemberStatus.APPLICANT,), _("Nur offene Beitrittsanträge können zugelassen werden.")
    )
    if member.joined_on:
        raise DomainError(_("Das Mitglied ist bereits zugelassen."), field="kind")
    application = member.events.filter(kind=EventKind.APPLICATION).order_by("effective_date").first()
    if application is None:
        raise DomainError(_("Es liegt keine Beitrittserklärung vor."), field="kind")
    if effective_date < application.effective_date:
        raise DomainError(_("Die Zulassung kann nicht vor der Beitrittserklärung liegen."), field="effective_date")
    if shares < 1:
        raise DomainError(_("Mindestens ein Geschäftsanteil ist zu zeichnen."), field="shares")
    before = _member_snapshot(member)
    member.member_number = next_member_number(member_number)
    member.joined_on = effective_date
    _save_member(actor=actor, member=member, before=before)
    _add_event(
        actor=actor,
        member=member,
        kind=EventKind.ADMISSION,
        effective_date=effective_date,
        member_number=member.member_number,
        note=note,
    )
    _add_event(
        actor=actor,
        member=member,
        kind=EventKind.SHARES_SUBSCRIBED,
        effective_date=effective_date,
        share_delta=shares,
        nominal_value=_nominal_value(),
    )
    return member


@transaction.atomic
def member_reject(*, actor: Any, member: Member, effective_date: dt.date, note: str = "") -> Member:
    """Rejection of an application. Its personal data is deleted (contacts, documents, notes)."""
    member = _locked(member)
    _require_status(
        member, effective_date, (MemberStatus.APPLICANT,), _("Nur offene Beitrittsanträge können abgelehnt werden.")
    )
    for contact in list(member.contacts.all()):
        audit.record(
            actor=actor, instance=contact, action="delete", before={}, after={}, redact=PERSONAL_FIELDS[Contact]
        )
        contact.delete()
    for event in member.events.all():
        if event.document:
            event.document.delete(save=False)
        MembershipEvent.objects.filter(pk=event.pk).update(document="", note="")
    before = _member_snapshot(member)
    member.rejected_on = effective_date
    member.phone = ""
    member.invoice_email = ""
    _save_member(actor=actor, member=member, before=before)
    _add_event(actor=actor, member=member, kind=EventKind.REJECTION, effective_date=effective_date, note=note)
    return member


@transaction.atomic
def shares_change(
    *, actor: Any, member: Member, effective_date: dt.date, delta: int, note: str = ""
) -> MembershipEvent:
    """Take further shares (delta > 0) or give up some (delta < 0); at least one share remains."""
    member = _locked(member)
    _require_status(
        member, effective_date, (MemberStatus.ACTIVE, MemberStatus.LEAVING), _("Nur Mitglieder halten Anteile.")
    )
    if delta == 0:
        raise DomainError(_("Die Änderung der Anteile darf nicht 0 sein."), field="share_delta")
    later_total = shares_on(member, dt.date.max)
    if shares_on(member, effective_date) + delta < 1 or later_total + delta < 1:
        raise DomainError(_("Ein Mitglied behält mindestens einen Geschäftsanteil."), field="share_delta")
    kind = EventKind.SHARES_INCREASED if delta > 0 else EventKind.SHARES_REDUCED
    return _add_event(
        actor=actor,
        member=member,
        kind=kind,
        effective_date=effective_date,
        share_delta=delta,
        nominal_value=_nominal_value(),
        note=note,
    )


@transaction.atomic
def share_payment_record(
    *, actor: Any, member: Member, effective_date: dt.date, amount: Decimal | None, note: str = ""
) -> MembershipEvent:
    member = _locked(member)
    _require_status(
        member, effective_date, (MemberStatus.ACTIVE, MemberStatus.LEAVING), _("Nur Mitglieder zahlen auf Anteile ein.")
    )
    if amount is None or amount <= 0:
        raise DomainError(_("Der Betrag muss größer als 0 sein."), field="amount")
    subscribed = shares_on(member, dt.date.max) * _nominal_value()
    if paid_in_on(member, dt.date.max) + amount > subscribed:
        raise DomainError(
            _("Die Einzahlung übersteigt die gezeichneten Anteile (%(total)s EUR).") % {"total": subscribed},
            field="amount",
        )
    return _add_event(
        actor=actor,
        member=member,
        kind=EventKind.SHARE_PAYMENT,
        effective_date=effective_date,
        amount=money(amount),
        note=note,
    )


def _schedule_exit(
    *,
    actor: Any,
    member: Member,
    kind: str,
    effective_date: dt.date,
    exit_date: dt.date,
    successor: Member | None = None,
    document: UploadedFile | None = None,
    note: str = "",
) -> MembershipEvent:
    _require_status(
        member,
        effective_date,
        (MemberStatus.ACTIVE,),
        _("Das Mitglied ist nicht (mehr) aktiv oder das Ausscheiden steht schon fest."),
    )
    before = _member_snapshot(member)
    member.left_on = exit_date
    if successor is not None:
        member.successor = successor
    _save_member(actor=actor, member=member, before=before)
    return _add_event(
        actor=actor,
        member=member,
        kind=kind,
        effective_date=effective_date,
        exit_date=exit_date,
        successor=successor,
        document=document or "",
        note=note,
    )


@transaction.atomic
def notice_record(
    *, actor: Any, member: Member, received_on: dt.date, document: UploadedFile | None = None, note: str = ""
) -> MembershipEvent:
    """Notice of termination (§ 65 GenG): the exit date follows from the receipt date and the statutes."""
    member = _locked(member)
    exit_date = rules.exit_date_after_notice(received_on)
    return _schedule_exit(
        actor=actor,
        member=member,
        kind=EventKind.NOTICE,
        effective_date=received_on,
        exit_date=exit_date,
        document=document,
        note=note,
    )


@transaction.atomic
def exclusion_record(
    *, actor: Any, member: Member, effective_date: dt.date, document: UploadedFile | None = None, note: str = ""
) -> MembershipEvent:
    """Exclusion by resolution (§ 68 GenG); the member leaves at the end of the business year."""
    member = _locked(member)
    return _schedule_exit(
        actor=actor,
        member=member,
        kind=EventKind.EXCLUSION,
        effective_date=effective_date,
        exit_date=rules.business_year_end_on_or_after(effective_date),
        document=document,
        note=note,
    )


@transaction.atomic
def merger_record(
    *, actor: Any, member: Member, effective_date: dt.date, successor: Member, note: str = ""
) -> MembershipEvent:
    """Merger into a successor (§ 77a GenG): membership continues until the end of that business year."""
    member = _locked(member)
    if successor.pk == member.pk:
        raise DomainError(_("Ein Mitglied kann nicht sein eigener Rechtsnachfolger sein."), field="successor")
    return _schedule_exit(
        actor=actor,
        member=member,
        kind=EventKind.MERGER,
        effective_date=effective_date,
        exit_date=rules.business_year_end_on_or_after(effective_date),
        successor=successor,
        note=note,
    )


@transaction.atomic
def exit_record(*, actor: Any, member: Member, effective_date: dt.date, note: str = "") -> MembershipEvent:
    """Record the exit on its date (for a planned exit that date; otherwise e.g. a dissolution)."""
    member = _locked(member)
    _require_status(
        member, effective_date, (MemberStatus.ACTIVE, MemberStatus.LEAVING), _("Das Mitglied ist nicht aktiv.")
    )
    if member.left_on and member.left_on != effective_date:
        raise DomainError(
            _("Das Ausscheiden steht bereits zum %(date)s fest.") % {"date": f"{member.left_on:%d.%m.%Y}"},
            field="effective_date",
        )
    if effective_date < (member.joined_on or effective_date):
        raise DomainError(_("Das Ausscheiden kann nicht vor dem Beitritt liegen."), field="effective_date")
    before = _member_snapshot(member)
    member.left_on = effective_date
    _save_member(actor=actor, member=member, before=before)
    return _add_event(
        actor=actor,
        member=member,
        kind=EventKind.EXIT,
        effective_date=effective_date,
        exit_date=effective_date,
        note=note,
    )


@transaction.atomic
def settlement_record(
    *, actor: Any, member: Member, effective_date: dt.date, amount: Decimal | None, note: str = ""
) -> MembershipEvent:
    """Payout of the paid-in capital after the exit (§ 73 GenG)."""
    member = _locked(member)
    if member.left_on is None or effective_date <= member.left_on:
        raise DomainError(_("Die Auszahlung ist erst nach dem Ausscheiden möglich."), field="effective_date")
    if amount is None or amount <= 0:
        raise DomainError(_("Der Betrag muss größer als 0 sein."), field="amount")
    balance = paid_in_on(member, dt.date.max)
    if amount > balance:
        raise DomainError(
            _("Der Betrag übersteigt das Geschäftsguthaben (%(balance)s EUR).") % {"balance": balance}, field="amount"
        )
    return _add_event(
        actor=actor,
        member=member,
        kind=EventKind.SETTLEMENT_PAID,
        effective_date=effective_date,
        amount=money(amount),
        note=note,
    )


# --- contacts, sites, cost centres, Leitweg-IDs -------------------------------------------------


@transaction.atomic
def subrecord_save(*, actor: Any, member: Member, instance: models.Model, data: dict[str, Any]) -> models.Model:
    """Create or change a contact, site, cost centre or Leitweg-ID of ``member``."""
    model = type(instance)
    if not policies.can_manage_subrecords(actor, member):
        raise PermissionDenied(_("Sie dürfen dieses Mitglied nicht ändern."))
    _locked(member)
    fields = SUBRECORD_FIELDS[model]
    created = instance.pk is None
    before = None if created else audit.snapshot(instance, fields)
    instance.member = member  # type: ignore[attr-defined]
    for name in fields:
        if name in data:
            setattr(instance, name, data[name].strip() if isinstance(data[name], str) else data[name])
    _full_clean(instance)
    if isinstance(instance, LeitwegId) and instance.is_default:
        LeitwegId.objects.filter(member=member).exclude(pk=instance.pk).update(is_default=False)
    instance.save()
    audit.record(
        actor=actor,
        instance=instance,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(instance, fields),
        redact=PERSONAL_FIELDS.get(model, ()),
    )
    return instance


@transaction.atomic
def subrecord_delete(*, actor: Any, member: Member, instance: models.Model) -> None:
    if not policies.can_manage_subrecords(actor, member):
        raise PermissionDenied(_("Sie dürfen dieses Mitglied nicht ändern."))
    fields = SUBRECORD_FIELDS[type(instance)]
    audit.record(
        actor=actor,
        instance=instance,
        action="delete",
        before=audit.snapshot(instance, fields),
        redact=PERSONAL_FIELDS.get(type(instance), ()),
    )
    instance.delete()


def event_record(*, actor: Any, member: Member, kind: str, data: dict[str, Any]) -> MembershipEvent:
    """Record a membership event of any kind from form or API data (one entry point for both)."""
    if not policies.can_record_events(actor):
        raise PermissionDenied(_("Nur die Geschäftsstelle erfasst Mitgliedschaftsvorgänge."))
    day = data.get("effective_date")
    if day is None:
        raise DomainError(_("Bitte das Datum angeben, zu dem der Vorgang wirksam ist."), field="effective_date")
    note = data.get("note") or ""
    document = data.get("document")
    if kind == EventKind.SUPERVISORY_APPROVAL:
        return supervisory_approval_record(actor=actor, member=member, effective_date=day, document=document, note=note)
    if kind == EventKind.ADMISSION:
        member = member_admit(
            actor=actor,
            member=member,
            effective_date=day,
            shares=data.get("share_delta") or 1,
            member_number=data.get("member_number"),
            note=note,
        )
        return member.events.get(kind=EventKind.ADMISSION)
    if kind == EventKind.REJECTION:
        member = member_reject(actor=actor, member=member, effective_date=day, note=note)
        return member.events.get(kind=EventKind.REJECTION)
    if kind in (EventKind.SHARES_INCREASED, EventKind.SHARES_REDUCED):
        delta = abs(data.get("share_delta") or 0)
        if delta == 0:
            raise DomainError(_("Bitte die Zahl der Anteile angeben."), field="share_delta")
        return shares_change(
            actor=actor,
            member=member,
            effective_date=day,
            delta=delta if kind == EventKind.SHARES_INCREASED else -delta,
            note=note,
        )
    if kind == EventKind.SHARE_PAYMENT:
        return share_payment_record(
            actor=actor, member=member, effective_date=day, amount=data.get("amount"), note=note
        )
    if kind == EventKind.NOTICE:
        return notice_record(actor=actor, member=member, received_on=day, document=document, note=note)
    if kind == EventKind.EXCLUSION:
        return exclusion_record(actor=actor, member=member, effective_date=day, document=document, note=note)
    if kind == EventKind.MERGER:
        successor = data.get("successor")
        if successor is None:
            raise DomainError(_("Bitte den Rechtsnachfolger angeben."), field="successor")
        return merger_record(actor=actor, member=member, effective_date=day, successor=successor, note=note)
    if kind == EventKind.EXIT:
        return exit_record(actor=actor, member=member, effective_date=day, note=note)
    if kind == EventKind.SETTLEMENT_PAID:
        return settlement_record(actor=actor, member=member, effective_date=day, amount=data.get("amount"), note=note)
    raise DomainError(_("Dieser Vorgang kann hier nicht erfasst werden."), field="kind")
