"""The suppliers' offers on a closed or evaluated campaign: one by one, lot by lot, or replaced as a whole
(the import)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kitu.contracts.models import Supplier
from kitu.core import audit
from kitu.core.errors import DomainError

from ..models import Campaign, CampaignItem, Offer, OfferLot, OfferTier
from ._common import OFFER_STATES, locked, require_manager, require_state


@dataclass(frozen=True)
class OfferInput:
    supplier: Supplier
    item: CampaignItem
    min_quantity: int
    max_quantity: int | None
    tiers: list[tuple[int, Decimal]]


@dataclass(frozen=True)
class OfferLotInput:
    supplier: Supplier
    name: str
    items: list[CampaignItem]


def _check_offer(campaign: Campaign, offer: OfferInput, where: str) -> None:
    if offer.item.campaign_id != campaign.pk:
        raise DomainError(_("%(where)s: die Position gehört nicht zu dieser Abfrage.") % {"where": where}, field="item")
    if offer.max_quantity is not None and offer.max_quantity < offer.min_quantity:
        raise DomainError(
            _("%(where)s: die Höchstmenge liegt unter der Mindestmenge.") % {"where": where}, field="max_quantity"
        )
    if not offer.tiers:
        raise DomainError(_("%(where)s: mindestens ein Preis ist nötig.") % {"where": where}, field="tiers")
    bounds = [low for low, _price in offer.tiers]
    if len(set(bounds)) != len(bounds):
        raise DomainError(_("%(where)s: zwei Staffeln beginnen bei derselben Menge.") % {"where": where}, field="tiers")
    if any(price < 0 for _low, price in offer.tiers) or any(low < 0 for low in bounds):
        raise DomainError(
            _("%(where)s: Mengen und Preise dürfen nicht negativ sein.") % {"where": where}, field="tiers"
        )


def _write_offer(campaign: Campaign, offer: OfferInput) -> Offer:
    Offer.objects.filter(campaign=campaign, supplier=offer.supplier, item=offer.item).delete()
    row = Offer.objects.create(
        campaign=campaign,
        supplier=offer.supplier,
        item=offer.item,
        min_quantity=offer.min_quantity,
        max_quantity=offer.max_quantity,
    )
    OfferTier.objects.bulk_create(
        OfferTier(offer=row, min_quantity=low, unit_price=price) for low, price in sorted(offer.tiers)
    )
    return row


def _offer_snapshot(offer: OfferInput) -> dict[str, Any]:
    return {
        "supplier": offer.supplier.pk,
        "item": offer.item.code,
        "min_quantity": offer.min_quantity,
        "max_quantity": offer.max_quantity,
        "tiers": [[low, str(price)] for low, price in sorted(offer.tiers)],
    }


@transaction.atomic
def offer_save(*, actor: Any, campaign: Campaign, offer: OfferInput) -> Offer:
    """Enter (or replace) one supplier's offer for one item."""
    require_manager(actor)
    campaign = locked(campaign)
    require_state(campaign, *OFFER_STATES)
    _check_offer(campaign, offer, offer.item.code)
    row = _write_offer(campaign, offer)
    audit.record(actor=actor, instance=row, action="create", after=_offer_snapshot(offer))
    return row


@transaction.atomic
def offer_remove(*, actor: Any, offer: Offer) -> None:
    require_manager(actor)
    require_state(locked(offer.campaign), *OFFER_STATES)
    audit.record(actor=actor, instance=offer, action="delete", before={"supplier": offer.supplier_id})
    offer.delete()


@transaction.atomic
def offer_lot_save(
    *, actor: Any, campaign: Campaign, supplier: Supplier, name: str, items: list[CampaignItem]
) -> OfferLot:
    require_manager(actor)
    campaign = locked(campaign)
    require_state(campaign, *OFFER_STATES)
    if len(items) < 2:
        raise DomainError(_("Ein Los umfasst mindestens zwei Positionen."), field="items")
    if any(item.campaign_id != campaign.pk for item in items):
        raise DomainError(_("Die Position gehört nicht zu dieser Abfrage."), field="items")
    lot, _created = OfferLot.objects.update_or_create(campaign=campaign, supplier=supplier, name=name.strip())
    lot.items.set(items)
    audit.record(actor=actor, instance=lot, action="create", after={"items": sorted(i.code for i in items)})
    return lot


@transaction.atomic
def offer_lot_remove(*, actor: Any, lot: OfferLot) -> None:
    require_manager(actor)
    require_state(locked(lot.campaign), *OFFER_STATES)
    audit.record(actor=actor, instance=lot, action="delete", before={"name": lot.name})
    lot.delete()


@transaction.atomic
def offers_replace(
    *, actor: Any, campaign: Campaign, offers: list[tuple[str, OfferInput]], lots: list[tuple[str, OfferLotInput]]
) -> int:
    """Replace all offers and lots of the campaign at once (the XLSX import); each entry names where it
    came from for the error message. All or nothing."""
    require_manager(actor)
    campaign = locked(campaign)
    require_state(campaign, *OFFER_STATES)
    Offer.objects.filter(campaign=campaign).delete()
    OfferLot.objects.filter(campaign=campaign).delete()
    for where, offer in offers:
        _check_offer(campaign, offer, where)
        _write_offer(campaign, offer)
    for _where, lot in lots:
        row = OfferLot.objects.create(campaign=campaign, supplier=lot.supplier, name=lot.name)
        row.items.set(lot.items)
    audit.record(
        actor=actor,
        instance=campaign,
        action="update",
        before=None,
        after={"offers_imported": len(offers), "lots_imported": len(lots)},
    )
    return len(offers)
