"""The office keeps the board (Vorstand) and the supervisory board (Aufsichtsrat): people with their terms,
and the resolutions of both bodies for the register (with the signed resolution as PDF, if there is one)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import DomainError
from kitu.core.forms import add_domain_error, save_form

from .. import policies, rules, selectors
from ..forms import BodyMemberForm, BodyResolutionForm, TermEndForm
from ..models import Body, BodyMember, Resolution
from ..services import assemblies, changes
from .common import found, pdf_response


def _office(request: HttpRequest) -> None:
    if not policies.can_manage(request.user):
        raise DjangoPermissionDenied


def _page(
    request: HttpRequest, member_form: BodyMemberForm, resolution_form: BodyResolutionForm, status: int = 200
) -> HttpResponse:
    people = BodyMember.objects.order_by("body", "-term_start", "full_name")
    return render(
        request,
        "governance/bodies.html",
        {
            "people": [(p, TermEndForm(prefix=f"p{p.pk}")) for p in people],
            "member_form": member_form,
            "resolution_form": resolution_form,
        },
        status=status,
    )


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    _office(request)
    return _page(request, BodyMemberForm(), BodyResolutionForm())


@login_required
@require_POST
def member_add(request: HttpRequest) -> HttpResponse:
    _office(request)
    form = BodyMemberForm(request.POST)
    answer = save_form(
        request,
        form,
        lambda data: assemblies.body_member_add(actor=request.user, **data),
        _("Die Person ist eingetragen."),
        lambda _saved: redirect("governance:bodies"),
    )
    return answer or _page(request, form, BodyResolutionForm(), status=400)


@login_required
@require_POST
def member_end(request: HttpRequest, person_id: int) -> HttpResponse:
    _office(request)
    person = get_object_or_404(BodyMember, pk=person_id)
    form = TermEndForm(request.POST, prefix=f"p{person.pk}")
    if not form.is_valid():
        messages.error(request, _("Bitte das Ende der Amtszeit als Datum angeben."))
        return redirect("governance:bodies")
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Amtszeit beenden?"),
                consequence=_(
                    "%(name)s gehört ab dem Tag nach dem %(day)s nicht mehr dem Organ %(body)s an. Die Person "
                    "bleibt mit ihrer Amtszeit verzeichnet."
                )
                % {
                    "name": person.full_name,
                    "day": form.cleaned_data["term_end"].strftime("%d.%m.%Y"),
                    "body": person.get_body_display(),
                },
                button=_("Amtszeit beenden"),
                action=reverse("governance:body_member_end", args=[person.pk]),
                back=reverse("governance:bodies"),
                facts=[(_("Name"), person.full_name), (_("Funktion"), person.get_function_display())],
                hidden=carried(request.POST),
            ),
        )
    try:
        changes.body_member_end(actor=request.user, person=person, term_end=form.cleaned_data["term_end"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Amtszeit ist beendet."))
    return redirect("governance:bodies")


@login_required
@require_POST
def resolution_record(request: HttpRequest) -> HttpResponse:
    _office(request)
    form = BodyResolutionForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        if not confirmed(request):
            return confirmation_page(request, _resolution_confirmation(request, data))
        try:
            assemblies.body_resolution_record(
                actor=request.user,
                body=data["body"],
                title=data["title"],
                decided_on=data["decided_on"],
                text=data["text"],
                rule=data["rule"],
                yes=data["yes"],
                no=data["no"],
                abstain=data["abstain"],
                document=data["document"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Der Beschluss steht im Beschlussregister."))
            return redirect(reverse("governance:register") + "?body=" + data["body"])
    return _page(request, BodyMemberForm(), form, status=400)


class _DocumentAgainForm(forms.Form):
    document = forms.FileField(label=_("unterschriebener Beschluss (PDF, bitte erneut wählen)"), required=False)


def _resolution_confirmation(request: HttpRequest, data: dict[str, Any]) -> Confirmation:
    """What the register will say, before it says it: an entry cannot be changed or removed afterwards."""
    tally = rules.Tally(yes=data["yes"], no=data["no"], abstain=data["abstain"])
    outcome = _("angenommen") if rules.adopted(data["rule"], tally) else _("abgelehnt")
    body = Body(data["body"]).label
    return Confirmation(
        title=_("Beschluss ins Beschlussregister eintragen?"),
        consequence=_(
            "Der Beschluss „%(title)s“ des Organs %(body)s vom %(day)s wird als %(outcome)s eingetragen und ist "
            "für alle Mitglieder im Beschlussregister zu lesen. Ein Eintrag lässt sich danach nicht mehr ändern "
            "oder löschen."
        )
        % {"title": data["title"], "body": body, "day": data["decided_on"].strftime("%d.%m.%Y"), "outcome": outcome},
        button=_("Beschluss eintragen"),
        action=reverse("governance:body_resolution_record"),
        back=reverse("governance:bodies"),
        facts=[
            (_("Organ"), body),
            (_("Beschlussgegenstand"), data["title"]),
            (_("Stimmen"), _("%(yes)s Ja, %(no)s Nein, %(abstain)s Enthaltungen") % data),
            (_("Ergebnis"), outcome),
        ],
        hidden=carried(request.POST),
        # a file cannot be carried over: chosen again on the confirmation page (UX.md)
        extra_form=_DocumentAgainForm() if data["document"] else None,
    )


@login_required
def resolution_document(request: HttpRequest, resolution_id: int) -> FileResponse:
    found(lambda: selectors.assemblies(request.user))  # every reader of the register
    resolution = get_object_or_404(Resolution, pk=resolution_id, body__in=[Body.BOARD, Body.SUPERVISORY])
    return pdf_response(request, resolution.document, resolution.document_name or f"Beschluss-{resolution.pk}.pdf")
