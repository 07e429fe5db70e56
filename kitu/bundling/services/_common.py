"""Helpers shared by the bundling services: the campaign's audited fields, the manager check, the campaign lock,
the state checks and the audited state change."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied

from ..models import Campaign, CampaignState
from ..policies import can_manage_campaigns

CAMPAIGN_FIELDS = (
    "title",
    "description",
    "opens_on",
    "closes_on",
    "max_factor",
    "reminder_days",
    "participation",
    "participant_type",
)
OFFER_STATES = (CampaignState.CLOSED, CampaignState.EVALUATED)


def require_manager(actor: Any) -> None:
    if not can_manage_campaigns(actor):
        raise PermissionDenied(_("Nur die Geschäftsstelle und das Vertragsmanagement verwalten Bedarfsabfragen."))


def locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def require_state(campaign: Campaign, *states: str) -> None:
    if campaign.state not in states:
        raise DomainError(
            _("Im Status „%(state)s“ ist das nicht möglich.") % {"state": campaign.get_state_display()}, field="state"
        )


def snapshot(campaign: Campaign) -> dict[str, Any]:
    return {
        **audit.snapshot(campaign, (*CAMPAIGN_FIELDS, "state", "contract")),
        "eligible_members": sorted(campaign.eligible_members.values_list("pk", flat=True)),
    }


def transition(actor: Any, campaign: Campaign, state: str, **extra: Any) -> Campaign:
    before = snapshot(campaign)
    campaign.state = state
    for key, value in extra.items():
        setattr(campaign, key, value)
    campaign.save()
    audit.record(actor=actor, instance=campaign, action="update", before=before, after=snapshot(campaign))
    return campaign
