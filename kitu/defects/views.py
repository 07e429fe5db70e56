"""Public pages of a town's defect reporter (no account: report, track, list) and the case workers'
inbox and case page (their own town only)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kitu.core.errors import DomainError
from kitu.core.forms import add_domain_error, save_form

from . import selectors, services
from .forms import CaseForm, InboxFilterForm, ReportForm
from .models import DefectService, Report

RATE_LIMIT = 5  # reports per address and window
RATE_WINDOW = 600  # seconds


def _service(slug: str) -> DefectService:
    service = selectors.public_service(slug)
    if service is None:
        raise Http404
    return service


def _too_many(request: HttpRequest) -> bool:
    """At most RATE_LIMIT reports per client address in RATE_WINDOW seconds (cache counter)."""
    key = f"defects:rate:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, RATE_WINDOW)
    return cache.incr(key) > RATE_LIMIT


def town(request: HttpRequest, slug: str) -> HttpResponse:
    """The town's page: the report form and the published reports."""
    service = _service(slug)
    form = ReportForm(request.POST if request.method == "POST" else None, service=service)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if request.POST.get("website"):  # the honeypot: answer like a success, store nothing
                return redirect("defects:town", slug=slug)
            if _too_many(request):
                form.add_error(None, _("Zu viele Meldungen in kurzer Zeit; bitte versuchen Sie es später noch einmal."))
                return render(request, "defects/town.html", _town_context(service, form), status=429)
            try:
                report = services.report_create(
                    service=service,
                    category_code=data["category"],
                    description=data["description"],
                    lat=data["lat"],
                    lon=data["lon"],
                    address=data["address"],
                    email=data["email"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Danke! Ihre Meldung ist eingegangen. Merken Sie sich diese Seite."))
                return redirect("defects:track", slug=slug, token=report.token)
    return render(request, "defects/town.html", _town_context(service, form), status=status)


def _town_context(service: DefectService, form: ReportForm) -> dict[str, object]:
    return {"service": service, "form": form, "reports": selectors.published_reports(service)[:50]}


def track(request: HttpRequest, slug: str, token: uuid.UUID) -> HttpResponse:
    """The citizen's tracking page (whoever has the link): status and public answer."""
    service = _service(slug)
    report = Report.objects.filter(service=service, token=token).select_related("category").first()
    if report is None:
        raise Http404
    return render(request, "defects/track.html", {"service": service, "report": report})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    worked = selectors.worked_services(request.user)
    if not worked:
        raise DjangoPermissionDenied
    reports = selectors.inbox(request.user)
    form = InboxFilterForm(request.GET or None, services=worked)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            reports = reports.filter(status=data["status"])
        if data["category"]:
            reports = reports.filter(category=data["category"])
        if data["unpublished"]:
            reports = reports.filter(is_published=False)
        if data["since"]:
            reports = reports.filter(requested_at__date__gte=data["since"])
    return render(request, "defects/inbox.html", {"reports": reports[:200], "form": form})


@login_required
def case(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.inbox(request.user).filter(pk=report_id).first()
    if report is None:
        raise Http404
    form = CaseForm(
        request.POST if request.method == "POST" else None,
        service=report.service,
        initial={
            "status": report.status,
            "status_notes": report.status_notes,
            "category": report.category_id,
            "description": report.description,
            "is_published": report.is_published,
        },
    )
    done = save_form(
        request,
        form,
        lambda data: services.report_update(actor=request.user, report=report, **data),
        _("Die Meldung ist gespeichert."),
        lambda _r: redirect("defects:case", report_id=report.pk),
    )
    if done:
        return done
    return render(request, "defects/case.html", {"report": report, "form": form}, status=400 if form.is_bound else 200)
