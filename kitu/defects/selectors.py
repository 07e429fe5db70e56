"""Reads of the defect reporter: the public view of a town and a case worker's inbox (own town only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs

from .models import DefectService, Report


def public_service(slug: str) -> DefectService | None:
    return DefectService.objects.filter(slug=slug, is_enabled=True).select_related("member__organisation").first()


def published_reports(service: DefectService) -> QuerySet[Report]:
    return service.reports.filter(is_published=True).select_related("category")


def worked_services(user: Any) -> list[DefectService]:
    """The towns whose reports the user works (case worker there)."""
    orgs = {org for org, role in role_pairs(user) if role == Role.CASE_WORKER}
    return list(DefectService.objects.filter(member__organisation_id__in=orgs).select_related("member__organisation"))


def inbox(user: Any) -> QuerySet[Report]:
    return Report.objects.filter(service__in=worked_services(user)).select_related("category", "service")
