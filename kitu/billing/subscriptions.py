"""Members request a service, a new quantity or a cancellation in their cockpit; the office approves (which
creates the subscription or its change) or rejects with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.accounts.policies import is_coop_admin
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.members.models import CostCentre, Member

from .models import (
    InvoiceKind,
    InvoiceLine,
    Price,
    PriceTier,
    QuantityChange,
    RequestKind,
    RequestStatus,
    Service,
    Subscription,
    SubscriptionRequest,
)
from .policies import can_request_for


def earliest_end(subscription: Subscription, today: dt.date) -> dt.date:
    """A cancellation takes effect at the end of a month, after the notice period has run from today."""
    after_notice = today + relativedelta(months=subscription.notice_months)
    return after_notice + relativedelta(day=31)


def billed_until(**lookup: Any) -> dt.date | None:
    """The last day billed (of a ``subscription=`` or a ``service=``) on an invoice no credit note cancelled."""
    return InvoiceLine.objects.filter(
        invoice__kind=InvoiceKind.INVOICE, invoice__corrections__isnull=True, **lookup
    ).aggregate(last=Max("period_end"))["last"]


def current_quantity(subscription: Subscription, day: dt.date) -> int:
    """The quantity on ``day``: the latest change in effect (from the prefetched changes where there are)."""
    due = [c for c in subscription.changes.all() if c.effective_from <= day]
    return max(due, key=lambda c: c.effective_from).quantity if due else 0


@transaction.atomic
def request_create(
    *,
    actor: Any,
    member: Member,
    kind: str,
    effective_from: dt.date,
    service: Service | None = None,
    subscription: Subscription | None = None,
    quantity: int | None = None,
    cost_centre: CostCentre | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> SubscriptionRequest:
    if not can_request_for(actor, member):
        raise PermissionDenied(_("Anträge stellt die Administration des Mitglieds."))
    today = today or timezone.localdate()
    if cost_centre is not None and cost_centre.member_id != member.pk:
        raise DomainError(_("Die Kostenstelle gehört nicht zu diesem Mitglied."), field="cost_centre")
    if kind == RequestKind.NEW:
        if service is None or not service.is_active:
            raise DomainError(_("Bitte eine bestellbare Leistung wählen."), field="service")
        if effective_from < today:
            raise DomainError(_("Eine Leistung beginnt frühestens heute."), field="effective_from")
    else:
        if subscription is None or subscription.member_id != member.pk:
            raise DomainError(_("Bitte ein Abonnement des Mitglieds wählen."), field="subscription")
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.ends_on and subscription.ends_on < effective_from:
            raise DomainError(_("Das Abonnement endet vorher."), field="effective_from")
        if subscription.requests.filter(status=RequestStatus.PENDING).exists():
            raise DomainError(_("Zu diesem Abonnement liegt schon ein offener Antrag vor."), field="subscription")
        service = subscription.service
        if kind == RequestKind.CANCEL:
            if effective_from < earliest_end(subscription, today):
                raise DomainError(
                    _("Kündigung frühestens zum %(d)s (Kündigungsfrist %(m)s Monate zum Monatsende).")
                    % {"d": f"{earliest_end(subscription, today):%d.%m.%Y}", "m": subscription.notice_months},
                    field="effective_from",
                )
            quantity = None
        elif effective_from < today:
            raise DomainError(_("Eine Änderung gilt frühestens ab heute."), field="effective_from")
    if kind != RequestKind.CANCEL and (quantity is None or quantity < 1):
        raise DomainError(_("Bitte eine Menge ab 1 angeben."), field="quantity")
    request = SubscriptionRequest.objects.create(
        member=member,
        kind=kind,
        service=service,
        subscription=subscription,
        quantity=quantity,
        effective_from=effective_from,
        cost_centre=cost_centre,
        note=note.strip(),
        requested_by=actor,
    )
    audit.record(actor=actor, instance=request, action="create", after={"kind": kind, "service": service.code})
    return request


def _apply(request: SubscriptionRequest) -> None:
    if request.kind == RequestKind.NEW:
        subscription = Subscription.objects.create(
            member=request.member,
            service=request.service,
            starts_on=request.effective_from,
            notice_months=request.service.notice_months,
            cost_centre=request.cost_centre,
        )
        QuantityChange.objects.create(
            subscription=subscription, effective_from=request.effective_from, quantity=request.quantity or 1
        )
        request.subscription = subscription
        return
    subscription = Subscription.objects.select_for_update().get(pk=request.subscription_id or 0)
    billed = billed_until(subscription=subscription)
    if billed and billed >= request.effective_from:
        raise DomainError(
            _("Bis %(d)s ist schon abgerechnet; bitte erst die Rechnung per Gutschrift korrigieren.")
            % {"d": f"{billed:%d.%m.%Y}"}
        )
    if request.kind == RequestKind.CHANGE:
        if request.effective_from < subscription.starts_on:
            raise DomainError(_("Das Abonnement beginnt erst später."), field="effective_from")
        QuantityChange.objects.update_or_create(
            subscription=subscription, effective_from=request.effective_from, defaults={"quantity": request.quantity}
        )
        if request.cost_centre:
            subscription.cost_centre = request.cost_centre
            subscription.save(update_fields=["cost_centre"])
    else:
        subscription.ends_on = request.effective_from
        subscription.save(update_fields=["ends_on"])


@transaction.atomic
def request_decide(*, actor: Any, request: SubscriptionRequest, approve: bool, note: str = "") -> SubscriptionRequest:
    if not is_coop_admin(actor):
        raise PermissionDenied(_("Über Anträge entscheidet die Geschäftsstelle."))
    request = (
        SubscriptionRequest.objects.select_for_update(of=("self",))  # not the member's and service's rows
        .select_related("member", "service")
        .get(pk=request.pk)
    )
    if request.status != RequestStatus.PENDING:
        raise DomainError(_("Über diesen Antrag ist schon entschieden."))
    if not approve and not note.strip():
        raise DomainError(_("Bitte die Ablehnung begründen."), field="decision_note")
    if approve:
        _apply(request)
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note.strip()
    request.save()
    audit.record(actor=actor, instance=request, action="update", after={"status": request.status})
    return request


@transaction.atomic
def price_add(
    *, actor: Any, service: Service, valid_from: dt.date, amount: Decimal, tiers: Sequence[tuple[int, Decimal]] = ()
) -> Price:
    """A new price list entry from a date with its tiers (from a quantity on, that price for every unit);
    never inside a billed period."""
    if not is_coop_admin(actor):
        raise PermissionDenied(_("Preise pflegt die Geschäftsstelle."))
    if amount < 0:
        raise DomainError(_("Der Preis kann nicht negativ sein."), field="amount")
    billed = billed_until(service=service)
    if billed and valid_from <= billed:
        raise DomainError(
            _("Bis %(d)s ist schon abgerechnet; ein neuer Preis gilt frühestens ab dem Tag danach.")
            % {"d": f"{billed:%d.%m.%Y}"},
            field="valid_from",
        )
    price, _created = Price.objects.update_or_create(
        service=service, valid_from=valid_from, defaults={"amount": amount}
    )
    price.tiers.all().delete()
    PriceTier.objects.bulk_create(PriceTier(price=price, min_quantity=q, amount=a) for q, a in tiers)
    audit.record(actor=actor, instance=service, action="update", after={"price": str(amount), "from": str(valid_from)})
    return price


@transaction.atomic
def service_save(*, actor: Any, service: Service | None = None, **data: Any) -> Service:
    """Create or change a service of the catalog; billed lines keep their texts and amounts."""
    if not is_coop_admin(actor):
        raise PermissionDenied(_("Den Leistungskatalog pflegt die Geschäftsstelle."))
    stored = Service.objects.filter(pk=service.pk).first() if service is not None else None  # a form may have set it
    changes_model = stored is not None and stored.pricing != data.get("pricing", stored.pricing)
    if changes_model and InvoiceLine.objects.filter(service=stored).exists():
        raise DomainError(
            _("Das Preismodell einer schon abgerechneten Leistung bleibt; bitte eine neue Leistung anlegen."),
            field="pricing",
        )
    before = None if stored is None else {k: str(getattr(stored, k)) for k in data}
    service = service or Service()
    for key, value in data.items():
        setattr(service, key, value)
    service.save()
    audit.record(
        actor=actor,
        instance=service,
        action="create" if before is None else "update",
        before=before,
        after={k: str(v) for k, v in data.items()},
    )
    return service
