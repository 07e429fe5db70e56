"""Every write of the demand bundling: campaigns and their life cycle, demand reports, offers, optimiser
runs and the award into a draft framework contract.

Life cycle: draft → open (mails the eligible members) → closed (at the close date, by the tick, or early
by hand) → evaluated (the cooperative froze the aggregate for the tender) → awarded (a draft framework
contract exists). Reports are accepted while the campaign is open and its close date (inclusive) has not
passed; the campaign row is locked for each report and each state change, so none slips past a close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.contracts import services as contract_services
from kitu.contracts.models import Eligibility, FrameworkContract, MemberQuota, Supplier
from kitu.core import audit, jobs
from kitu.core.errors import DomainError, PermissionDenied, full_clean
from kitu.members.models import CostCentre, Member, MemberType

from . import optimizer, selectors, tasks
from .models import (
    Campaign,
    CampaignItem,
    CampaignState,
    DemandLine,
    DemandReport,
    Offer,
    OfferLot,
    OfferTier,
    OptimisationRun,
)
from .policies import can_answer_for, can_manage_campaigns

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
# What may still change once the campaign is open (the members already plan with the rest).
OPEN_FIELDS = ("title", "description", "closes_on", "reminder_days", "max_factor")
ITEM_FIELDS = ("code", "title", "description", "unit", "article", "reference_price")
OFFER_STATES = (CampaignState.CLOSED, CampaignState.EVALUATED)


def _require_manager(actor: Any) -> None:
    if not can_manage_campaigns(actor):
        raise PermissionDenied(_("Nur die Geschäftsstelle und das Vertragsmanagement verwalten Bedarfsabfragen."))


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _require_state(campaign: Campaign, *states: str) -> None:
    if campaign.state not in states:
        raise DomainError(
            _("Im Status „%(state)s“ ist das nicht möglich.") % {"state": campaign.get_state_display()}, field="state"
        )


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    return {
        **audit.snapshot(campaign, (*CAMPAIGN_FIELDS, "state", "contract")),
        "eligible_members": sorted(campaign.eligible_members.values_list("pk", flat=True)),
    }


def _check_participation(campaign: Campaign) -> None:
    if campaign.participation not in Eligibility.values:
        raise DomainError(_("Bitte wählen Sie, wer teilnimmt."), field="participation")
    if campaign.participation == Eligibility.MEMBER_TYPE:
        if campaign.participant_type not in MemberType.values:
            raise DomainError(_("Bitte wählen Sie die Art der Mitglieder."), field="participant_type")
    else:
        campaign.participant_type = ""


def _members_by_rule(campaign: Campaign, today: dt.date) -> list[int]:
    """Every current member (of the type): written out on saving a draft and again on opening."""
    qs = Member.objects.members_on(today)
    if campaign.participation == Eligibility.MEMBER_TYPE:
        qs = qs.filter(member_type=campaign.participant_type)
    return list(qs.values_list("pk", flat=True))


@transaction.atomic
def campaign_save(
    *,
    actor: Any,
    campaign: Campaign | None = None,
    eligible_members: list[Member] | None = None,
    today: dt.date | None = None,
    **fields: Any,
) -> Campaign:
    """Create or change a campaign: everything in draft; title, description, close date, factor and
    reminder while open (the close date not before today); nothing afterwards."""
    _require_manager(actor)
    today = today or timezone.localdate()
    created = campaign is None
    if campaign is None:
        campaign, before = Campaign(), None
    else:
        campaign = _locked(campaign)
        before = _snapshot(campaign)
        _require_state(campaign, CampaignState.DRAFT, CampaignState.OPEN)
    allowed = CAMPAIGN_FIELDS if campaign.state == CampaignState.DRAFT else OPEN_FIELDS
    for key, value in fields.items():
        if key not in CAMPAIGN_FIELDS:
            raise DomainError(_("Feld kann nicht geändert werden."), field=key)
        if key not in allowed and getattr(campaign, key) != value:
            raise DomainError(_("Nach dem Öffnen nicht mehr änderbar."), field=key)
        setattr(campaign, key, value)
    full_clean(campaign)
    if campaign.closes_on < campaign.opens_on:
        raise DomainError(_("Der Meldeschluss liegt vor dem Beginn."), field="closes_on")
    if campaign.state == CampaignState.OPEN and campaign.closes_on < today:
        raise DomainError(_("Der Meldeschluss darf nicht in der Vergangenheit liegen."), field="closes_on")
    _check_participation(campaign)
    campaign.save()
    if campaign.participation != Eligibility.SELECTED:
        if campaign.state == CampaignState.DRAFT:
            campaign.eligible_members.set(_members_by_rule(campaign, today))
    elif eligible_members is not None:
        current = set(campaign.eligible_members.values_list("pk", flat=True))
        if campaign.state != CampaignState.DRAFT and current != {m.pk for m in eligible_members}:
            raise DomainError(_("Nach dem Öffnen nicht mehr änderbar."), field="eligible_members")
        campaign.eligible_members.set(eligible_members)
    audit.record(
        actor=actor,
        instance=campaign,
        action="create" if created else "update",
        before=before,
        after=_snapshot(campaign),
    )
    return campaign


@transaction.atomic
def item_save(*, actor: Any, campaign: Campaign, item: CampaignItem | None = None, **fields: Any) -> CampaignItem:
    _require_manager(actor)
    campaign = _locked(campaign)
    _require_state(campaign, CampaignState.DRAFT)
    created = item is None
    item = item or CampaignItem(campaign=campaign)
    before = None if created else audit.snapshot(item, ITEM_FIELDS)
    for key, value in fields.items():
        if key not in ITEM_FIELDS:
            raise DomainError(_("Feld kann nicht geändert werden."), field=key)
        setattr(item, key, value.strip() if isinstance(value, str) else value)
    if item.article is not None and not item.title:
        item.title = item.article.description_short[:200]
    if item.article is not None and item.reference_price is None:
        item.reference_price = item.article.price
    if CampaignItem.objects.filter(campaign=campaign, code=item.code).exclude(pk=item.pk).exists():
        raise DomainError(_("Diese Pos.-Nr. gibt es in der Abfrage schon."), field="code")
    full_clean(item)
    item.save()
    audit.record(
        actor=actor,
        instance=item,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(item, ITEM_FIELDS),
    )
    return item


@transaction.atomic
def item_remove(*, actor: Any, item: CampaignItem) -> None:
    _require_manager(actor)
    _require_state(_locked(item.campaign), CampaignState.DRAFT)
    audit.record(actor=actor, instance=item, action="delete", before=audit.snapshot(item, ITEM_FIELDS))
    item.delete()


def _transition(actor: Any, campaign: Campaign, state: str, **extra: Any) -> Campaign:
    before = _snapshot(campaign)
    campaign.state = state
    for key, value in extra.items():
        setattr(campaign, key, value)
    campaign.save()
    audit.record(actor=actor, instance=campaign, action="update", before=before, after=_snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_open(*, actor: Any, campaign: Campaign, today: dt.date | None = None) -> Campaign:
    """Open a draft on (or after) its start date and mail the eligible members."""
    _require_manager(actor)
    today = today or timezone.localdate()
    campaign = _locked(campaign)
    _require_state(campaign, CampaignState.DRAFT)
    if not campaign.items.exists():
        raise DomainError(_("Die Abfrage braucht mindestens eine Position."), field="items")
    if campaign.participation != Eligibility.SELECTED:  # members admitted since the draft was saved
        campaign.eligible_members.set(_members_by_rule(campaign, today))
    member_ids = sorted(campaign.eligible_members.values_list("pk", flat=True))
    if not member_ids:
        raise DomainError(_("Bitte mindestens ein teilnahmeberechtigtes Mitglied wählen."), field="eligible_members")
    if today < campaign.opens_on:
        raise DomainError(
            _("Die Abfrage beginnt erst am %(day)s.") % {"day": f"{campaign.opens_on:%d.%m.%Y}"}, field="opens_on"
        )
    if today > campaign.closes_on:
        raise DomainError(_("Der Meldeschluss ist schon vorbei."), field="closes_on")
    _transition(actor, campaign, CampaignState.OPEN, opened_at=timezone.now())
    job = jobs.job_create(
        actor=actor,
        kind=tasks.OPEN_MAILS,
        title=_("Bedarfsabfrage „%(title)s“: Mitglieder benachrichtigen") % {"title": campaign.title},
        unit=_("Mitgliedern"),
        total=len(member_ids),
        subject=campaign,
        back_url=reverse("bundling:detail", args=[campaign.pk]),
        back_label=_("Zur Bedarfsabfrage"),
    )
    transaction.on_commit(partial(tasks.send_campaign_mails.delay, campaign.pk, member_ids, "open", str(job.pk)))
    return campaign


@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign) -> Campaign:
    """Close early, by hand (the tick closes at the close date)."""
    _require_manager(actor)
    campaign = _locked(campaign)
    _require_state(campaign, CampaignState.OPEN)
    return _transition(actor, campaign, CampaignState.CLOSED)


@transaction.atomic
def campaign_evaluate(*, actor: Any, campaign: Campaign) -> Campaign:
    """Freeze the aggregate: the demand is final, the tender volumes can go out."""
    _require_manager(actor)
    campaign = _locked(campaign)
    _require_state(campaign, CampaignState.CLOSED)
    if not DemandLine.objects.filter(report__campaign=campaign).exists():
        raise DomainError(_("Es wurde kein Bedarf gemeldet; es gibt nichts auszuwerten."))
    return _transition(actor, campaign, CampaignState.EVALUATED)


def campaigns_tick(*, today: dt.date | None = None) -> dict[str, int]:
    """Close every open campaign whose close date has passed; once per campaign, within its reminder
    window before the close date, remind the eligible members that have not answered. Idempotent."""
    today = today or timezone.localdate()
    counts = {"closed": 0, "reminded": 0}
    for pk in Campaign.objects.filter(state=CampaignState.OPEN, closes_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            campaign = Campaign.objects.select_for_update().get(pk=pk)
            if campaign.state == CampaignState.OPEN and campaign.closes_on < today:
                _transition(None, campaign, CampaignState.CLOSED)
                counts["closed"] += 1
    due = Campaign.objects.filter(state=CampaignState.OPEN, reminded_at__isnull=True, closes_on__gte=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            campaign = Campaign.objects.select_for_update().get(pk=pk)
            if campaign.reminded_at or campaign.closes_on - dt.timedelta(days=campaign.reminder_days) > today:
                continue
            silent = sorted(
                campaign.eligible_members.exclude(demand_reports__campaign=campaign).values_list("pk", flat=True)
            )
            campaign.reminded_at = timezone.now()
            campaign.save(update_fields=["reminded_at"])
            if silent:
                transaction.on_commit(partial(tasks.send_campaign_mails.delay, campaign.pk, silent, "reminder"))
            counts["reminded"] += len(silent)
    return counts


@dataclass(frozen=True)
class LineInput:
    item: CampaignItem
    quantity: int
    delivery_quarter: int
    cost_centre: CostCentre | None = None
    budget_secured: bool = False
    comment: str = ""


def _line_snapshot(lines: list[LineInput] | list[DemandLine]) -> list[list[Any]]:
    return [
        [
            line.item.code,
            line.quantity,
            line.delivery_quarter,
            line.cost_centre.code if line.cost_centre else "",
            line.budget_secured,
            line.comment,
        ]
        for line in lines
    ]


@transaction.atomic
def report_save(
    *,
    actor: Any,
    campaign: Campaign,
    member: Member,
    lines: list[LineInput],
    no_demand: bool = False,
    today: dt.date | None = None,
) -> DemandReport:
    """Record (or replace) the member's answer: its demand lines, or "no demand". The member's
    requesters and budget holders answer; the cooperative's office may record an answer it received
    by letter or e-mail (the audit trail names who recorded it)."""
    if not (can_answer_for(actor, member.organisation_id) or can_manage_campaigns(actor)):
        raise PermissionDenied(_("Sie dürfen für dieses Mitglied keinen Bedarf melden."))
    today = today or timezone.localdate()
    campaign = _locked(campaign)
    if not campaign.eligible_members.filter(pk=member.pk).exists():
        raise PermissionDenied(_("Dieses Mitglied ist an der Abfrage nicht beteiligt."))
    if not campaign.accepts_reports_on(today):
        raise DomainError(_("Die Abfrage ist geschlossen; Meldungen sind nicht mehr möglich."), field="state")
    if no_demand and lines:
        raise DomainError(_("Bitte entweder Mengen melden oder „kein Bedarf“ wählen, nicht beides."), field="no_demand")
    if not no_demand and not lines:
        raise DomainError(_("Bitte mindestens eine Menge melden oder „kein Bedarf“ wählen."), field="no_demand")
    seen: set[int] = set()
    for line in lines:
        where = line.item.code
        if line.item.campaign_id != campaign.pk or line.item.pk in seen:
            raise DomainError(_("Position %(pos)s gehört nicht zu dieser Abfrage.") % {"pos": where}, field="items")
        seen.add(line.item.pk)
        if line.quantity < 1:
            raise DomainError(
                _("Position %(pos)s: die Menge muss mindestens 1 sein.") % {"pos": where}, field="quantity"
            )
        if line.delivery_quarter not in (1, 2, 3, 4):
            raise DomainError(_("Position %(pos)s: bitte ein Lieferquartal wählen.") % {"pos": where}, field="quarter")
        if line.cost_centre is not None and line.cost_centre.member_id != member.pk:
            raise DomainError(
                _("Position %(pos)s: die Kostenstelle gehört nicht zum Mitglied.") % {"pos": where}, field="cost_centre"
            )
    report = DemandReport.objects.filter(campaign=campaign, member=member).first()
    created = report is None
    before = None
    if report is None:
        report = DemandReport(campaign=campaign, member=member)
    else:
        before = {"no_demand": report.no_demand, "lines": _line_snapshot(list(report.lines.select_related("item")))}
    report.no_demand = no_demand
    report.submitted_by = actor
    report.submitted_at = timezone.now()
    report.save()
    report.lines.all().delete()
    DemandLine.objects.bulk_create(
        DemandLine(
            report=report,
            item=line.item,
            quantity=line.quantity,
            delivery_quarter=line.delivery_quarter,
            cost_centre=line.cost_centre,
            budget_secured=line.budget_secured,
            comment=line.comment.strip()[:500],
        )
        for line in sorted(lines, key=lambda x: x.item.code)
    )
    after = {"no_demand": no_demand, "lines": _line_snapshot(sorted(lines, key=lambda x: x.item.code))}
    audit.record(actor=actor, instance=report, action="create" if created else "update", before=before, after=after)
    return report


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
    _require_manager(actor)
    campaign = _locked(campaign)
    _require_state(campaign, *OFFER_STATES)
    _check_offer(campaign, offer, offer.item.code)
    row = _write_offer(campaign, offer)
    audit.record(actor=actor, instance=row, action="create", after=_offer_snapshot(offer))
    return row


@transaction.atomic
def offer_remove(*, actor: Any, offer: Offer) -> None:
    _require_manager(actor)
    _require_state(_locked(offer.campaign), *OFFER_STATES)
    audit.record(actor=actor, instance=offer, action="delete", before={"supplier": offer.supplier_id})
    offer.delete()


@transaction.atomic
def offer_lot_save(
    *, actor: Any, campaign: Campaign, supplier: Supplier, name: str, items: list[CampaignItem]
) -> OfferLot:
    _require_manager(actor)
    campaign = _locked(campaign)
    _require_state(campaign, *OFFER_STATES)
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
    _require_manager(actor)
    _require_state(_locked(lot.campaign), *OFFER_STATES)
    audit.record(actor=actor, instance=lot, action="delete", before={"name": lot.name})
    lot.delete()


@transaction.atomic
def offers_replace(
    *, actor: Any, campaign: Campaign, offers: list[tuple[str, OfferInput]], lots: list[tuple[str, OfferLotInput]]
) -> int:
    """Replace all offers and lots of the campaign at once (the XLSX import); each entry names where it
    came from for the error message. All or nothing."""
    _require_manager(actor)
    campaign = _locked(campaign)
    _require_state(campaign, *OFFER_STATES)
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


@transaction.atomic
def optimiser_run(*, actor: Any, campaign: Campaign) -> OptimisationRun:
    """Run the award optimiser over the current demand and offers; the run is kept with its input."""
    _require_manager(actor)
    campaign = _locked(campaign)
    _require_state(campaign, *OFFER_STATES)
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
    _require_manager(actor)
    campaign = _locked(campaign)
    _require_state(campaign, CampaignState.EVALUATED)
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
    _transition(actor, campaign, CampaignState.AWARDED, contract=contract)
    return contract
