"""The council office's papers under /sitzungsdienst/<slug>/vorlagen/: the list (type, year, text; pages),
a new paper, the paper with its files (upload, delete) and its consultations (the planned path through the
bodies: add, change, remove, reorder), editing and deleting (a tombstone, after a confirmation page).

Only the town's council office reaches these pages (anyone else signed in: 403; a paper, file or
consultation of another town: 404). Views parse and render; services/papers.py and services/files.py decide
and write."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kitu.core.confirm import Confirmation, confirmation_page, confirmed
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import add_domain_error
from kitu.core.schemas import MAX_ID

from ..forms_papers import ConsultationForm, FileForm, PaperForm
from ..models import Body, Consultation, File, Paper, PaperType
from ..services import files as file_services
from ..services import papers as services
from ..visibility import Visibility
from . import register as register_views
from .common import office_body as _office
from .common import optional_url

PER_PAGE = 50
MAX_QUERY = 200


def _paper(body: Body, paper_id: int) -> Paper:
    paper = Paper.objects.filter(body=body, pk=paper_id, deleted=False).first() if 0 < paper_id <= MAX_ID else None
    if paper is None:
        raise Http404
    return paper


def _render(request: HttpRequest, template: str, body: Body, status: int = 200, **context: Any) -> HttpResponse:
    nav = getattr(register_views, "office_nav", None)  # the office's menu (views/register_common.py)
    context = {"body": body, "office_nav": nav(body, request.path) if nav else [], **context}
    return render(request, f"council/papers/{template}", context, status=status)


def _paper_url(paper: Paper) -> str:
    return reverse("council:office_paper", args=[paper.body.slug, paper.pk])


# --- list ----------------------------------------------------------------------------------------------------


@login_required
def office_papers(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    papers = Visibility.for_user(request.user, body).papers()
    paper_type = request.GET.get("art", "")
    if paper_type not in PaperType.values:
        paper_type = ""
    year_raw = request.GET.get("jahr", "").strip()
    year = int(year_raw) if re.fullmatch(r"[0-9]{4}", year_raw) else None
    text = request.GET.get("q", "").strip()[:MAX_QUERY]
    if paper_type:
        papers = papers.filter(paper_type=paper_type)
    if year:
        papers = papers.filter(date__year=year)
    if text:
        papers = papers.filter(Q(reference__icontains=text) | Q(name__icontains=text))
    papers = papers.annotate(file_count=Count("files", filter=Q(files__deleted=False))).order_by("-date", "-reference")
    page = Paginator(papers, PER_PAGE).get_page(request.GET.get("page"))
    years = [d.year for d in Paper.objects.filter(body=body, deleted=False).dates("date", "year", order="DESC")]
    query = urlencode({k: v for k, v in (("art", paper_type), ("jahr", year or ""), ("q", text)) if v})
    return _render(
        request,
        "papers.html",
        body,
        page=page,
        papers=page.object_list,
        paper_types=PaperType.choices,
        years=years,
        filters={"art": paper_type, "jahr": year, "q": text},
        query=query,
        filtered=bool(paper_type or year or text),
    )


# --- new and edit --------------------------------------------------------------------------------------------


@login_required
def office_paper_new(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    form = PaperForm(request.POST if request.method == "POST" else None, body=body)
    example = services.next_reference(body, PaperType.RESOLUTION, timezone.localdate().year)
    form.fields["reference"].help_text = _(
        "leer lassen: die nächste freie Nummer der Art und des Jahres (für eine Beschlussvorlage jetzt %(ref)s)"
    ) % {"ref": example}
    if form.is_bound and form.is_valid():
        try:
            paper = services.paper_create(actor=request.user, body=body, **form.service_data())
        except DomainError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Die Vorlage %(ref)s ist angelegt.") % {"ref": paper.reference})
            return redirect(_paper_url(paper))
    return _render(request, "paper_form.html", body, status=400 if form.is_bound else 200, form=form, paper=None)


@login_required
def office_paper_edit(request: HttpRequest, slug: str, paper_id: int) -> HttpResponse:
    body = _office(request, slug)
    paper = _paper(body, paper_id)
    form = PaperForm(request.POST if request.method == "POST" else None, body=body, paper=paper)
    if form.is_bound and form.is_valid():
        try:
            services.paper_update(actor=request.user, paper=paper, **form.service_data())
        except DomainError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Die Vorlage ist gespeichert."))
            return redirect(_paper_url(paper))
    return _render(request, "paper_form.html", body, status=400 if form.is_bound else 200, form=form, paper=paper)


# --- the paper -----------------------------------------------------------------------------------------------


def _detail(
    request: HttpRequest,
    body: Body,
    paper: Paper,
    *,
    file_form: FileForm | None = None,
    consultation_form: ConsultationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    files = list(paper.files.filter(deleted=False).order_by("role", "pk"))
    for file in files:
        # TODO(lead): the link needs H4's download view ``council:file``; until it exists the name shows alone.
        file.download_url = optional_url("council:file", body.slug, file.pk, file.file_name)  # type: ignore[attr-defined]
    consultations = list(
        paper.consultations.filter(deleted=False)
        .select_related("agenda_item__meeting")
        .prefetch_related(Prefetch("organizations", to_attr="organization_list"))
        .order_by("order", "pk")
    )
    for consultation in consultations:
        item = consultation.agenda_item
        consultation.meeting_url = (  # type: ignore[attr-defined]
            optional_url("council:office_meeting", body.slug, item.meeting_id) if item and not item.deleted else None
        )
    return _render(
        request,
        "paper.html",
        body,
        status=status,
        paper=paper,
        files=files,
        consultations=consultations,
        file_form=file_form or FileForm(prefix="datei"),
        consultation_form=consultation_form or ConsultationForm(body=body, prefix="beratung"),
        related=paper.related_papers.filter(deleted=False).order_by("reference"),
        superordinated=paper.superordinated_papers.filter(deleted=False).order_by("reference"),
        subordinated=paper.subordinated_papers.filter(deleted=False).order_by("reference"),
        originator_persons=paper.originator_persons.filter(deleted=False),
        originator_organizations=paper.originator_organizations.filter(deleted=False),
        under_direction_of=paper.under_direction_of.filter(deleted=False),
        public_url=optional_url("council:paper", body.slug, paper.pk),
    )


@login_required
def office_paper(request: HttpRequest, slug: str, paper_id: int) -> HttpResponse:
    body = _office(request, slug)
    return _detail(request, body, _paper(body, paper_id))


@login_required
@require_POST
def office_paper_delete(request: HttpRequest, slug: str, paper_id: int) -> HttpResponse:
    body = _office(request, slug)
    paper = _paper(body, paper_id)
    back = _paper_url(paper)
    if not confirmed(request):
        files = paper.files.filter(deleted=False).count()
        consultations = paper.consultations.filter(deleted=False).count()
        return confirmation_page(
            request,
            Confirmation(
                title=_("Vorlage %(ref)s löschen?") % {"ref": paper.reference},
                consequence=" ".join(
                    [
                        _("Die Vorlage „%(name)s“ verschwindet von allen Seiten und aus der Suche.")
                        % {"name": paper.name},
                        ngettext("Ihre %(n)s Datei wird gelöscht.", "Ihre %(n)s Dateien werden gelöscht.", files)
                        % {"n": files},
                        ngettext(
                            "%(n)s geplante Beratung entfällt.", "%(n)s geplante Beratungen entfallen.", consultations
                        )
                        % {"n": consultations},
                        _(
                            "Die OParl-Schnittstelle meldet sie als gelöscht, die Drucksachennummer bleibt vergeben. "
                            "Das lässt sich nicht rückgängig machen."
                        ),
                    ]
                ),
                button=_("Vorlage löschen"),
                action=request.path,
                back=back,
                facts=[(_("Drucksachennummer"), paper.reference), (_("Betreff"), paper.name)],
            ),
        )
    try:
        services.paper_delete(actor=request.user, paper=paper)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("Die Vorlage %(ref)s ist gelöscht.") % {"ref": paper.reference})
    return redirect("council:office_papers", slug=body.slug)


# --- files ---------------------------------------------------------------------------------------------------


@login_required
@require_POST
def office_paper_file_add(request: HttpRequest, slug: str, paper_id: int) -> HttpResponse:
    body = _office(request, slug)
    paper = _paper(body, paper_id)
    form = FileForm(request.POST, request.FILES, prefix="datei")
    if form.is_valid():
        data = form.cleaned_data
        try:
            file = file_services.file_attach(
                actor=request.user, body=body, upload=data["file"], role=data["role"], name=data["name"], paper=paper
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Die Datei „%(name)s“ ist angehängt.") % {"name": file.name})
            return redirect(_paper_url(paper) + "#dateien")
    return _detail(request, body, paper, file_form=form, status=400)


@login_required
@require_POST
def office_paper_file_delete(request: HttpRequest, slug: str, paper_id: int, file_id: int) -> HttpResponse:
    body = _office(request, slug)
    paper = _paper(body, paper_id)
    file = File.objects.filter(paper=paper, pk=file_id, deleted=False).first() if 0 < file_id <= MAX_ID else None
    if file is None:
        raise Http404
    back = _paper_url(paper) + "#dateien"
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Datei „%(name)s“ löschen?") % {"name": file.name},
                consequence=_(
                    "Die Datei wird aus der Vorlage %(ref)s entfernt und ist nicht mehr abrufbar; ihr Text "
                    "verschwindet aus der Suche. Das lässt sich nicht rückgängig machen."
                )
                % {"ref": paper.reference},
                button=_("Datei löschen"),
                action=request.path,
                back=back,
                facts=[(_("Dateiname"), file.file_name), (_("Art"), file.get_role_display())],
            ),
        )
    try:
        file_services.file_delete(actor=request.user, file=file)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Datei ist gelöscht."))
    return redirect(back)


# --- consultations -------------------------------------------------------------------------------------------


def _consultation(paper: Paper, consultation_id: int) -> Consultation:
    consultation = (
        Consultation.objects.filter(paper=paper, pk=consultation_id, deleted=False)
        .select_related("paper__body")
        .first()
        if 0 < consultation_id <= MAX_ID
        else None
    )
    if consultation is None:
        raise Http404
    return consultation


@login_required
@require_POST
def office_paper_consultation_add(request: HttpRequest, slug: str, paper_id: int) -> HttpResponse:
    body = _office(request, slug)
    paper = _paper(body, paper_id)
    form = ConsultationForm(request.POST, body=body, prefix="beratung")
    if form.is_valid():
        try:
            services.consultation_add(actor=request.user, paper=paper, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Die Beratung ist eingeplant."))
            return redirect(_paper_url(paper) + "#beratungen")
    return _detail(request, body, paper, consultation_form=form, status=400)


@login_required
def office_paper_consultation(request: HttpRequest, slug: str, paper_id: int, consultation_id: int) -> HttpResponse:
    """Change one planned consultation (organizations, role, deciding)."""
    body = _office(request, slug)
    paper = _paper(body, paper_id)
    consultation = _consultation(paper, consultation_id)
    initial = {
        "organizations": list(consultation.organizations.filter(deleted=False)),
        "role": consultation.role,
        "authoritative": consultation.authoritative,
    }
    form = ConsultationForm(
        request.POST if request.method == "POST" else None, body=body, initial=initial, prefix="beratung"
    )
    if form.is_bound and form.is_valid():
        try:
            services.consultation_update(actor=request.user, consultation=consultation, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Die Beratung ist gespeichert."))
            return redirect(_paper_url(paper) + "#beratungen")
    return _render(
        request,
        "consultation_form.html",
        body,
        status=400 if form.is_bound else 200,
        form=form,
        paper=paper,
        consultation=consultation,
    )


@login_required
@require_POST
def office_paper_consultation_remove(
    request: HttpRequest, slug: str, paper_id: int, consultation_id: int
) -> HttpResponse:
    body = _office(request, slug)
    paper = _paper(body, paper_id)
    consultation = _consultation(paper, consultation_id)
    back = _paper_url(paper) + "#beratungen"
    organizations = ", ".join(o.name for o in consultation.organizations.filter(deleted=False))
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Beratung entfernen?"),
                consequence=_(
                    "Die geplante Beratung (%(role)s) in %(organizations)s wird aus dem Weg der Vorlage %(ref)s "
                    "entfernt. Die OParl-Schnittstelle meldet sie als gelöscht."
                )
                % {"role": consultation.get_role_display(), "organizations": organizations, "ref": paper.reference},
                button=_("Beratung entfernen"),
                action=request.path,
                back=back,
            ),
        )
    try:
        services.consultation_remove(actor=request.user, consultation=consultation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Beratung ist entfernt."))
    return redirect(back)


@login_required
@require_POST
def office_paper_consultation_move(
    request: HttpRequest, slug: str, paper_id: int, consultation_id: int
) -> HttpResponse:
    body = _office(request, slug)
    paper = _paper(body, paper_id)
    consultation = _consultation(paper, consultation_id)
    step = {"hoch": -1, "runter": 1}.get(request.POST.get("richtung", ""))
    if step is None:
        messages.error(request, _("Bitte wählen Sie, ob die Beratung nach oben oder unten rücken soll."))
        return _detail(request, body, paper, status=400)
    try:
        services.consultation_move(actor=request.user, consultation=consultation, step=step)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_paper_url(paper) + "#beratungen")


PREFIX = "sitzungsdienst/<slug:slug>/vorlagen/"
urlpatterns = [
    path(PREFIX, office_papers, name="office_papers"),
    path(PREFIX + "neu/", office_paper_new, name="office_paper_new"),
    path(PREFIX + "<int:paper_id>/", office_paper, name="office_paper"),
    path(PREFIX + "<int:paper_id>/bearbeiten/", office_paper_edit, name="office_paper_edit"),
    path(PREFIX + "<int:paper_id>/loeschen/", office_paper_delete, name="office_paper_delete"),
    path(PREFIX + "<int:paper_id>/dateien/", office_paper_file_add, name="office_paper_file_add"),
    path(
        PREFIX + "<int:paper_id>/dateien/<int:file_id>/loeschen/",
        office_paper_file_delete,
        name="office_paper_file_delete",
    ),
    path(PREFIX + "<int:paper_id>/beratungen/", office_paper_consultation_add, name="office_paper_consultation_add"),
    path(
        PREFIX + "<int:paper_id>/beratungen/<int:consultation_id>/",
        office_paper_consultation,
        name="office_paper_consultation",
    ),
    path(
        PREFIX + "<int:paper_id>/beratungen/<int:consultation_id>/entfernen/",
        office_paper_consultation_remove,
        name="office_paper_consultation_remove",
    ),
    path(
        PREFIX + "<int:paper_id>/beratungen/<int:consultation_id>/verschieben/",
        office_paper_consultation_move,
        name="office_paper_consultation_move",
    ),
]
