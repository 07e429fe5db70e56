"""Long work of the demand bundling as background jobs with a progress page: the optimiser run. Also what the
confirmation pages count before the campaign's irreversible steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kitu.accounts.models import User
from kitu.core import jobs
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.models import Job

from . import services
from .models import Campaign, DemandReport, OptimisationRun
from .policies import ANSWER_ROLES, can_manage_campaigns

OPTIMISE = "bundling.optimise"


@dataclass(frozen=True)
class OpenPreview:
    members: int  # eligible members
    reached: int  # of them with somebody to mail
    people: int  # distinct addresses


def open_preview(campaign: Campaign) -> OpenPreview:
    """Whom opening the campaign notifies: the answering users (active) of its eligible members."""
    org_ids = list(campaign.eligible_members.values_list("organisation_id", flat=True))
    users = User.objects.filter(
        is_active=True, role_assignments__organisation_id__in=org_ids, role_assignments__role__in=ANSWER_ROLES
    )
    reached = users.values("role_assignments__organisation_id").distinct().count()
    return OpenPreview(len(org_ids), reached, users.values("email").distinct().count())


def reported(campaign: Campaign) -> int:
    """How many eligible members have answered (with demand or "kein Bedarf")."""
    return DemandReport.objects.filter(campaign=campaign).values("member_id").distinct().count()


@dataclass(frozen=True)
class AwardPreview:
    suppliers: int
    members: int
    items: int


def award_preview(run: OptimisationRun) -> AwardPreview:
    return AwardPreview(
        suppliers=len({a["supplier"] for a in run.result.get("awards", [])}),
        members=len({d["member"] for d in run.instance.get("demand", [])}),
        items=len({a["item"] for a in run.result.get("awards", [])}),
    )


@transaction.atomic
def optimiser_start(*, actor: Any, campaign: Campaign) -> Job:
    """Start an optimiser run in the background; returns its job (the running one if there is one)."""
    if not can_manage_campaigns(actor):
        raise PermissionDenied(_("Nur die Geschäftsstelle und das Vertragsmanagement verwalten Bedarfsabfragen."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    running = jobs.active_job(OPTIMISE, campaign)
    if running is not None:
        return running
    if campaign.state not in services.OFFER_STATES:
        raise DomainError(
            _("Im Status „%(state)s“ ist das nicht möglich.") % {"state": campaign.get_state_display()}, field="state"
        )
    job = jobs.job_create(
        actor=actor,
        kind=OPTIMISE,
        title=_("Bedarfsabfrage „%(title)s“: optimale Vergabe berechnen") % {"title": campaign.title},
        unit=_("Berechnungen"),
        total=1,
        subject=campaign,
        back_url=reverse("bundling:offers", args=[campaign.pk]),
        back_label=_("Zu den Angeboten"),
    )
    jobs.enqueue(optimise, job, campaign.pk)
    return job


def _optimise_work(job_id: str, campaign_id: int, progress: jobs.Progress) -> jobs.Outcome:
    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.owner is None:
        raise DomainError(_("Die Person, die die Berechnung gestartet hat, gibt es nicht mehr."))
    campaign = Campaign.objects.get(pk=campaign_id)
    run = services.optimiser_run(actor=job.owner, campaign=campaign)
    progress.advance()
    if run.status == "optimal":
        message = _("Die nachweislich günstigste Vergabe ist berechnet.")
    else:
        message = _("Mit diesen Angeboten gibt es keine zulässige Vergabe; die Ergebnisseite nennt den Grund.")
    return jobs.Outcome(
        url=reverse("bundling:run", args=[campaign.pk, run.pk]), label=_("Zum Ergebnis der Berechnung"), message=message
    )


@shared_task
def optimise(job_id: str, campaign_id: int) -> str:
    """The job of :func:`optimiser_start`; returns the job's final status."""
    job = jobs.job_run(job_id, lambda progress: _optimise_work(job_id, campaign_id, progress))
    return job.status if job is not None else ""
