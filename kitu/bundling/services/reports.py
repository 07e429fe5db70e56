"""A member's demand report: accepted while the campaign is open and its close date (inclusive) has not
passed; the campaign row is locked for each report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.members.models import CostCentre, Member

from ..models import Campaign, CampaignItem, DemandLine, DemandReport
from ..policies import can_answer_for, can_manage_campaigns
from ._common import locked


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
    campaign = locked(campaign)
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
