"""The office changes an assembly that is still ahead (date, form, place, agenda items, documents) and calls it
off (confirmation page, cancellation mails). After the invitation the page says that the statutory period
restarts for changed items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import DomainError
from kitu.core.forms import add_domain_error, errors_text, save_form

from .. import conf
from ..forms import AgendaItemEditForm, AssemblyForm, CancelForm
from ..models import AgendaDocument, AgendaItem, Assembly, Invitation
from ..services import changes
from ..services.assemblies import is_held
from .office import _office_assembly


def _page(
    request: HttpRequest, obj: Assembly, form: AssemblyForm, cancel_form: CancelForm, status: int = 200
) -> HttpResponse:
    items = [
        (
            item,
            AgendaItemEditForm(initial={"title": item.title, "description": item.description}, prefix=f"top{item.pk}"),
        )
        for item in obj.agenda.prefetch_related("documents")
    ]
    return render(
        request,
        "governance/assembly_edit.html",
        {
            "assembly": obj,
            "form": form,
            "cancel_form": cancel_form,
            "items": items,
            "changeable": obj.cancelled_at is None and not is_held(obj),
            "invitation_days": conf.get("INVITATION_DAYS"),
            "invited": Invitation.objects.filter(assembly=obj).count(),
        },
        status=status,
    )


@login_required
def assembly_edit(request: HttpRequest, assembly_id: int) -> HttpResponse:
    obj = _office_assembly(request, assembly_id)
    initial = {
        "title": obj.title,
        "starts_at": timezone.localtime(obj.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "mode": obj.mode,
        "place": obj.place,
        "online_url": obj.online_url,
        "chair": obj.chair,
    }
    form = AssemblyForm(request.POST or None, initial=initial)
    if request.method == "POST":
        answer = save_form(
            request,
            form,
            lambda data: changes.assembly_update(actor=request.user, assembly=obj, **data),
            _("Die Versammlung ist geändert."),
            lambda saved: redirect("governance:assembly", saved.pk),
        )
        if answer is not None:
            return answer
        return _page(request, obj, form, CancelForm(), status=400)
    return _page(request, obj, form, CancelForm())


@login_required
@require_POST
def agenda_item_edit(request: HttpRequest, assembly_id: int, item_id: int) -> HttpResponse:
    obj = _office_assembly(request, assembly_id)
    item = get_object_or_404(AgendaItem, pk=item_id, assembly=obj)
    form = AgendaItemEditForm(request.POST, prefix=f"top{item.pk}")
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("governance:assembly_edit", obj.pk)
    try:
        changes.agenda_item_update(actor=request.user, item=item, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Der Tagesordnungspunkt ist geändert."))
    return redirect("governance:assembly_edit", obj.pk)


@login_required
@require_POST
def document_remove(request: HttpRequest, assembly_id: int, document_id: int) -> HttpResponse:
    obj = _office_assembly(request, assembly_id)
    document = get_object_or_404(AgendaDocument, pk=document_id, item__assembly=obj)
    if not confirmed(request):
        consequence = _("Die Unterlage wird gelöscht und ist für die Mitglieder nicht mehr abrufbar.")
        if obj.invited_at:
            consequence += " " + _(
                "Die Einladung ist verschickt: Für den geänderten Punkt beginnt die Einladungsfrist neu."
            )
        return confirmation_page(
            request,
            Confirmation(
                title=_("Unterlage entfernen?"),
                consequence=consequence,
                button=_("Unterlage entfernen"),
                action=reverse("governance:document_remove", args=[obj.pk, document.pk]),
                back=reverse("governance:assembly_edit", args=[obj.pk]),
                facts=[(_("Unterlage"), document.name), (_("Tagesordnungspunkt"), document.item.title)],
            ),
        )
    try:
        changes.document_remove(actor=request.user, document=document)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Unterlage ist entfernt."))
    return redirect("governance:assembly_edit", obj.pk)


@login_required
@require_POST
def assembly_cancel(request: HttpRequest, assembly_id: int) -> HttpResponse:
    obj = _office_assembly(request, assembly_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _page(request, obj, AssemblyForm(), form, status=400)
    if not confirmed(request):
        invited = Invitation.objects.filter(assembly=obj).count()
        return confirmation_page(
            request,
            Confirmation(
                title=_("Versammlung absagen?"),
                consequence=_(
                    "Die Versammlung findet nicht statt. %(n)s eingeladene Vertreterinnen und Vertreter erhalten eine "
                    "Absage per E-Mail. Eine Absage lässt sich nicht zurücknehmen; für einen neuen Termin legen Sie "
                    "eine neue Versammlung an und laden mit voller Frist ein."
                )
                % {"n": invited},
                button=_("Versammlung absagen und %(n)s Absagen verschicken") % {"n": invited},
                action=reverse("governance:assembly_cancel", args=[obj.pk]),
                back=reverse("governance:assembly_edit", args=[obj.pk]),
                facts=[(_("Versammlung"), obj.title), (_("Grund"), form.cleaned_data["reason"])],
                hidden=carried(request.POST),
            ),
        )
    try:
        sent = changes.assembly_cancel(actor=request.user, assembly=obj, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        add_domain_error(form, exc)
        messages.error(request, exc.message)
        return redirect("governance:assembly_edit", obj.pk)
    messages.success(request, _("Die Versammlung ist abgesagt; %(n)s Absagen gehen per E-Mail hinaus.") % {"n": sent})
    return redirect("governance:assembly", obj.pk)
