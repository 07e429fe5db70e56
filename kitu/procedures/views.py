"""Pages of the register: the list (a member's staff see their member's entries, the office all), the entry
form for member admins, the office's matrix procedures × members with filters and the XLSX export, and the
agreement document download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core.confirm import Confirmation, confirmation_page, confirmed
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import add_domain_error, run_action
from kitu.members.models import Member

from . import export, selectors, services
from .forms import FilterForm, ProcedureForm
from .models import Procedure
from .policies import EDIT_ROLES, can_edit, is_office, member_org_ids


def _procedure(request: HttpRequest, procedure_id: int) -> Procedure:
    try:
        return selectors.visible_procedure(request.user, procedure_id)
    except NotFound:
        raise Http404 from None


def _require_reader(request: HttpRequest) -> None:
    if not is_office(request.user) and not member_org_ids(request.user):
        raise DjangoPermissionDenied


def _editable_members(request: HttpRequest) -> list[Member]:
    orgs = member_org_ids(request.user, EDIT_ROLES)
    return list(Member.objects.filter(organisation_id__in=orgs).select_related("organisation"))


@login_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    office = is_office(request.user)
    visible = selectors.visible_procedures(request.user)
    members = Member.objects.filter(procedures__isnull=False).distinct().select_related("organisation")
    form = FilterForm(request.GET or None, members=members.order_by("organisation__name") if office else None)
    procedures = selectors.filtered(visible, **form.filters())
    return render(
        request,
        "procedures/list.html",
        {
            "form": form,
            "procedures": procedures[:500],
            "count": procedures.count(),
            "office": office,
            "editable": _editable_members(request),
            "editable_ids": {m.pk for m in _editable_members(request)},
        },
    )


@login_required
def matrix(request: HttpRequest) -> HttpResponse:
    if not is_office(request.user):
        raise DjangoPermissionDenied
    form = FilterForm(request.GET or None)
    procedures = selectors.filtered(selectors.visible_procedures(request.user), **form.filters())
    if request.GET.get("format") == "xlsx":
        return export.xlsx_response(procedures, selectors.matrix(procedures))
    return render(
        request,
        "procedures/matrix.html",
        {"form": form, "matrix": selectors.matrix(procedures), "query": request.GET.urlencode()},
    )


def _form_page(request: HttpRequest, member: Member, procedure: Procedure | None) -> HttpResponse:
    form = ProcedureForm(request.POST or None, request.FILES or None, instance=procedure)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.procedure_save(
                actor=request.user,
                member=member,
                procedure=procedure,
                data=form.data_for_service(),
                document=form.cleaned_data.get("dpa_upload"),
            )
        except DomainError as exc:
            if exc.field == "dpa_document":
                form.add_error("dpa_upload", exc.message)
            else:
                add_domain_error(form, exc)
        else:
            messages.success(request, _("Das Fachverfahren ist gespeichert."))
            return redirect("procedures:detail", procedure_id=saved.pk)
    return render(request, "procedures/form.html", {"form": form, "member": member, "procedure": procedure})


@login_required
def procedure_new(request: HttpRequest) -> HttpResponse:
    members = _editable_members(request)
    if not members:
        raise DjangoPermissionDenied
    member = members[0]
    if len(members) > 1 and request.GET.get("member"):
        member = next((m for m in members if str(m.pk) == request.GET["member"]), member)
    return _form_page(request, member, None)


@login_required
def procedure_detail(request: HttpRequest, procedure_id: int) -> HttpResponse:
    procedure = _procedure(request, procedure_id)
    return render(
        request,
        "procedures/detail.html",
        {"p": procedure, "may_edit": can_edit(request.user, procedure.member.organisation_id)},
    )


@login_required
def procedure_edit(request: HttpRequest, procedure_id: int) -> HttpResponse:
    procedure = _procedure(request, procedure_id)
    if not can_edit(request.user, procedure.member.organisation_id):
        raise DjangoPermissionDenied
    return _form_page(request, procedure.member, procedure)


@login_required
@require_POST
def procedure_delete(request: HttpRequest, procedure_id: int) -> HttpResponse:
    procedure = _procedure(request, procedure_id)
    if not can_edit(request.user, procedure.member.organisation_id):
        raise DjangoPermissionDenied
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Fachverfahren löschen?"),
                consequence=_("Der Eintrag „%(name)s“ und ein hinterlegter AV-Vertrag werden gelöscht.")
                % {"name": procedure.name},
                button=_("Eintrag löschen"),
                action=request.path,
                back=reverse("procedures:detail", args=[procedure.pk]),
            ),
        )
    if run_action(
        request,
        lambda: services.procedure_delete(actor=request.user, procedure=procedure),
        _("Der Eintrag ist gelöscht."),
    ):
        return redirect("procedures:list")
    return redirect("procedures:detail", procedure_id=procedure.pk)


@login_required
def dpa_document(request: HttpRequest, procedure_id: int) -> FileResponse:
    procedure = _procedure(request, procedure_id)
    if not procedure.dpa_document:
        raise Http404
    response = FileResponse(
        procedure.dpa_document.open("rb"), as_attachment=True, filename=procedure.dpa_document.name.rsplit("/", 1)[-1]
    )
    response["Content-Type"] = "application/pdf"
    response["X-Content-Type-Options"] = "nosniff"
    return response
