"""A member's approval rules, set by its member admin: the amount limits and who approves at which step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.money import money
from kitu.members.models import Member

from .models import ApprovalPolicy, Approver
from .policies import can_manage_rules


@transaction.atomic
def policy_save(
    *, actor: Any, member: Member, auto_approve_up_to: Decimal, second_step_from: Decimal | None
) -> ApprovalPolicy:
    if not can_manage_rules(actor, member):
        raise PermissionDenied(_("Nur die Administration des Mitglieds legt die Freigaberegeln fest."))
    if auto_approve_up_to < 0:
        raise DomainError(_("Der Betrag darf nicht negativ sein."), field="auto_approve_up_to")
    if second_step_from is not None and second_step_from <= auto_approve_up_to:
        raise DomainError(_("Die zweite Stufe muss über der Grenze ohne Freigabe beginnen."), field="second_step_from")
    policy = ApprovalPolicy.objects.select_for_update().filter(member=member).first()
    before = None if policy is None else audit.snapshot(policy, ("auto_approve_up_to", "second_step_from"))
    policy = policy or ApprovalPolicy(member=member)
    policy.auto_approve_up_to, policy.second_step_from = money(auto_approve_up_to), second_step_from
    policy.save()
    audit.record(
        actor=actor,
        instance=policy,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(policy, ("auto_approve_up_to", "second_step_from")),
    )
    return policy


@transaction.atomic
def approver_set(*, actor: Any, member: Member, user: Any, step: int, is_substitute: bool = False) -> Approver:
    """Name an approver (or substitute) of a step; the user must hold the approver role at the member."""
    if not can_manage_rules(actor, member):
        raise PermissionDenied(_("Nur die Administration des Mitglieds legt die Freigaberegeln fest."))
    if step not in (1, 2):
        raise DomainError(_("Es gibt die Stufen 1 und 2."), field="step")
    if not user.role_assignments.filter(organisation_id=member.organisation_id, role="approver").exists():
        raise DomainError(_("Die Person hat bei diesem Mitglied keine Freigabe-Rolle."), field="user")
    approver, created = Approver.objects.update_or_create(
        member=member, user=user, step=step, defaults={"is_substitute": is_substitute}
    )
    audit.record(
        actor=actor,
        instance=approver,
        action="create" if created else "update",
        after={"step": step, "is_substitute": is_substitute},
    )
    return approver


@transaction.atomic
def approver_remove(*, actor: Any, approver: Approver) -> None:
    if not can_manage_rules(actor, approver.member):
        raise PermissionDenied(_("Nur die Administration des Mitglieds legt die Freigaberegeln fest."))
    audit.record(actor=actor, instance=approver, action="delete", before={"step": approver.step})
    approver.delete()
