"""Reads of campaigns, scoped to the acting user: the cooperative sees every campaign and report, a
member's requesters and budget holders see the campaigns it may answer (not drafts) and only its own
report. Also the aggregate of the demand and the optimiser's input built from reports and offers."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitu.accounts.roles import Role
from kitu.accounts.selectors import organisation_ids
from kitu.contracts.models import Supplier
from kitu.core.errors import NotFound
from kitu.core.rows import TaskRows
from kitu.members.models import Member

from .models import (
    Campaign,
    CampaignItem,
    CampaignState,
    DemandLine,
    DemandReport,
    Offer,
    OfferLot,
    OptimisationRun,
)
from .policies import ANSWER_ROLES, can_manage_campaigns


def answering_member_ids(user: Any) -> set[int]:
    orgs = organisation_ids(user, roles=ANSWER_ROLES)
    return set(Member.objects.filter(organisation_id__in=orgs).values_list("pk", flat=True)) if orgs else set()


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    qs = Campaign.objects.all()
    if can_manage_campaigns(user):
        return qs
    return qs.exclude(state=CampaignState.DRAFT).filter(eligible_members__in=answering_member_ids(user)).distinct()


def campaign_for(user: Any, campaign_id: int) -> Campaign:
    campaign = visible_campaigns(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("Campaign not found")
    return campaign


def answering_members(user: Any, campaign: Campaign) -> list[Member]:
    """The eligible members ``user`` answers this campaign for (usually one)."""
    return list(campaign.eligible_members.with_name().filter(pk__in=answering_member_ids(user)))


def answered_campaign_ids(user: Any, campaigns: list[Campaign]) -> set[int]:
    """The campaigns among ``campaigns`` that one of the user's members has answered."""
    return set(
        DemandReport.objects.filter(campaign__in=campaigns, member_id__in=answering_member_ids(user)).values_list(
            "campaign_id", flat=True
        )
    )


def report_of(campaign: Campaign, member: Member) -> DemandReport | None:
    return (
        DemandReport.objects.filter(campaign=campaign, member=member)
        .prefetch_related(Prefetch("lines", queryset=DemandLine.objects.select_related("item", "cost_centre")))
        .first()
    )


def items_of(campaign: Campaign) -> list[CampaignItem]:
    return list(campaign.items.select_related("article").order_by("code"))


def max_quantity(quantity: int, factor: int) -> int:
    """The maximum for the tender: the estimate times ``factor`` percent, rounded up."""
    return -(-quantity * factor // 100)


@dataclass
class ItemTotal:
    item: CampaignItem
    quantity: int = 0
    members: int = 0
    by_quarter: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    budget_secured: int = 0  # quantity with budget secured
    max_quantity: int = 0

    @property
    def estimated_value(self) -> Decimal | None:
        price = self.item.reference_price
        return None if price is None else price * self.quantity

    @property
    def max_value(self) -> Decimal | None:
        price = self.item.reference_price
        return None if price is None else price * self.max_quantity


@dataclass
class MemberRow:
    member: Member
    report: DemandReport | None
    quantities: list[int]  # aligned with the aggregate's items

    @property
    def status(self) -> str:
        if self.report is None:
            return "open"
        return "no_demand" if self.report.no_demand else "reported"


@dataclass
class Aggregate:
    items: list[ItemTotal]
    members: list[MemberRow]

    @property
    def answered(self) -> int:
        return sum(row.report is not None for row in self.members)

    @property
    def with_demand(self) -> int:
        return sum(row.status == "reported" for row in self.members)

    @property
    def estimated_value(self) -> Decimal:
        return sum((t.estimated_value or Decimal(0) for t in self.items), Decimal(0))


def aggregate(campaign: Campaign) -> Aggregate:
    items = items_of(campaign)
    totals = {item.pk: ItemTotal(item) for item in items}
    column = {item.pk: i for i, item in enumerate(items)}
    reports = {r.member_id: r for r in DemandReport.objects.filter(campaign=campaign)}
    per_member: dict[int, list[int]] = defaultdict(lambda: [0] * len(items))
    for line in DemandLine.objects.filter(report__campaign=campaign).select_related("report"):
        total = totals[line.item_id]
        total.quantity += line.quantity
        total.members += 1
        total.by_quarter[line.delivery_quarter - 1] += line.quantity
        total.budget_secured += line.quantity if line.budget_secured else 0
        per_member[line.report.member_id][column[line.item_id]] += line.quantity
    for total in totals.values():
        total.max_quantity = max_quantity(total.quantity, campaign.max_factor)
    members = [
        MemberRow(member, reports.get(member.pk), per_member[member.pk])
        for member in campaign.eligible_members.with_name()
    ]
    return Aggregate([totals[item.pk] for item in items], members)


def offers_of(campaign: Campaign) -> list[Offer]:
    return list(
        Offer.objects.filter(campaign=campaign)
        .select_related("supplier__organisation", "item")
        .prefetch_related("tiers")
        .order_by("item__code", "supplier__organisation__name")
    )


def offer_lots_of(campaign: Campaign) -> list[OfferLot]:
    return list(
        OfferLot.objects.filter(campaign=campaign).select_related("supplier__organisation").prefetch_related("items")
    )


def optimiser_instance(campaign: Campaign) -> dict[str, Any]:
    """The optimiser's input (the CLI's JSON shape): members by id, suppliers by id, items by code."""
    lines = DemandLine.objects.filter(report__campaign=campaign).select_related("report", "item")
    return {
        "items": [{"id": item.code} for item in items_of(campaign)],
        "demand": [
            {"member": str(line.report.member_id), "item": line.item.code, "quantity": line.quantity}
            for line in lines.order_by("report__member_id", "item__code")
        ],
        "offers": [
            {
                "supplier": str(offer.supplier_id),
                "item": offer.item.code,
                "min_quantity": offer.min_quantity,
                "max_quantity": offer.max_quantity,
                "tiers": [{"min_quantity": t.min_quantity, "unit_price": str(t.unit_price)} for t in offer.tiers.all()],
            }
            for offer in offers_of(campaign)
        ],
        "lots": [
            {"supplier": str(lot.supplier_id), "items": sorted(item.code for item in lot.items.all())}
            for lot in offer_lots_of(campaign)
        ],
    }


@dataclass
class AwardRow:
    supplier: str
    item: CampaignItem | None
    code: str
    quantity: int
    unit_price: Decimal

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass
class MemberSaving:
    member: str
    spend_alone: Decimal
    spend: Decimal
    savings: Decimal
    share: Decimal  # of all members' savings, proportional to spend, in EUR


@dataclass
class RunReport:
    awards: list[AwardRow]
    members: list[MemberSaving]
    total_cost: Decimal
    spend_alone: Decimal

    @property
    def savings(self) -> Decimal:
        return self.spend_alone - self.total_cost

    def cost_by_supplier(self) -> list[tuple[str, Decimal]]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for award in self.awards:
            totals[award.supplier] += award.total
        return sorted(totals.items())


def run_report(run: OptimisationRun) -> RunReport:
    """The run's result with names instead of ids, and each member's share of the total savings
    (proportional to its spend: the pooled savings handed back as each member's tender share)."""
    result = run.result
    suppliers = {
        str(s.pk): s.name
        for s in Supplier.objects.select_related("organisation").filter(
            pk__in={int(a["supplier"]) for a in result["awards"]}
        )
    }
    members = {
        str(m.pk): m.name
        for m in Member.objects.select_related("organisation").filter(
            pk__in={int(m["member"]) for m in result["members"]}
        )
    }
    items = {item.code: item for item in run.campaign.items.all()}
    awards = [
        AwardRow(
            suppliers.get(a["supplier"], a["supplier"]),
            items.get(a["item"]),
            a["item"],
            a["quantity"],
            Decimal(a["unit_price"]),
        )
        for a in result["awards"]
    ]
    rows = [(members.get(m["member"], m["member"]), m) for m in result["members"]]
    spend_alone = sum((Decimal(m["spend_alone"]) for _n, m in rows), Decimal(0))
    total_spend = sum((Decimal(m["spend"]) for _n, m in rows), Decimal(0))
    pooled = spend_alone - total_spend
    savings = [
        MemberSaving(
            name,
            Decimal(m["spend_alone"]),
            Decimal(m["spend"]),
            Decimal(m["savings"]),
            (pooled * Decimal(m["spend"]) / total_spend).quantize(Decimal("0.01")) if total_spend else Decimal(0),
        )
        for name, m in sorted(rows, key=lambda r: r[0])
    ]
    total = Decimal(result["total_cost"]) if result["status"] == "optimal" else Decimal(0)
    return RunReport(awards, savings, total, spend_alone)


_INFEASIBLE = (
    (
        re.compile(r"item '(.+)': demand (\d+) but no offer"),
        _("Position %(item)s: Bedarf %(demand)s, aber kein Angebot."),
    ),
    (
        re.compile(r"item '(.+)': demand (\d+) exceeds the total capacity (\d+) of all offers"),
        _("Position %(item)s: Bedarf %(demand)s übersteigt die Höchstmengen aller Angebote zusammen (%(capacity)s)."),
    ),
    (
        re.compile(r"item '(.+)': demand (\d+) cannot be split among the offers"),
        _(
            "Position %(item)s: Bedarf %(demand)s lässt sich wegen Mindest- oder Höchstmengen nicht auf die "
            "Angebote aufteilen."
        ),
    ),
    (
        re.compile(r"the lots cannot be awarded whole together with the other offers \(items (.+)\)"),
        _("Die Lose lassen sich nicht vollständig zusammen mit den übrigen Angeboten vergeben (Positionen %(item)s)."),
    ),
)


def infeasible_text(message: str) -> str:
    """The optimiser's (English, CLI) reason for an infeasible instance, in the user's language."""
    for pattern, text in _INFEASIBLE:
        match = pattern.match(message)
        if match:
            groups = [*match.groups(), "", ""]
            return str(text) % {"item": groups[0].replace("'", ""), "demand": groups[1], "capacity": groups[2]}
    return message


# --- the task inbox (kitu.tasks reads these; one query each, facts only) ---------------------------------

# Who gets "report your demand" as a task: the people who order for the member (budget holders may answer
# too, but the task would be the same one twice at the same town).
REPORT_TASK_ROLES = (Role.REQUESTER, Role.MEMBER_ADMIN)


def report_due_tasks(user: Any, today: dt.date | None = None) -> TaskRows:
    """Open campaigns the user's member may answer and has not answered yet (one row per campaign and member)."""
    orgs = organisation_ids(user, roles=REPORT_TASK_ROLES)
    if not orgs:
        return []
    today = today or timezone.localdate()
    answered = DemandReport.objects.filter(campaign_id=OuterRef("campaign_id"), member_id=OuterRef("member_id"))
    return (
        Campaign.eligible_members.through.objects.filter(
            member__organisation_id__in=orgs,
            campaign__state=CampaignState.OPEN,
            campaign__opens_on__lte=today,
            campaign__closes_on__gte=today,
        )
        .exclude(Exists(answered))
        .values(
            "campaign_id",
            "campaign__title",
            "campaign__opens_on",
            "campaign__opened_at",
            "campaign__closes_on",
            "member__organisation__name",
        )
    )


def evaluation_tasks(user: Any, today: dt.date | None = None) -> TaskRows:
    """Campaigns past their deadline that are not evaluated yet (still open or closed)."""
    if not can_manage_campaigns(user):
        return []
    today = today or timezone.localdate()
    return Campaign.objects.filter(
        Q(state=CampaignState.OPEN, closes_on__lt=today) | Q(state=CampaignState.CLOSED)
    ).values("pk", "title", "closes_on", "state")
