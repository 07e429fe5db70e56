"""The office's work on an assembly: create it, agenda, documents, motions, invitation (with the warning when
the period is missed), the poll's steps, check-in at the door, the signed minutes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import DomainError
from kitu.core.forms import errors_text

from .. import policies, selectors
from ..forms import AgendaItemForm, AssemblyForm, DocumentForm, MinutesForm, ResolutionForm
from ..models import AgendaItem, Assembly, Attendance, Resolution
from ..rules import PollStatus
from ..services import assemblies, invitations, voting
from .common import found

STEP_LABELS = {
    PollStatus.OPEN: gettext_lazy("Abstimmung öffnen"),
    PollStatus.CLOSED: gettext_lazy("Abstimmung schließen"),
    PollStatus.COUNTED: gettext_lazy("Auszählen und Ergebnis festhalten"),
}


def _office_assembly(request: HttpRequest, assembly_id: int) -> Assembly:
    if not policies.can_manage(request.user):
        raise DjangoPermissionDenied
    return found(lambda: selectors.assembly_for(request.user, assembly_id))


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> None:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


@login_required
@require_POST
def assembly_create(request: HttpRequest) -> HttpResponse:
    if not policies.can_manage(request.user):
        raise DjangoPermissionDenied
    form = AssemblyForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("governance:index")
    try:
        created = assemblies.assembly_create(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("governance:index")
    messages.success(request, _("Die Versammlung ist angelegt."))
    return redirect("governance:assembly", created.pk)


@login_required
@require_POST
def agenda_add(request: HttpRequest, assembly_id: int) -> HttpResponse:
    obj = _office_assembly(request, assembly_id)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: assemblies.agenda_item_add(actor=request.user, assembly=obj, **form.cleaned_data),
            _("Der Tagesordnungspunkt ist ergänzt."),
        )
    else:
        messages.error(request, errors_text(form))
    return redirect("governance:assembly", obj.pk)


@login_required
@require_POST
def document_add(request: HttpRequest, assembly_id: int) -> HttpResponse:
    obj = _office_assembly(request, assembly_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        item = get_object_or_404(AgendaItem, pk=form.cleaned_data["item"], assembly=obj)
        _run(
            request,
            lambda: assemblies.document_add(
                actor=request.user, item=item, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            ),
            _("Die Unterlage ist hochgeladen."),
        )
    else:
        messages.error(request, errors_text(form))
    return redirect("governance:assembly", obj.pk)


@login_required
@require_POST
def resolution_add(request: HttpRequest, assembly_id: int) -> HttpResponse:
    obj = _office_assembly(request, assembly_id)
    form = ResolutionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        item = get_object_or_404(AgendaItem, pk=data["item"], assembly=obj)
        _run(
            request,
            lambda: assemblies.resolution_add(
                actor=request.user,
                assembly=obj,
                agenda_item=item,
                title=data["title"],
                rule=data["rule"],
                procedure=data["procedure"],
                secret=data["secret"],
            ),
            _("Der Beschlussantrag ist angelegt."),
        )
    else:
        messages.error(request, errors_text(form))
    return redirect("governance:assembly", obj.pk)


@login_required
@require_POST
def invite(request: HttpRequest, assembly_id: int) -> HttpResponse:
    """Confirmation first (with the count and, when late, the warning); then the background job."""
    obj = _office_assembly(request, assembly_id)
    preview = invitations.invitation_preview(obj)
    if not confirmed(request):
        consequence = _(
            "%(n)s Vertreterinnen und Vertreter von %(members)s Mitgliedern erhalten die Einladung per E-Mail."
        ) % {"n": preview.recipients, "members": preview.members}
        if preview.late:
            consequence += " " + _(
                "Achtung: Bis zur Versammlung sind es nur noch %(days)s Tage; die Satzung verlangt mindestens "
                "%(required)s Tage. Die Einladung ist verspätet und wird so vermerkt."
            ) % {"days": preview.days_before, "required": preview.required_days}
        return confirmation_page(
            request,
            Confirmation(
                title=_("Zur Versammlung einladen?"),
                consequence=consequence,
                button=_("%(n)s Einladungen verschicken") % {"n": preview.recipients},
                action=reverse("governance:invite", args=[obj.pk]),
                back=reverse("governance:assembly", args=[obj.pk]),
                facts=[(_("Versammlung"), obj.title), (_("Tage bis zur Versammlung"), preview.days_before)],
                hidden=carried(request.POST),
            ),
        )
    try:
        job = invitations.invitation_start(actor=request.user, assembly=obj, late_confirmed=True)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("governance:assembly", obj.pk)
    return redirect("core:job", job.pk)


@login_required
@require_POST
def transition(request: HttpRequest, assembly_id: int, resolution_id: int, to: str) -> HttpResponse:
    obj = _office_assembly(request, assembly_id)
    poll = get_object_or_404(Resolution, pk=resolution_id, assembly=obj)
    if to not in STEP_LABELS:
        messages.error(request, _("Unbekannter Schritt."))
        return redirect("governance:assembly", obj.pk)
    if to == PollStatus.CLOSED and not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Abstimmung schließen?"),
                consequence=_("Danach kann niemand mehr abstimmen oder seine Stimme ändern (%(n)s haben abgestimmt).")
                % {"n": selectors.turnout(poll)},
                button=str(STEP_LABELS[PollStatus.CLOSED]),
                action=reverse("governance:transition", args=[obj.pk, poll.pk, to]),
                back=reverse("governance:assembly", args=[obj.pk]),
                facts=[(_("Beschluss"), poll.title)],
            ),
        )
    _run(request, lambda: voting.poll_transition(actor=request.user, poll=poll, to=to), _("Erledigt."))
    return redirect("governance:assembly", obj.pk)


@login_required
@require_POST
def check_in(request: HttpRequest, assembly_id: int, attendance_id: int) -> HttpResponse:
    obj = _office_assembly(request, assembly_id)
    attendance = get_object_or_404(Attendance, pk=attendance_id, assembly=obj)
    _run(
        request,
        lambda: assemblies.attendance_check_in(actor=request.user, attendance=attendance),
        _("Anwesenheit festgestellt."),
    )
    return redirect("governance:assembly", obj.pk)


@login_required
@require_POST
def minutes_upload(request: HttpRequest, assembly_id: int) -> HttpResponse:
    obj = _office_assembly(request, assembly_id)
    form = MinutesForm(request.POST, request.FILES)
    if form.is_valid():
        _run(
            request,
            lambda: assemblies.minutes_upload(
                actor=request.user,
                assembly=obj,
                upload=form.cleaned_data["file"],
                signed_by=form.cleaned_data["signed_by"],
            ),
            _("Das Protokoll ist hochgeladen."),
        )
    else:
        messages.error(request, errors_text(form))
    return redirect("governance:assembly", obj.pk)
