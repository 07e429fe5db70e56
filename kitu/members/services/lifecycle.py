"""Writes to the membership: admission, rejection, shares, notice, exclusion, merger, exit, settlement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.money import money

from .. import policies, rules
from ..models import (
    Contact,
    EventKind,
    Member,
    MemberNumberSequence,
    MembershipEvent,
    MemberStatus,
)
from . import joining_outcome
from ._common import (
    PERSONAL_FIELDS,
    _add_event,
    _locked,
    _member_snapshot,
    _nominal_value,
    _require_status,
    _save_member,
    paid_in_on,
    shares_on,
)


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


def member_number_preview(requested: int | None = None) -> int:
    """The number an admission would draw now (for the confirmation page): what :func:`next_member_number`
    gives, read without the lock. Should another admission draw it first, :func:`member_admit` with
    ``expected_number`` refuses, and the page asks again with the new number."""
    if requested is not None:
        return requested
    sequence = MemberNumberSequence.objects.filter(pk=1).first()
    highest = max(sequence.last_number if sequence else 0, Member.objects.aggregate(m=Max("member_number"))["m"] or 0)
    return highest + 1


@transaction.atomic
def member_admit(
    *,
    actor: Any,
    member: Member,
    effective_date: dt.date,
    shares: int = 1,
    member_number: int | None = None,
    note: str = "",
    expected_number: int | None = None,
) -> Member:
    """Admission by the cooperative: a member number, the joining date and the first shares.
    ``expected_number``: the number the person confirmed; if the draw gives another, nothing is saved."""
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
    if expected_number is not None and member.member_number != expected_number:
        raise DomainError(
            _(
                "Mitgliedsnummer %(expected)s ist inzwischen vergeben; die nächste freie ist %(number)s. "
                "Bitte bestätigen Sie die Zulassung noch einmal."
            )
            % {"expected": expected_number, "number": member.member_number},
            field="member_number",
        )
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
    joining_outcome.on_admitted(actor=actor, member=member)  # an online applicant gets the member's admin account
    return member


@transaction.atomic
def member_reject(
    *, actor: Any, member: Member, effective_date: dt.date, note: str = "", kind: str = EventKind.REJECTION
) -> Member:
    """Rejection of an application (or its withdrawal by the applicant, ``kind`` WITHDRAWAL). Its personal
    data is deleted (contacts, documents, notes)."""
    if kind not in (EventKind.REJECTION, EventKind.WITHDRAWAL):
        raise DomainError(_("Nur Ablehnung oder Rücknahme schließen einen Antrag."), field="kind")
    member = _locked(member)
    _require_status(
        member, effective_date, (MemberStatus.APPLICANT,), _("Nur offene Beitrittsanträge können abgelehnt werden.")
    )
    joining_outcome.on_closed(actor=actor, member=member, kind=kind, note=note)
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
    _add_event(actor=actor, member=member, kind=kind, effective_date=effective_date, note=note)
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
            expected_number=data.get("expected_number"),
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
