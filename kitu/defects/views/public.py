"""Public pages of a town's defect reporter, no account needed: report (with map and photos), the published
reports on a list and a map, the reporter's tracking page and e-mail confirmation, photos."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kitu.core.clientip import client_ip
from kitu.core.errors import DomainError
from kitu.core.forms import add_domain_error

from .. import selectors, services
from ..forms import ReportForm
from ..models import DefectService, Photo, Report
from ..policies import can_work_reports
from .common import map_context

RATE_LIMIT = 5  # reports per address and window
RATE_WINDOW = 600  # seconds
# The service's name of a field and the form's.
FORM_FIELDS = {"location": "lat", "long": "lon", "service_code": "category"}


def _service(slug: str) -> DefectService:
    service = selectors.public_service(slug)
    if service is None:
        raise Http404
    return service


def _too_many(request: HttpRequest) -> bool:
    """At most RATE_LIMIT reports per client address in RATE_WINDOW seconds (cache counter). The address is
    the one the trusted proxies saw (KITU_TRUSTED_PROXIES), so citizens behind the load balancer do not share
    one counter, and a forged X-Forwarded-For does not give a fresh one."""
    key = f"defects:rate:{client_ip(request)}"
    cache.add(key, 0, RATE_WINDOW)
    return cache.incr(key) > RATE_LIMIT


def town(request: HttpRequest, slug: str) -> HttpResponse:
    """The town's page: the report form and the published reports (list and map)."""
    service = _service(slug)
    post = request.method == "POST"
    form = ReportForm(request.POST if post else None, request.FILES if post else None, service=service)
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
                    uploads=[(f, f.name or "", f.size or 0) for f in data["photos"]],
                )
            except DomainError as exc:
                add_domain_error(form, DomainError(exc.message, field=FORM_FIELDS.get(exc.field or "", exc.field)))
            else:
                thanks = _("Danke! Ihre Meldung ist eingegangen. Unter dieser Adresse sehen Sie den Stand.")
                if report.email:
                    thanks += " " + _("Bitte bestätigen Sie Ihre E-Mail-Adresse mit dem Link, den wir Ihnen senden.")
                messages.success(request, thanks)
                return redirect("defects:track", slug=slug, token=report.token)
    return render(request, "defects/town.html", _town_context(service, form), status=status)


def _town_context(service: DefectService, form: ReportForm) -> dict[str, object]:
    reports = list(selectors.published_reports(service)[:100])
    return {"service": service, "form": form, "reports": reports, **map_context(service, reports, public=True)}


def _report(slug: str, token: uuid.UUID) -> Report:
    report = (
        Report.objects.filter(service__slug=slug, token=token)
        .select_related("category", "service__member", "duplicate_of")
        .first()
    )
    if report is None:
        raise Http404
    return report


def track(request: HttpRequest, slug: str, token: uuid.UUID) -> HttpResponse:
    """The reporter's tracking page (whoever has the link): status, public answer, own photos."""
    report = _report(slug, token)
    context = {"service": report.service, "report": report, **map_context(report.service, [report], public=True)}
    return render(request, "defects/track.html", context)


def confirm(request: HttpRequest, code: str) -> HttpResponse:
    """The link from the opt-in mail: the address is confirmed and the reporter lands on the tracking page."""
    try:
        report = services.email_confirm(code=code)
    except DomainError as exc:
        return render(request, "defects/confirm_failed.html", {"message": exc.message}, status=400)
    messages.success(
        request, _("Danke, Ihre E-Mail-Adresse ist bestätigt. Wir schreiben Ihnen, wenn sich der Stand ändert.")
    )
    return redirect("defects:track", slug=report.service.slug, token=report.token)


def _file(photo: Photo) -> FileResponse:
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    """A photo of a published report (anyone) or of a report the user works (case workers of the town)."""
    found = get_object_or_404(Photo.objects.select_related("report__service__member"), pk=photo_id)
    if not found.report.is_published and not can_work_reports(request.user, found.report.service):
        raise Http404
    return _file(found)


@require_GET
def track_photo(request: HttpRequest, slug: str, token: uuid.UUID, photo_id: int) -> FileResponse:
    """The reporter's own photo, through the tracking link, also before publication."""
    return _file(get_object_or_404(Photo, pk=photo_id, report=_report(slug, token)))
