"""Pages that need more than one app: the progress page of background jobs (core's jobs, seen by their owner
and by coop staff, which the accounts app knows)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from kitu.accounts.policies import is_coop_staff
from kitu.core import jobs
from kitu.core.errors import NotFound


@login_required
@never_cache
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    """How far a background job got (htmx asks every second for the status part), and its result. Only
    its owner and the cooperative's staff see it; for anybody else it does not exist."""
    try:
        job = jobs.job_for(request.user, job_id, staff=is_coop_staff(request.user))
    except NotFound as exc:
        raise Http404 from exc
    template = "core/_job_status.html" if request.htmx else "core/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})
