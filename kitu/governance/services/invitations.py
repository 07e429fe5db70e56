"""Inviting every member's representatives to the general assembly by mail (text form, § 46 GenG), as a
background job with progress. The statutory period is a setting; a late invitation is possible but the
office is warned first (confirmation page) and the assembly keeps the mark."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kitu.core import audit, jobs
from kitu.core.errors import DomainError
from kitu.core.models import Job
from kitu.members.models import Member

from .. import conf, rules
from ..models import Assembly, Invitation, Representative
from .assemblies import _require_office

logger = logging.getLogger(__name__)
INVITE = "governance.invite"


@dataclass(frozen=True)
class InvitationPreview:
    members: int
    recipients: int
    days_before: int
    required_days: int

    @property
    def late(self) -> bool:
        return not rules.invitation_in_time(self.days_before, self.required_days)


def _recipients(assembly: Assembly) -> list[tuple[Member, str]]:
    day = timezone.localdate(assembly.starts_at)
    members = Member.objects.members_on(day).with_name()
    reps = Representative.objects.filter(member__in=members, user__is_active=True).select_related(
        "member__organisation", "user"
    )
    return [(r.member, r.user.email) for r in reps.order_by("member__organisation__name", "user__email")]


def invitation_preview(assembly: Assembly) -> InvitationPreview:
    recipients = _recipients(assembly)
    days = (timezone.localdate(assembly.starts_at) - timezone.localdate()).days
    return InvitationPreview(
        members=len({m.pk for m, _e in recipients}),
        recipients=len(recipients),
        days_before=days,
        required_days=conf.get("INVITATION_DAYS"),
    )


@transaction.atomic
def invitation_start(*, actor: Any, assembly: Assembly, late_confirmed: bool = False) -> Job:
    """Start sending the invitations; a second click returns the running job. Refused when the period is
    missed unless the office confirmed it on the warning page."""
    _require_office(actor)
    locked = Assembly.objects.select_for_update(of=("self",)).get(pk=assembly.pk)
    running = jobs.active_job(INVITE, locked)
    if running is not None:
        return running
    if locked.cancelled_at is not None:
        raise DomainError(_("Die Versammlung ist abgesagt."), field="assembly")
    preview = invitation_preview(locked)
    if preview.days_before < 0:
        raise DomainError(_("Die Versammlung liegt in der Vergangenheit."), field="starts_at")
    if preview.late and not late_confirmed:
        raise DomainError(
            _("Die Einladungsfrist von %(days)s Tagen ist nicht mehr einzuhalten.") % {"days": preview.required_days},
            field="starts_at",
        )
    before = audit.snapshot(locked, ["invited_at", "invited_late"])
    locked.invited_at = timezone.now()
    locked.invited_late = preview.late
    locked.save(update_fields=["invited_at", "invited_late"])
    audit.record(
        actor=actor,
        instance=locked,
        action="update",
        before=before,
        after=audit.snapshot(locked, ["invited_at", "invited_late"]),
    )
    job = jobs.job_create(
        actor=actor,
        kind=INVITE,
        title=_("Einladung zur %(title)s verschicken") % {"title": locked.title},
        unit=_("E-Mails"),
        total=preview.recipients,
        subject=locked,
        back_url=reverse("governance:assembly", args=[locked.pk]),
        back_label=_("Zur Versammlung"),
    )
    jobs.enqueue(send_invitations, job, locked.pk)
    return job


def _work(assembly_id: int, progress: jobs.Progress) -> jobs.Outcome:
    assembly = Assembly.objects.get(pk=assembly_id)
    recipients = _recipients(assembly)
    progress.set_total(len(recipients))
    base = settings.KITU_BASE_URL.rstrip("/")
    connection = get_connection()
    sent = 0
    for member, email in recipients:
        try:
            with transaction.atomic():
                Invitation.objects.create(assembly=assembly, member=member, email=email)
        except IntegrityError:  # already invited (job delivered twice, or invited again): never two mails
            progress.advance()
            continue
        context = {
            "assembly": assembly,
            "member": member.name,
            "base_url": base,
            "agenda": assembly.agenda.all(),
            "url": base + reverse("governance:assembly", args=[assembly.pk]),
        }
        subject = " ".join(render_to_string("governance/mail/invitation_subject.txt", context).split())
        body = render_to_string("governance/mail/invitation.txt", context)
        connection.send_messages([EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])])
        sent += 1
        progress.advance()
    message = ngettext("%(n)s Einladung verschickt.", "%(n)s Einladungen verschickt.", sent) % {"n": sent}
    return jobs.Outcome(
        url=reverse("governance:assembly", args=[assembly.pk]), label=_("Zur Versammlung"), message=message
    )


@shared_task
def send_invitations(job_id: str, assembly_id: int) -> str:
    job = jobs.job_run(job_id, lambda progress: _work(assembly_id, progress))
    return job.status if job is not None else ""
