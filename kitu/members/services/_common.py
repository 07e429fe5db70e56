"""Helpers shared by the member services: locking, validation, audit of member and event rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models

from kitu.core import audit
from kitu.core.errors import DomainError, full_clean
from kitu.core.money import money

from .. import selectors
from ..models import (
    Contact,
    CostCentre,
    LeitwegId,
    Member,
    MembershipEvent,
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
    "default_site",
    "cost_centre_required",
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
    full_clean(event, exclude=["member", "recorded_by", "successor"])
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
    full_clean(member, exclude=["organisation", "successor"])
    member.save()
    audit.record(actor=actor, instance=member, action="update", before=before, after=_member_snapshot(member))
    return member


def _require_status(member: Member, day: dt.date, allowed: tuple[str, ...], message: str) -> None:
    if member.status_on(day) not in allowed:
        raise DomainError(message, field="kind")
