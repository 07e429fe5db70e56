"""The service desk's billable time as a usage source of billing runs (kitu.billing.usage): one line per ticket
and run with the unbilled billable minutes up to the period's end, on the member's subscription of the
per-hour support service (setting KITU_SERVICEDESK_SUPPORT_SERVICE); time of a member without that
subscription stays unbilled (and shows so on the ticket)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from kitu.billing.models import Subscription
from kitu.billing.usage import UsageLine

from . import conf
from .models import TimeEntry

HOUR = Decimal(60)


def hours_text(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}".replace(".", ",")


def has_support(member_id: int, day: dt.date) -> bool:
    """Whether the member's time is billed: it has a subscription of the per-hour support service running on
    ``day`` (without one, recorded time stays unbilled)."""
    return (
        Subscription.objects.filter(member_id=member_id, service__code=conf.support_service_code(), starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .exists()
    )


class TimeRecords:
    def lines(self, start: dt.date, end: dt.date) -> list[UsageLine]:
        entries = list(
            TimeEntry.objects.select_for_update(of=("self",))
            .filter(billable=True, invoice_line__isnull=True, worked_on__lte=end)
            .select_related("ticket")
            .order_by("ticket_id", "pk")
        )
        if not entries:
            return []
        member_ids = {entry.ticket.member_id for entry in entries}
        subscriptions = {
            sub.member_id: sub
            for sub in Subscription.objects.filter(
                member_id__in=member_ids, service__code=conf.support_service_code(), starts_on__lte=end
            )
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
            .order_by("starts_on", "pk")
        }
        by_ticket: dict[int, list[TimeEntry]] = defaultdict(list)
        for entry in entries:
            if entry.ticket.member_id in subscriptions:
                by_ticket[entry.ticket_id].append(entry)
        out = []
        for items in by_ticket.values():
            ticket = items[0].ticket
            minutes = sum(entry.minutes for entry in items)
            quantity = (Decimal(minutes) / HOUR).quantize(Decimal("0.0001"))
            out.append(
                UsageLine(
                    subscription_id=subscriptions[ticket.member_id].pk,
                    day=min(max(max(entry.worked_on for entry in items), start), end),
                    quantity=quantity,
                    description=f"Unterstützung durch Fachpersonal, Ticket {ticket.number}: {ticket.subject}, "
                    f"{hours_text(quantity)} Stunden",
                    reference=",".join(str(entry.pk) for entry in items),
                )
            )
        return out

    def billed(self, reference: str, invoice_line_id: int) -> None:
        ids = [int(pk) for pk in reference.split(",") if pk]
        TimeEntry.objects.filter(pk__in=ids, invoice_line__isnull=True).update(invoice_line_id=invoice_line_id)
