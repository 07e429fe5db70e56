"""Keeping the register: devices entered by hand, changes (serial number, site, cost centre, responsible
person, warranty), status changes along ``TRANSITIONS``, and due replacements as demand lines of a campaign."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.bundling.models import Campaign, CampaignItem, DemandReport
from kitu.bundling.services import LineInput, report_save
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied, full_clean
from kitu.members.models import CostCentre, Member, Site

from . import lifecycle
from .models import TRANSITIONS, Asset, AssetSource, AssetStatus
from .policies import can_edit

# What may change on every device, and what only on one entered by hand (the rest comes from the order).
EDIT_FIELDS = ("inventory_number", "serial_number", "site", "cost_centre", "responsible", "warranty_end")
MANUAL_FIELDS = ("description", "manufacturer", "eclass_group", "acquired_on", "price")
AUDIT_FIELDS = (*EDIT_FIELDS, *MANUAL_FIELDS, "status")


def _require_editor(actor: Any, member: Member) -> None:
    if not can_edit(actor, member.organisation_id):
        raise PermissionDenied(_("Geräte pflegen die Administration und die Bedarfsträger des Mitglieds."))


def _check_member_refs(member: Member, data: dict[str, Any]) -> None:
    site, centre = data.get("site"), data.get("cost_centre")
    if isinstance(site, Site) and site.member_id != member.pk:
        raise DomainError(_("Der Standort gehört nicht zum Mitglied."), field="site")
    if isinstance(centre, CostCentre) and centre.member_id != member.pk:
        raise DomainError(_("Die Kostenstelle gehört nicht zum Mitglied."), field="cost_centre")


def _apply(asset: Asset, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise DomainError(_("Dieses Feld kann hier nicht geändert werden: %(f)s") % {"f": unknown[0]}, field=unknown[0])
    for name, value in data.items():
        if name == "eclass_group" and isinstance(value, str):
            value = value.replace("-", "").strip()
        setattr(asset, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def asset_create(*, actor: Any, member: Member, data: dict[str, Any], status: str = AssetStatus.IN_USE) -> Asset:
    """A device entered by hand (bought before the platform, or elsewhere)."""
    _require_editor(actor, member)
    _check_member_refs(member, data)
    if status not in TRANSITIONS or status == AssetStatus.RETIRED:
        raise DomainError(_("Bitte einen gültigen Status wählen."), field="status")
    asset = Asset(member=member, source=AssetSource.MANUAL, status=status, updated_by=actor, is_demo=False)
    _apply(asset, data, (*EDIT_FIELDS, *MANUAL_FIELDS))
    if asset.acquired_on and asset.acquired_on > timezone.localdate():
        raise DomainError(_("Das Zugangsdatum liegt in der Zukunft."), field="acquired_on")
    full_clean(asset, exclude=["member", "updated_by", "article", "supplier", "order", "shipment_line"])
    asset.save()
    audit.record(actor=actor, instance=asset, action="create", after=audit.snapshot(asset, AUDIT_FIELDS))
    return asset


@transaction.atomic
def asset_update(*, actor: Any, asset: Asset, data: dict[str, Any]) -> Asset:
    asset = Asset.objects.select_for_update(of=("self",)).select_related("member").get(pk=asset.pk)
    _require_editor(actor, asset.member)
    _check_member_refs(asset.member, data)
    before = audit.snapshot(asset, AUDIT_FIELDS)
    allowed = (*EDIT_FIELDS, *MANUAL_FIELDS) if asset.source == AssetSource.MANUAL else EDIT_FIELDS
    _apply(asset, data, allowed)
    asset.updated_by = actor
    full_clean(asset, exclude=["member", "updated_by", "article", "supplier", "order", "shipment_line"])
    asset.save()
    audit.record(actor=actor, instance=asset, action="update", before=before, after=audit.snapshot(asset, AUDIT_FIELDS))
    return asset


@transaction.atomic
def status_change(*, actor: Any, asset: Asset, status: str) -> Asset:
    """Move along the transition table; a retired device stays retired."""
    asset = Asset.objects.select_for_update(of=("self",)).select_related("member").get(pk=asset.pk)
    _require_editor(actor, asset.member)
    if status not in TRANSITIONS.get(asset.status, ()):
        raise DomainError(
            _("Von „%(from)s“ geht es nicht nach „%(to)s“.")
            % {"from": asset.get_status_display(), "to": dict(AssetStatus.choices).get(status, status)},
            field="status",
        )
    before = asset.status
    asset.status, asset.updated_by = status, actor
    asset.save(update_fields=["status", "updated_by", "updated_at"])
    audit.record(actor=actor, instance=asset, action="update", before={"status": before}, after={"status": status})
    return asset


# --- due replacements into a demand campaign -----------------------------------------------------------


@dataclass
class CampaignProposal:
    """What "put due replacements into the campaign report" would do: per campaign position the number of
    due devices it covers, and the devices no position covers."""

    campaign: Campaign
    member: Member
    counts: dict[int, int] = field(default_factory=dict)  # item id -> due devices
    items: dict[int, CampaignItem] = field(default_factory=dict)
    quarters: dict[int, int] = field(default_factory=dict)  # item id -> delivery quarter
    unmatched: list[Asset] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _quarter(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def propose(*, campaign: Campaign, member: Member, due: list[Asset], today: dt.date) -> CampaignProposal:
    """Match each due device to the campaign position of its article, else of its ECLASS class."""
    items = list(CampaignItem.objects.filter(campaign=campaign).select_related("article").order_by("code"))
    by_article = {i.article_id: i for i in items if i.article_id}
    by_class: dict[str, CampaignItem] = {}
    for candidate in items:
        if candidate.article is not None and candidate.article.eclass_group:
            by_class.setdefault(candidate.article.eclass_group.replace("-", ""), candidate)
    proposal = CampaignProposal(campaign=campaign, member=member)
    for asset in due:
        if asset.member_id != member.pk:
            continue
        item = (by_article.get(asset.article_id) if asset.article_id else None) or by_class.get(asset.eclass_group)
        if item is None:
            proposal.unmatched.append(asset)
            continue
        proposal.counts[item.pk] = proposal.counts.get(item.pk, 0) + 1
        proposal.items[item.pk] = item
        due_on = lifecycle.replacement_due(asset.acquired_on, asset.eclass_group) or today
        quarter = _quarter(max(due_on, today)) if max(due_on, today).year == today.year else 1
        proposal.quarters[item.pk] = min(proposal.quarters.get(item.pk, 4), quarter)
    return proposal


@transaction.atomic
def into_campaign(*, actor: Any, proposal: CampaignProposal, today: dt.date | None = None) -> DemandReport:
    """Write the proposal into the member's demand report of the campaign: a position gets at least the
    number of due devices (a larger quantity the member already reported stays); other lines stay as they
    are. Running it twice changes nothing the second time. The campaign's rules (open, member taking part,
    who may answer) are kitu.bundling's report_save."""
    if not proposal.counts:
        raise DomainError(_("Keine fälligen Geräte passen zu einer Position dieser Abfrage."), field="campaign")
    existing = DemandReport.objects.filter(campaign=proposal.campaign, member=proposal.member).first()
    lines: dict[int, LineInput] = {}
    if existing is not None and not existing.no_demand:
        for line in existing.lines.select_related("item", "cost_centre"):
            lines[line.item_id] = LineInput(
                item=line.item,
                quantity=line.quantity,
                delivery_quarter=line.delivery_quarter,
                cost_centre=line.cost_centre,
                budget_secured=line.budget_secured,
                comment=line.comment,
            )
    for item_id, count in proposal.counts.items():
        old = lines.get(item_id)
        if old is not None and old.quantity >= count:
            continue
        note = _("Austausch fälliger Geräte: %(n)s") % {"n": count}
        lines[item_id] = LineInput(
            item=proposal.items[item_id],
            quantity=count,
            delivery_quarter=old.delivery_quarter if old else proposal.quarters[item_id],
            cost_centre=old.cost_centre if old else None,
            budget_secured=old.budget_secured if old else False,
            comment=(old.comment + "; " + note).strip("; ") if old and old.comment else note,
        )
    return report_save(
        actor=actor, campaign=proposal.campaign, member=proposal.member, lines=list(lines.values()), today=today
    )
