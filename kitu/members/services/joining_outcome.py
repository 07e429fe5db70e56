"""How an online application ends: closed (withdrawn, expired, rejected; its personal data deleted) or, when
the register admits its member, admitted with the member's admin account. The register's admission and
rejection (lifecycle) call ``on_admitted`` and ``on_closed`` inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from kitu.accounts import services as accounts
from kitu.accounts.models import User
from kitu.accounts.roles import Role
from kitu.core import audit
from kitu.core.actors import SYSTEM

from ..models import ApplicationStatus, EventKind, JoiningApplication, Member
from . import joining_mail

APPLICATION_AUDIT_FIELDS = ("status", "name", "member_type", "leitweg_id", "shares", "member", "admin_user")
# Personal data of an application: recorded in the audit trail as "changed", deleted when it is closed.
APPLICATION_PERSONAL = ("contact_name", "contact_function", "contact_email", "contact_phone")


def close(application: JoiningApplication, status: str, reason: str) -> None:
    before = audit.snapshot(application, APPLICATION_AUDIT_FIELDS)
    if application.council_resolution:
        application.council_resolution.delete(save=False)
    application.status = status
    application.reason = reason
    application.closed_at = timezone.now()
    for name in APPLICATION_PERSONAL:
        setattr(application, name, "")
    application.save()
    audit.record(
        actor=SYSTEM,
        instance=application,
        action="update",
        before=before,
        after=audit.snapshot(application, APPLICATION_AUDIT_FIELDS),
    )


def on_admitted(*, actor: Any, member: Member) -> User | None:
    """The office admitted a member that applied online: the applicant's address becomes the member's admin
    account (an existing account gets the role), and a mail invites to set the password. Runs once: the
    application is locked and must still be pending."""
    application = (
        JoiningApplication.objects.select_for_update(of=("self",))
        .filter(member=member, status=ApplicationStatus.PENDING)
        .first()
    )
    if application is None:
        return None
    before = audit.snapshot(application, APPLICATION_AUDIT_FIELDS)
    user = User.objects.filter(email__iexact=application.contact_email).first()
    created = user is None
    if user is None:
        user = accounts.user_create(actor=actor, email=application.contact_email, full_name=application.contact_name)
    accounts.role_grant(actor=actor, user=user, organisation=member.organisation, role=Role.MEMBER_ADMIN)
    application.status = ApplicationStatus.ADMITTED
    application.admin_user = user
    application.closed_at = timezone.now()
    application.save()
    audit.record(
        actor=actor,
        instance=application,
        action="update",
        before=before,
        after=audit.snapshot(application, APPLICATION_AUDIT_FIELDS),
    )
    transaction.on_commit(lambda: joining_mail.send(application, "admitted", new_account=created))
    return user


def on_closed(*, actor: Any, member: Member, kind: str, note: str) -> None:
    """The office rejected (reason mailed to the applicant) or the applicant withdrew a confirmed application;
    the application's personal data is deleted like the register's."""
    application = (
        JoiningApplication.objects.select_for_update(of=("self",))
        .filter(member=member, status=ApplicationStatus.PENDING)
        .first()
    )
    if application is None:
        return
    if kind == EventKind.REJECTION:
        address, name, reason = application.contact_email, application.name, note
        transaction.on_commit(lambda: joining_mail.send_rejection(address, name, reason))
        close(application, ApplicationStatus.REJECTED, note)
    else:
        close(application, ApplicationStatus.WITHDRAWN, note)
