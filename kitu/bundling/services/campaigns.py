"""A campaign's life cycle: drafting it and its items, opening (mails the eligible members), closing,
evaluating, and the daily tick that closes campaigns past their close date and sends the reminders.

Life cycle: draft → open (mails the eligible members) → closed (at the close date, by the tick, or early
by hand) → evaluated (the cooperative froze the aggregate for the tender) → awarded (a draft framework
contract exists). The campaign row is locked for each state change, so no report slips past a close."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.contracts.models import Eligibility
from kitu.core import audit, jobs
from kitu.core.errors import DomainError, full_clean
from kitu.members.models import Member, MemberType

from .. import tasks
from ..models import Campaign, CampaignItem, CampaignState, DemandLine
from ._common import CAMPAIGN_FIELDS, locked, require_manager, require_state, snapshot, transition

# What may still change once the campaign is open (the members already plan with the rest).
OPEN_FIELDS = ("title", "description", "closes_on", "reminder_days", "max_factor")
ITEM_FIELDS = ("code", "title", "description", "unit", "article", "reference_price")


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
    require_manager(actor)
    today = today or timezone.localdate()
    created = campaign is None
    if campaign is None:
        campaign, before = Campaign(), None
    else:
        campaign = locked(campaign)
        before = snapshot(campaign)
        require_state(campaign, CampaignState.DRAFT, CampaignState.OPEN)
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
        after=snapshot(campaign),
    )
    return campaign


@transaction.atomic
def item_save(*, actor: Any, campaign: Campaign, item: CampaignItem | None = None, **fields: Any) -> CampaignItem:
    require_manager(actor)
    campaign = locked(campaign)
    require_state(campaign, CampaignState.DRAFT)
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
    require_manager(actor)
    require_state(locked(item.campaign), CampaignState.DRAFT)
    audit.record(actor=actor, instance=item, action="delete", before=audit.snapshot(item, ITEM_FIELDS))
    item.delete()


@transaction.atomic
def campaign_open(*, actor: Any, campaign: Campaign, today: dt.date | None = None) -> Campaign:
    """Open a draft on (or after) its start date and mail the eligible members."""
    require_manager(actor)
    today = today or timezone.localdate()
    campaign = locked(campaign)
    require_state(campaign, CampaignState.DRAFT)
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
    transition(actor, campaign, CampaignState.OPEN, opened_at=timezone.now())
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
    require_manager(actor)
    campaign = locked(campaign)
    require_state(campaign, CampaignState.OPEN)
    return transition(actor, campaign, CampaignState.CLOSED)


@transaction.atomic
def campaign_evaluate(*, actor: Any, campaign: Campaign) -> Campaign:
    """Freeze the aggregate: the demand is final, the tender volumes can go out."""
    require_manager(actor)
    campaign = locked(campaign)
    require_state(campaign, CampaignState.CLOSED)
    if not DemandLine.objects.filter(report__campaign=campaign).exists():
        raise DomainError(_("Es wurde kein Bedarf gemeldet; es gibt nichts auszuwerten."))
    return transition(actor, campaign, CampaignState.EVALUATED)


def campaigns_tick(*, today: dt.date | None = None) -> dict[str, int]:
    """Close every open campaign whose close date has passed; once per campaign, within its reminder
    window before the close date, remind the eligible members that have not answered. Idempotent."""
    today = today or timezone.localdate()
    counts = {"closed": 0, "reminded": 0}
    for pk in Campaign.objects.filter(state=CampaignState.OPEN, closes_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            campaign = Campaign.objects.select_for_update().get(pk=pk)
            if campaign.state == CampaignState.OPEN and campaign.closes_on < today:
                transition(None, campaign, CampaignState.CLOSED)
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
