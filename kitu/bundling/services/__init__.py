"""Every write of the demand bundling: campaigns and their life cycle (campaigns), demand reports (reports),
offers (offers), optimiser runs and the award into a draft framework contract (award). Each write locks the
campaign row and records an audit row."""

from ._common import CAMPAIGN_FIELDS, OFFER_STATES
from .award import campaign_award, optimiser_run
from .campaigns import (
    OPEN_FIELDS,
    campaign_close,
    campaign_evaluate,
    campaign_open,
    campaign_save,
    campaigns_tick,
    item_remove,
    item_save,
)
from .offers import (
    OfferInput,
    OfferLotInput,
    offer_lot_remove,
    offer_lot_save,
    offer_remove,
    offer_save,
    offers_replace,
)
from .reports import LineInput, report_save

__all__ = [
    "CAMPAIGN_FIELDS",
    "OFFER_STATES",
    "OPEN_FIELDS",
    "LineInput",
    "OfferInput",
    "OfferLotInput",
    "campaign_award",
    "campaign_close",
    "campaign_evaluate",
    "campaign_open",
    "campaign_save",
    "campaigns_tick",
    "item_remove",
    "item_save",
    "offer_lot_remove",
    "offer_lot_save",
    "offer_remove",
    "offer_save",
    "offers_replace",
    "optimiser_run",
    "report_save",
]
