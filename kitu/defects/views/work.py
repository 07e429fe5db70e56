"""The case workers' pages (their own town only): the inbox with filters and a map, and the case page with
status, public answer, moderation, internal notes, photos and merging duplicates."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core.errors import DomainError
from kitu.core.forms import run_action, run_form_action, save_form

from .. import selectors, services
from ..forms import CaseForm, InboxFilterForm, MergeForm, NoteForm
from ..models import Photo, Report
from .common import map_context

INBOX_SIZE = 200


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
        if data["until"]:
            reports = reports.filter(requested_at__date__lte=data["until"])
        if data["bbox"]:
            south, west, north, east = data["bbox"]
            reports = reports.filter(lat__range=(south, north), lon__range=(west, east))
    shown = list(reports[:INBOX_SIZE])
    context = {"reports": shown, "form": form, "more": len(shown) == INBOX_SIZE}
    if len(worked) == 1:
        context |= map_context(worked[0], shown, public=False)
    # a filter that cannot be read is named at its field (the list stays unfiltered)
    return render(request, "defects/inbox.html", context, status=400 if form.is_bound and form.errors else 200)


def _case(request: HttpRequest, report_id: int) -> Report:
    report = (
        selectors.inbox(request.user).select_related("service__member", "duplicate_of").filter(pk=report_id).first()
    )
    if report is None:
        raise Http404
    return report


@login_required
def case(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _case(request, report_id)
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
    context: dict[str, Any] = {
        "report": report,
        "form": form,
        "note_form": NoteForm(),
        "merge_form": MergeForm(),
        "notes": report.notes.select_related("author"),
        "photos": report.photos.all(),
        "candidates": [] if report.duplicate_of_id else selectors.duplicate_candidates(report),
        "duplicates": report.duplicates.all(),
        **map_context(report.service, [report], public=False),
    }
    return render(request, "defects/case.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def note(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _case(request, report_id)
    run_form_action(
        request,
        NoteForm(request.POST),
        lambda data: services.note_add(actor=request.user, report=report, text=data["text"]),
        _("Die Notiz ist gespeichert."),
    )
    return redirect("defects:case", report_id=report.pk)


@login_required
@require_POST
def merge(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _case(request, report_id)

    def action(data: dict[str, Any]) -> Report:
        into = selectors.inbox(request.user).filter(pk=data["into"]).first()
        if into is None:
            raise DomainError(_("Meldung Nr. %(n)s gibt es in Ihrer Kommune nicht.") % {"n": data["into"]})
        return services.report_merge(actor=request.user, report=report, into=into)

    run_form_action(request, MergeForm(request.POST), action, _("Die Meldung ist als Duplikat geschlossen."))
    return redirect("defects:case", report_id=report.pk)


@login_required
@require_POST
def photo_delete(request: HttpRequest, report_id: int, photo_id: int) -> HttpResponse:
    report = _case(request, report_id)
    photo = Photo.objects.filter(report=report, pk=photo_id).first()
    if photo is None:
        raise Http404
    run_action(request, lambda: services.photo_delete(actor=request.user, photo=photo), _("Das Foto ist gelöscht."))
    return redirect("defects:case", report_id=report.pk)
