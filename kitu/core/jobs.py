"""Long work as a background task with a progress page (see :class:`kitu.core.models.Job`).

A service creates the job in its transaction (:func:`job_create`) and enqueues its task after the commit
(:func:`enqueue`); the task calls :func:`job_run`, which marks the job running, hands the work a
:class:`Progress` and ends the job as done (with the result link) or failed (with the message). Progress is
written in autocommit, outside the work's own transactions, so the progress page sees it at once.

Who may see a job: its owner and the cooperative's staff (:func:`can_see_job`). The core imports no app above
it, so the caller says whether the user is staff.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError, NotFound
from .models import Job, JobStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What a finished job leads to: a link to its result and a sentence saying what happened."""

    url: str = ""
    label: str = ""
    message: str = ""


def job_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    unit: str = "",
    total: int = 0,
    subject: models.Model | None = None,
    back_url: str = "",
    back_label: str = "",
) -> Job:
    """A queued job owned by the acting user (none for system work). ``back_url`` is where the page leads
    while the job runs or when it failed; a finished job may replace it with its result."""
    return Job.objects.create(
        kind=kind,
        title=title[:200],
        unit=unit[:60],
        total=max(total, 0),
        result_url=back_url[:300],
        result_label=back_label[:200],
        owner=actor if getattr(actor, "is_authenticated", False) else None,
        subject_type=subject._meta.label if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
    )


def enqueue(task: Any, job: Job, *args: Any) -> None:
    """Start ``task(job_id, *args)`` once the current transaction has committed (at once outside one)."""
    transaction.on_commit(partial(task.delay, str(job.pk), *args))


class Progress:
    """The running job's counter; every call is one small committed write."""

    def __init__(self, job_id: uuid.UUID | str) -> None:
        self.job_id = job_id

    def set_total(self, total: int) -> None:
        Job.objects.filter(pk=self.job_id).update(total=max(total, 0))

    def advance(self, steps: int = 1) -> None:
        Job.objects.filter(pk=self.job_id).update(done=F("done") + steps)

    def complete(self) -> bool:
        """Whether every step is done (the last of several parallel tasks asks this after its advance)."""
        return Job.objects.filter(pk=self.job_id, done__gte=F("total")).exists()


def job_run(job_id: uuid.UUID | str, work: Callable[[Progress], Outcome | None]) -> Job | None:
    """Run ``work`` for a queued job. A DomainError fails the job with its message; any other error fails it
    with a general message (and is logged), so a job never stays "running". Returns the job (None when it does
    not exist or is not queued: a task delivered twice does the work once). Work that hands its steps on to
    parallel tasks (a Celery group) returns None: the job keeps running, and the task that finds the job
    complete ends it with :func:`job_finish`."""
    started = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not started:
        return None
    try:
        outcome = work(Progress(job_id))
    except DomainError as exc:
        _finish(job_id, JobStatus.FAILED, message=exc.message)
    except Exception as exc:  # whatever went wrong, the job must end and say so
        logger.exception("job %s failed", job_id)
        _finish(
            job_id,
            JobStatus.FAILED,
            message=_("Unerwarteter Fehler (%(reason)s). Bitte melden Sie ihn dem Betrieb.")
            % {"reason": type(exc).__name__},
        )
    else:
        if outcome is not None:
            job_finish(job_id, outcome)
    return Job.objects.get(pk=job_id)


def job_finish(job_id: uuid.UUID | str, outcome: Outcome) -> bool:
    """End a running job as done with its outcome; False when it has ended already (two parallel tasks
    that both see the job complete end it once)."""
    link = {"result_url": outcome.url, "result_label": outcome.label} if outcome.url else {}
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.DONE, finished_at=timezone.now(), message=outcome.message, **link
        )
    )


def _finish(job_id: uuid.UUID | str, status: str, **fields: str) -> None:
    Job.objects.filter(pk=job_id).update(status=status, finished_at=timezone.now(), **fields)


def can_see_job(user: Any, job: Job, *, staff: bool) -> bool:
    """The owner and the cooperative's staff (``staff``: the caller asked the accounts policy)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return staff or (job.owner_id is not None and job.owner_id == user.pk)


def job_for(user: Any, job_id: uuid.UUID | str, *, staff: bool) -> Job:
    """The job if the user may see it; NotFound otherwise (never tell a foreign job exists)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not can_see_job(user, job, staff=staff):
        raise NotFound(_("Diesen Vorgang gibt es nicht."))
    return job


def active_job(kind: str, subject: models.Model) -> Job | None:
    """The queued or running job of this kind for the object, if any (to not start the same work twice)."""
    return (
        Job.objects.filter(
            kind=kind,
            subject_type=subject._meta.label,
            subject_id=str(subject.pk),
            status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
        )
        .order_by("-created_at")
        .first()
    )


def latest_job(kind: str, subject: models.Model) -> Job | None:
    return (
        Job.objects.filter(kind=kind, subject_type=subject._meta.label, subject_id=str(subject.pk))
        .order_by("-created_at")
        .first()
    )
