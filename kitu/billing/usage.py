"""Usage sources: upper apps that bill what was used in a period (e.g. the service desk's recorded time)
register here in their ``AppConfig.ready()``; a billing run asks each for its lines and tells it which invoice
line took them, in the run's transaction, so nothing is billed twice. Billing imports none of those apps.

A usage line is priced by the member's subscription it names (its service's price on the day, per unit):
quantity × price, rounded half up to cents, on the member's invoice of the run (Leitweg-ID of the
subscription, else the member's default)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.db.models import Max

from .models import BillingRun, Invoice, InvoiceKind, InvoiceLine, Service, Subscription

CENT = Decimal("0.01")


@dataclass(frozen=True)
class UsageLine:
    subscription_id: int  # the member's subscription of a per-unit service (e.g. support per hour)
    day: dt.date  # priced at the service's price of this day; within the run's period
    quantity: Decimal  # in the service's unit, e.g. hours (4 decimals)
    description: str
    reference: str  # the source's key of what this line bills, handed back to ``billed``


class UsageSource(Protocol):
    def lines(self, start: dt.date, end: dt.date) -> list[UsageLine]:
        """Unbilled usage up to ``end`` (rows locked until the run's commit)."""
        ...

    def billed(self, reference: str, invoice_line_id: int) -> None:
        """The usage of ``reference`` is on that invoice line now."""
        ...


SOURCES: list[UsageSource] = []


def register(source: UsageSource) -> None:
    if not any(type(s) is type(source) for s in SOURCES):
        SOURCES.append(source)


def amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def bill(*, run: BillingRun, start: dt.date, end: dt.date, skipped: list[str]) -> list[Invoice]:
    """Add every source's usage lines to the run's draft invoices; the invoices touched (totals to refresh).
    Members without a Leitweg-ID are added to ``skipped`` and their usage stays unbilled."""
    touched: dict[int, Invoice] = {}
    for source in SOURCES:
        items = source.lines(start, end)
        subscriptions = Subscription.objects.select_related("service", "member__organisation").in_bulk(
            {item.subscription_id for item in items}
        )
        for item in items:
            subscription = subscriptions[item.subscription_id]
            leitweg = subscription.leitweg_id or subscription.member.default_leitweg_id
            if not leitweg:
                if subscription.member.name not in skipped:
                    skipped.append(subscription.member.name)
                continue
            price = price_on(subscription.service, item.day)
            if price is None:
                continue
            invoice, _created = Invoice.objects.get_or_create(
                run=run,
                member_id=subscription.member_id,
                leitweg_id=leitweg,
                kind=InvoiceKind.INVOICE,
                defaults={"period_start": start, "period_end": end, "is_demo": subscription.is_demo},
            )
            position = (invoice.lines.aggregate(last=Max("position"))["last"] or 0) + 1
            line = InvoiceLine.objects.create(
                invoice=invoice,
                position=position,
                subscription=subscription,
                service=subscription.service,
                description=item.description[:250],
                period_start=item.day,
                period_end=item.day,
                quantity=item.quantity,
                unit_code=subscription.service.unit_code,
                unit_price=price,
                net_amount=amount(item.quantity, price),
                vat_rate=subscription.service.vat_rate,
                contract_reference=subscription.service.contract_reference,
            )
            source.billed(item.reference, line.pk)
            touched[invoice.pk] = invoice
    return list(touched.values())


def price_on(service: Service, day: dt.date) -> Decimal | None:
    price = service.prices.filter(valid_from__lte=day).order_by("-valid_from").first()
    return price.amount if price else None
