"""Reads of the defect reporter: the public view of a town and a case worker's inbox (own town only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs
from kitu.members.models import Member

from . import geo
from .models import DefectService, Report, ReportStatus


def public_service(slug: str) -> DefectService | None:
    return DefectService.objects.filter(slug=slug, is_enabled=True).select_related("member__organisation").first()


def published_reports(service: DefectService) -> QuerySet[Report]:
    return service.reports.filter(is_published=True).select_related("category").prefetch_related("photos")


def worked_services(user: Any) -> list[DefectService]:
    """The towns whose reports the user works (case worker there)."""
    orgs = {org for org, role in role_pairs(user) if role == Role.CASE_WORKER}
    return list(DefectService.objects.filter(member__organisation_id__in=orgs).select_related("member__organisation"))


def inbox(user: Any) -> QuerySet[Report]:
    return Report.objects.filter(service__in=worked_services(user)).select_related("category", "service")


DUPLICATE_RADIUS_M = 150


def duplicate_candidates(report: Report, limit: int = 5) -> list[tuple[Report, int | None]]:
    """Reports of the same town and category that may describe the same defect, nearest first: not closed,
    not themselves duplicates, within DUPLICATE_RADIUS_M metres (or at the same address without coordinates).
    Each with its distance in metres (None: same address)."""
    others = (
        Report.objects.filter(service_id=report.service_id, category_id=report.category_id, duplicate_of__isnull=True)
        .exclude(pk=report.pk)
        .exclude(status=ReportStatus.CLOSED)
    )
    if report.lat is None or report.lon is None:
        same = others.filter(address__iexact=report.address) if report.address else others.none()
        return [(r, None) for r in same.order_by("-requested_at")[:limit]]
    here = (float(report.lat), float(report.lon))
    south, west, north, east = geo.box(*here, DUPLICATE_RADIUS_M)
    near = others.filter(lat__range=(south, north), lon__range=(west, east))
    found = [(r, round(geo.distance_m(here, (float(r.lat or 0), float(r.lon or 0))))) for r in near]
    near_enough: list[tuple[Report, int | None]] = [
        f for f in sorted(found, key=lambda f: f[1]) if f[1] <= DUPLICATE_RADIUS_M
    ]
    return near_enough[:limit]


def map_points(reports: Iterable[Report], link: Callable[[Report], str]) -> list[dict[str, Any]]:
    """Markers for a map (rendered with json_script): place, label and link; reports without coordinates skip."""
    return [
        {
            "lat": float(r.lat),
            "lon": float(r.lon),
            "label": f"{r.category.name} ({r.get_status_display()})",
            "url": link(r),
        }
        for r in reports
        if r.lat is not None and r.lon is not None
    ]


def managed_members(user: Any) -> QuerySet[Member]:
    """The members whose defect reporter the user sets up (their administration)."""
    orgs = [org for org, role in role_pairs(user) if role == Role.MEMBER_ADMIN]
    return (
        Member.objects.filter(organisation_id__in=orgs)
        .select_related("organisation", "defect_service")
        .order_by("organisation__name")
    )


# --- the task inbox (kitu.tasks reads these: one query for the towns, one for the reports) -----------------


def _target_cutoffs(user: Any, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(town id, reports submitted before this moment are past the town's target time) for the user's towns."""
    orgs = {org for org, role in role_pairs(user) if role == Role.CASE_WORKER}
    if not orgs:
        return []
    rows = DefectService.objects.filter(member__organisation_id__in=orgs).values_list("pk", "target_days")
    return [(pk, now - dt.timedelta(days=days)) for pk, days in rows]


def _task_rows(reports: QuerySet[Report]) -> list[Any]:
    return list(
        reports.filter(duplicate_of__isnull=True).values(
            "pk", "service_id", "service__slug", "category__name", "address", "requested_at", "service__target_days"
        )
    )


def new_report_tasks(user: Any, now: dt.datetime | None = None) -> list[Any]:
    """Reports of the case worker's towns nobody has taken up yet (status open), within the target time."""
    cutoffs = _target_cutoffs(user, now or timezone.now())
    if not cutoffs:
        return []
    fresh = Q(pk__in=[])
    for service_id, cutoff in cutoffs:
        fresh |= Q(service_id=service_id, requested_at__gte=cutoff)
    return _task_rows(Report.objects.filter(fresh, status=ReportStatus.OPEN))


def overdue_report_tasks(user: Any, now: dt.datetime | None = None) -> list[Any]:
    """Reports of the case worker's towns not closed within the town's target time (``target_days``)."""
    cutoffs = _target_cutoffs(user, now or timezone.now())
    if not cutoffs:
        return []
    late = Q(pk__in=[])
    for service_id, cutoff in cutoffs:
        late |= Q(service_id=service_id, requested_at__lt=cutoff)
    return _task_rows(Report.objects.filter(late).exclude(status=ReportStatus.CLOSED))
