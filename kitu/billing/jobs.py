"""Issuing a billing run as a background job: numbers for every invoice in one transaction, then the
documents (XRechnung, PDF) and the mail invoice by invoice, each step counted on the job's progress page.

An invoice whose mail fails stays unmailed and is sent later by the periodic task
(:func:`kitu.billing.tasks.resend_unmailed_invoices`); the job says which."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kitu.core import jobs
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.models import Job

from . import mails, runs
from .models import BillingRun, InvoiceStatus, RunStatus
from .policies import can_manage_billing

logger = logging.getLogger(__name__)

ISSUE = "billing.run_issue"


@dataclass(frozen=True)
class IssuePreview:
    invoices: int
    members: int


def issue_preview(run: BillingRun) -> IssuePreview:
    """What issuing the run will do: the invoices it numbers and sends (drafts with an amount) and to how
    many members (the same selection as :func:`kitu.billing.runs.run_issue`)."""
    drafts = run.invoices.filter(status=InvoiceStatus.DRAFT).exclude(net_total=0)
    return IssuePreview(drafts.count(), drafts.values("member_id").distinct().count())


@transaction.atomic
def run_issue_start(*, actor: Any, run: BillingRun) -> Job:
    """Start issuing a reviewed run in the background; returns its job (the running one, if it was started
    already: a second click starts nothing)."""
    if not can_manage_billing(actor):
        raise PermissionDenied(_("Abrechnungen führt die Geschäftsstelle."))
    run = BillingRun.objects.select_for_update().get(pk=run.pk)
    running = jobs.active_job(ISSUE, run)
    if running is not None:
        return running
    if run.status != RunStatus.REVIEWED:
        raise DomainError(_("Bitte den Lauf erst prüfen; ausgestellt wird nur ein geprüfter Lauf."))
    job = jobs.job_create(
        actor=actor,
        kind=ISSUE,
        title=_("Abrechnungslauf %(period)s: Rechnungen ausstellen und verschicken") % {"period": run.period},
        unit=_("Rechnungen"),
        total=issue_preview(run).invoices,
        subject=run,
        back_url=reverse("billing:run", args=[run.pk]),
        back_label=_("Zum Abrechnungslauf %(period)s") % {"period": run.period},
    )
    jobs.enqueue(issue_run, job, run.pk)
    return job


def _issue_work(job_id: str, run_id: int, progress: jobs.Progress) -> jobs.Outcome:
    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.owner is None:
        raise DomainError(_("Die Person, die den Lauf gestartet hat, gibt es nicht mehr."))
    run = BillingRun.objects.get(pk=run_id)
    invoices = runs.run_issue(actor=job.owner, run=run, mail=False)
    progress.set_total(len(invoices))
    sent, not_sent = 0, []
    for invoice in invoices:
        try:
            to = mails.invoice_mail_send(invoice_id=invoice.pk)
        except Exception:  # the mail server refused: the invoice stays unmailed for the periodic task
            logger.exception("invoice %s: mail not sent on issue", invoice.number)
            to = []
        if to:
            sent += 1
        else:
            not_sent.append(str(invoice.number))
        progress.advance()
    message = ngettext(
        "%(n)s Rechnung ausgestellt, %(sent)s verschickt.",
        "%(n)s Rechnungen ausgestellt, %(sent)s verschickt.",
        len(invoices),
    ) % {"n": len(invoices), "sent": sent}
    if not_sent:
        message += " " + _(
            "Noch nicht verschickt: %(numbers)s – sie stehen auf der Seite des Laufs und werden automatisch "
            "erneut versandt, sobald es eine Empfängeradresse gibt."
        ) % {"numbers": ", ".join(not_sent)}
    return jobs.Outcome(
        url=reverse("billing:run", args=[run.pk]),
        label=_("Zum Abrechnungslauf %(period)s mit allen Rechnungen") % {"period": run.period},
        message=message,
    )


@shared_task
def issue_run(job_id: str, run_id: int) -> str:
    """The job of :func:`run_issue_start`; returns the job's final status."""
    job = jobs.job_run(job_id, lambda progress: _issue_work(job_id, run_id, progress))
    return job.status if job is not None else ""
