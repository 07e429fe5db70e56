"""The roles a user can hold in an organisation, and which kind of organisation grants each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("Genossenschaft")
    MEMBER = "member", _("Mitglied")
    SUPPLIER = "supplier", _("Lieferant")


class Role(models.TextChoices):
    COOP_ADMIN = "coop_admin", _("Geschäftsstelle (Administration)")
    CONTRACT_MANAGER = "contract_manager", _("Vertragsmanagement")
    MEMBER_ADMIN = "member_admin", _("Administration Mitglied")
    REQUESTER = "requester", _("Bedarfsträger/in")
    APPROVER = "approver", _("Freigabe (Budgetverantwortung)")
    SUPPLIER_USER = "supplier_user", _("Lieferant")
    CASE_WORKER = "case_worker", _("Sachbearbeitung Mängelmelder")
    WORKGROUP_MEMBER = "workgroup_member", _("Arbeitskreismitglied")
    COUNCIL_OFFICE = "council_office", _("Sitzungsdienst (Ratsinformationssystem)")
    COUNCIL_MEMBER = "council_member", _("Ratsmitglied")
    SERVICE_DESK = "service_desk", _("Servicedesk")
    REPRESENTATIVE = "representative", _("Vertretung in der Generalversammlung")


ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrgKind.COOPERATIVE: (Role.COOP_ADMIN, Role.CONTRACT_MANAGER, Role.WORKGROUP_MEMBER, Role.SERVICE_DESK),
    OrgKind.MEMBER: (
        Role.MEMBER_ADMIN,
        Role.REQUESTER,
        Role.APPROVER,
        Role.CASE_WORKER,
        Role.WORKGROUP_MEMBER,
        Role.COUNCIL_OFFICE,
        Role.COUNCIL_MEMBER,
        Role.REPRESENTATIVE,
    ),
    OrgKind.SUPPLIER: (Role.SUPPLIER_USER,),
}
COOP_STAFF_ROLES = (Role.COOP_ADMIN, Role.CONTRACT_MANAGER)
# Roles whose holders must use a second factor (DESIGN.md: coop staff and approvers).
SECOND_FACTOR_ROLES = (Role.COOP_ADMIN, Role.CONTRACT_MANAGER, Role.APPROVER)
