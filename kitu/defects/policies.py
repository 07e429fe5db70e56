"""Who manages a town's defect reporter and who works its reports."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import has_role
from kitu.accounts.roles import Role

from .models import DefectService


def can_manage_service(user: Any, service: DefectService) -> bool:
    return has_role(user, Role.MEMBER_ADMIN, service.member.organisation_id)


def can_work_reports(user: Any, service: DefectService) -> bool:
    return has_role(user, Role.CASE_WORKER, service.member.organisation_id)
