"""Issuing a billing run as a background job: numbers for every invoice in one transaction, then the
documents (XRechnung, PDF) and the mail of each invoice as a Celery group of per-invoice tasks (workers share
them), each counted on the job's progress page; the task that completes the job writes its summary.

An invoice whose mail fails stays unmailed and is sent later by the periodic task
(:func:`kitu.billing.tasks.resend_unmailed_invoices`); the job says which."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from celery import group, shared_task
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


def _issue_work(job_id: str, run_id: int, progress: jobs.Progress) -> jobs.Outcome | None:
    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.owner is None:
        raise DomainError(_("Die Person, die den Lauf gestartet hat, gibt es nicht mehr."))
    run = BillingRun.objects.get(pk=run_id)
    invoices = runs.run_issue(actor=job.owner, run=run, mail=False)  # committed: the numbers are drawn
    progress.set_total(len(invoices))
    if not invoices:
        return _outcome(run)
    # XRechnung, PDF and mail per invoice as a Celery group; the task that completes the job ends it.
    group([issued_invoice_mail.s(job_id, run.pk, invoice.pk) for invoice in invoices]).apply_async()
    return None


def _outcome(run: BillingRun) -> jobs.Outcome:
    """The summary of the issued run, read when every mail task has finished: sent and not (yet) sent."""
    issued = run.invoices.filter(status=InvoiceStatus.ISSUED).order_by("number")
    mailed = list(issued.values_list("number", "mailed_at"))
    sent = sum(1 for _number, at in mailed if at is not None)
    not_sent = [str(number) for number, at in mailed if at is None]
    message = ngettext(
        "%(n)s Rechnung ausgestellt, %(sent)s verschickt.",
        "%(n)s Rechnungen ausgestellt, %(sent)s verschickt.",
        len(mailed),
    ) % {"n": len(mailed), "sent": sent}
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
def issued_invoice_mail(job_id: str, run_id: int, invoice_id: int) -> None:
    """One invoice of the job: XRechnung, PDF and mail (exactly once, :mod:`kitu.billing.mails`), counted on
    the progress page; a refused mail leaves the invoice unmailed for the periodic task. The task that
    completes the job writes its summary."""
    try:
        mails.invoice_mail_send(invoice_id=invoice_id)
    except Exception:  # the mail server refused: the invoice stays unmailed for the periodic task
        logger.exception("invoice %s: mail not sent on issue", invoice_id)
    progress = jobs.Progress(job_id)
    progress.advance()
    if progress.complete():
        jobs.job_finish(job_id, _outcome(BillingRun.objects.get(pk=run_id)))


@shared_task
def issue_run(job_id: str, run_id: int) -> str:
    """The job of :func:`run_issue_start`; returns the job's status when this task ends (running while the
    mail tasks of the group are still at work)."""
    job = jobs.job_run(job_id, lambda progress: _issue_work(job_id, run_id, progress))
    return job.status if job is not None else ""
