"""The council office's persons (with their memberships) and the memberships themselves."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core.forms import save_form
from kitu.core.schemas import MAX_ID

from ..forms_register import MembershipForm, PersonForm
from ..models import Body, Membership, Person
from ..services import register as services
from ..visibility import Visibility
from .common import office_body as _office
from .common import optional_url
from .register_common import delete_confirmed, render_office, row_or_404


@login_required
def office_persons(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    persons = (
        Visibility.for_user(request.user, body)
        .persons()
        .select_related("user")
        .annotate(active_memberships=Count("memberships", filter=Q(memberships__deleted=False)))
    )
    return render_office(request, "persons.html", body, persons=persons)


@login_required
def office_person_new(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    form = PersonForm(request.POST if request.method == "POST" else None, body=body)
    done = save_form(
        request,
        form,
        lambda data: services.person_save(actor=request.user, body=body, **data),
        _("Die Person ist angelegt."),
        lambda person: redirect("council:office_person", slug=body.slug, person_id=person.pk),
    )
    return done or render_office(request, "person_form.html", body, form, person=None)


@login_required
def office_person(request: HttpRequest, slug: str, person_id: int) -> HttpResponse:
    """A person: the edit form and their memberships."""
    body = _office(request, slug)
    seen = Visibility.for_user(request.user, body)
    person = row_or_404(Person.objects.filter(body=body).select_related("user"), person_id)
    form = PersonForm(request.POST if request.method == "POST" else None, body=body, instance=person)
    done = save_form(
        request,
        form,
        lambda data: services.person_save(actor=request.user, body=body, person=person, **data),
        _("Die Angaben sind gespeichert."),
        lambda p: redirect("council:office_person", slug=body.slug, person_id=p.pk),
    )
    if done:
        return done
    memberships = (
        seen.memberships().filter(person=person).select_related("organization", "on_behalf_of").order_by("-start_date")
    )
    return render_office(
        request,
        "person.html",
        body,
        form,
        person=person,
        memberships=memberships,
        public_url=optional_url("council:person", body.slug, person.pk),
    )


@login_required
@require_POST
def office_person_delete(request: HttpRequest, slug: str, person_id: int) -> HttpResponse:
    body = _office(request, slug)
    person = row_or_404(Person.objects.filter(body=body), person_id)
    count = person.memberships.filter(deleted=False).count()
    return delete_confirmed(
        request,
        body=body,
        title=_("%(name)s löschen?") % {"name": person.name},
        consequence=_(
            "Die Person und ihre %(count)s Mitgliedschaften verschwinden von allen Seiten; ein verknüpfter Zugang "
            "verliert die Ratsarbeit dieser Person. Die OParl-Schnittstelle meldet sie als gelöscht."
        )
        % {"count": count},
        button=_("Person löschen"),
        back=reverse("council:office_person", args=[body.slug, person.pk]),
        action=lambda: services.person_delete(actor=request.user, person=person),
        done=reverse("council:office_persons", args=[body.slug]),
        success=_("Die Person ist gelöscht."),
    )


def _membership_done(body: Body, membership: Membership, back_to: str) -> HttpResponse:
    if back_to == "gremium":
        return redirect("council:office_organization", slug=body.slug, organization_id=membership.organization_id)
    return redirect("council:office_person", slug=body.slug, person_id=membership.person_id)


def _back_to(request: HttpRequest) -> str:
    return "gremium" if (request.POST.get("von") or request.GET.get("von")) == "gremium" else "person"


def _preset(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None


@login_required
def office_membership_new(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    initial = {"person": _preset(request, "person"), "organization": _preset(request, "gremium"), "voting_right": True}
    form = MembershipForm(request.POST if request.method == "POST" else None, body=body, initial=initial)
    back_to = _back_to(request)
    done = save_form(
        request,
        form,
        lambda data: services.membership_save(actor=request.user, body=body, **data),
        _("Die Mitgliedschaft ist angelegt."),
        lambda m: _membership_done(body, m, back_to),
    )
    return done or render_office(request, "membership_form.html", body, form, membership=None, back_to=back_to)


@login_required
def office_membership(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    body = _office(request, slug)
    membership = row_or_404(
        Membership.objects.filter(organization__body=body).select_related("person", "organization"), membership_id
    )
    form = MembershipForm(request.POST if request.method == "POST" else None, body=body, instance=membership)
    back_to = _back_to(request)
    done = save_form(
        request,
        form,
        lambda data: services.membership_save(actor=request.user, body=body, membership=membership, **data),
        _("Die Mitgliedschaft ist gespeichert."),
        lambda m: _membership_done(body, m, back_to),
    )
    return done or render_office(request, "membership_form.html", body, form, membership=membership, back_to=back_to)


@login_required
@require_POST
def office_membership_delete(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    body = _office(request, slug)
    membership = row_or_404(
        Membership.objects.filter(organization__body=body).select_related("person", "organization"), membership_id
    )
    return delete_confirmed(
        request,
        body=body,
        title=_("Mitgliedschaft löschen?"),
        consequence=_(
            "%(person)s steht dann nicht mehr als Mitglied von „%(organization)s“ auf den Seiten (auch nicht "
            "früher). Wer nur ausscheidet, bekommt besser ein Ende-Datum."
        )
        % {"person": membership.person.name, "organization": membership.organization.name},
        button=_("Mitgliedschaft löschen"),
        back=reverse("council:office_person", args=[body.slug, membership.person_id]),
        action=lambda: services.membership_delete(actor=request.user, membership=membership),
        done=reverse("council:office_person", args=[body.slug, membership.person_id]),
        success=_("Die Mitgliedschaft ist gelöscht."),
    )
