"""The optimiser run over the current demand and offers, and the award into a draft framework contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kitu.contracts import services as contract_services
from kitu.contracts.models import FrameworkContract, MemberQuota, Supplier
from kitu.core import audit
from kitu.core.errors import DomainError
from kitu.members.models import Member

from .. import optimizer, selectors
from ..models import Campaign, CampaignState, OptimisationRun
from ._common import OFFER_STATES, locked, require_manager, require_state, transition


@transaction.atomic
def optimiser_run(*, actor: Any, campaign: Campaign) -> OptimisationRun:
    """Run the award optimiser over the current demand and offers; the run is kept with its input."""
    require_manager(actor)
    campaign = locked(campaign)
    require_state(campaign, *OFFER_STATES)
    instance = selectors.optimiser_instance(campaign)
    if not instance["demand"]:
        raise DomainError(_("Es wurde kein Bedarf gemeldet."))
    if not instance["offers"]:
        raise DomainError(_("Bitte zuerst Angebote erfassen oder importieren."), field="offers")
    try:
        result = optimizer.optimize(instance)
    except optimizer.InstanceError as exc:  # the pages validate first; this names what slipped through
        raise DomainError(str(exc)) from exc
    run = OptimisationRun.objects.create(
        campaign=campaign,
        created_by=actor,
        status=result["status"],
        total_cost=Decimal(result["total_cost"]) if result["status"] == "optimal" else None,
        instance=instance,
        result=result,
    )
    audit.record(actor=actor, instance=run, action="create", after={"status": run.status, "total": str(run.total_cost)})
    return run


@transaction.atomic
def campaign_award(
    *,
    actor: Any,
    campaign: Campaign,
    run: OptimisationRun,
    number: str,
    title: str,
    legal_basis: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> FrameworkContract:
    """Turn an evaluated campaign into a draft framework contract from an optimal run: one lot per
    awarded supplier with a value limit (estimate and maximum), an article limit per item (estimated
    = awarded quantity, maximum = estimate × the campaign's factor), the members with demand as
    eligible members, and each member's reported quantity as its quota."""
    require_manager(actor)
    campaign = locked(campaign)
    require_state(campaign, CampaignState.EVALUATED)
    if run.campaign_id != campaign.pk or run.status != "optimal":
        raise DomainError(_("Bitte einen optimalen Lauf dieser Abfrage wählen."), field="run")
    if run.instance != selectors.optimiser_instance(campaign):
        raise DomainError(
            _("Angebote oder Meldungen haben sich seit diesem Lauf geändert; bitte neu berechnen."), field="run"
        )
    awards = run.result["awards"]
    suppliers = {str(s.pk): s for s in Supplier.objects.filter(pk__in={int(a["supplier"]) for a in awards})}
    members = list(Member.objects.filter(pk__in={int(d["member"]) for d in run.instance["demand"]}))
    contract = contract_services.contract_save(
        actor=actor,
        number=number,
        title=title,
        description=_("Aus der Bedarfsabfrage „%(title)s“.") % {"title": campaign.title},
        legal_basis=legal_basis,
        starts_on=starts_on,
        ends_on=ends_on,
        call_off_mode="direct",
        suppliers=list(suppliers.values()),
        eligible_members=members,
    )
    items = {item.code: item for item in campaign.items.all()}
    factor = campaign.max_factor
    for number_, key in enumerate(sorted(suppliers, key=lambda k: suppliers[k].name), start=1):
        supplier = suppliers[key]
        mine = sorted((a for a in awards if a["supplier"] == key), key=lambda a: a["item"])
        lot = contract_services.lot_save(
            actor=actor,
            contract=contract,
            number=number_,
            title=", ".join(items[a["item"]].title for a in mine)[:200],
            supplier=supplier,
        )
        value = sum((Decimal(a["unit_price"]) * a["quantity"] for a in mine), Decimal(0))
        contract_services.limit_save(
            actor=actor,
            lot=lot,
            estimated_value=value,
            max_value=(value * factor / 100).quantize(Decimal("0.01")),
        )
        for award in mine:
            contract_services.limit_save(
                actor=actor,
                lot=lot,
                article_pid=award["item"],
                estimated_quantity=award["quantity"],
                max_quantity=selectors.max_quantity(award["quantity"], factor),
            )
    quotas: dict[tuple[int, str], int] = {}
    for demand in run.instance["demand"]:
        key2 = (int(demand["member"]), demand["item"])
        quotas[key2] = quotas.get(key2, 0) + int(demand["quantity"])
    MemberQuota.objects.bulk_create(
        MemberQuota(contract=contract, member_id=member_id, article_pid=item, quantity=quantity)
        for (member_id, item), quantity in sorted(quotas.items())
    )
    transition(actor, campaign, CampaignState.AWARDED, contract=contract)
    return contract
