"""The member admin names the member's representatives in the general assembly (role ``representative``)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from kitu.accounts import services as accounts
from kitu.accounts.models import RoleAssignment, User
from kitu.accounts.roles import Role
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.members.models import Member

from .. import policies, uploads
from ..models import Representative


@transaction.atomic
def representative_name(*, actor: Any, member: Member, user: User, authority: UploadedFile | None) -> Representative:
    """``user`` (already a user of the member) represents it, with the document of authority (PDF)."""
    if not policies.can_name_representatives(actor, member):
        raise PermissionDenied(_("Vertretungen benennt die Administration des Mitglieds."))
    if not RoleAssignment.objects.filter(user=user, organisation_id=member.organisation_id).exists():
        raise DomainError(_("Benannt werden können nur Benutzer/innen des Mitglieds."), field="user")
    if Representative.objects.filter(member=member, user=user).exists():
        raise DomainError(_("Diese Person vertritt das Mitglied bereits."), field="user")
    content = uploads.read_pdf(authority, field="authority")
    representative = Representative(member=member, user=user, authority_name=content.name or "")
    representative.authority.save(content.name or "vollmacht.pdf", content, save=False)
    representative.save()
    accounts.role_grant(actor=actor, user=user, organisation=member.organisation, role=Role.REPRESENTATIVE)
    audit.record(actor=actor, instance=representative, action="create", after={"member": member.pk, "user": user.pk})
    return representative


@transaction.atomic
def representative_remove(*, actor: Any, representative: Representative) -> None:
    member = representative.member
    if not policies.can_name_representatives(actor, member):
        raise PermissionDenied(_("Vertretungen benennt die Administration des Mitglieds."))
    assignment = RoleAssignment.objects.filter(
        user=representative.user, organisation_id=member.organisation_id, role=Role.REPRESENTATIVE
    ).first()
    if assignment is not None:
        accounts.role_revoke(actor=actor, assignment=assignment)
    audit.record(actor=actor, instance=representative, action="delete", before={"user": representative.user_id})
    representative.delete()
