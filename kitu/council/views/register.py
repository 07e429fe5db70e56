"""The council office's register under /sitzungsdienst/<slug>/: its dashboard, settings, legislative terms,
organizations (with their members), persons (with their memberships) and locations; and the cooperative's
page to switch the council information system on for a member town (/ratsinformationssystem/).

Only the town's council office (``council_office``) reaches its pages (anyone else signed in: 403; an id of
another town: 404). Views parse and render; services/register.py decides and writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.accounts.policies import is_coop_admin
from kitu.core.confirm import Confirmation, confirmation_page, confirmed
from kitu.core.errors import DomainError
from kitu.core.forms import save_form
from kitu.core.schemas import MAX_ID
from kitu.members.models import Member

from .. import selectors_register as selectors
from ..forms_register import (
    BodyEnableForm,
    BodySettingsForm,
    LocationForm,
    MembershipForm,
    OrganizationForm,
    PersonForm,
    SetupSearchForm,
    TermForm,
)
from ..models import Body, LegislativeTerm, Location, Membership, Organization, Person
from ..services import register as services
from ..visibility import Visibility
from .common import office_body as _office
from .common import optional_url


def _row(queryset: Any, pk: int) -> Any:
    """One row of the town (the queryset is already limited to it), not deleted; else 404."""
    row = queryset.filter(pk=pk, deleted=False).first() if 0 < pk <= MAX_ID else None
    if row is None:
        raise Http404
    return row


def _status(form: Any) -> int:
    return 400 if form.is_bound else 200


def office_nav(body: Body, path: str) -> list[dict[str, Any]]:
    """The office's own menu; the meetings and papers pages appear once they exist."""
    entries = [
        ("council:office", _("Übersicht")),
        ("council:office_meetings", _("Sitzungen")),
        ("council:office_papers", _("Vorlagen")),
        ("council:office_organizations", _("Gremien")),
        ("council:office_persons", _("Personen")),
        ("council:office_terms", _("Wahlperioden")),
        ("council:office_locations", _("Orte")),
        ("council:office_settings", _("Einstellungen")),
    ]
    items = [(url, label) for name, label in entries if (url := optional_url(name, body.slug))]
    home = items[0][0]
    current = max((url for url, _label in items if path.startswith(url) and url != home), key=len, default=home)
    return [{"url": url, "label": label, "current": url == current} for url, label in items]


def _render(request: HttpRequest, template: str, body: Body, form: Any = None, **context: Any) -> HttpResponse:
    status = _status(form) if form is not None else 200
    context = {"body": body, "form": form, "office_nav": office_nav(body, request.path), **context}
    return render(request, f"council/register/{template}", context, status=status)


def _delete(
    request: HttpRequest,
    *,
    body: Body,
    title: str,
    consequence: str,
    button: str,
    back: str,
    action: Callable[[], Any],
    done: str,
    success: str,
) -> HttpResponse:
    """A tombstone after a confirmation page (the thing disappears from every page and OParl marks it
    deleted; there is no way back on the pages)."""
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(title=title, consequence=consequence, button=button, action=request.path, back=back),
        )
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, success)
    return redirect(done)


# --- the office's start --------------------------------------------------------------------------------


@login_required
def office_home(request: HttpRequest) -> HttpResponse:
    bodies = list(selectors.office_bodies(request.user))
    if not bodies:
        raise DjangoPermissionDenied
    if len(bodies) == 1:
        return redirect("council:office", slug=bodies[0].slug)
    return render(request, "council/register/office_home.html", {"bodies": bodies})


@login_required
def office(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    board = selectors.dashboard(request.user, body)
    links = {
        "meetings": optional_url("council:office_meetings", body.slug),
        "meeting_new": optional_url("council:office_meeting_new", body.slug),
        "papers": optional_url("council:office_papers", body.slug),
        "paper_new": optional_url("council:office_paper_new", body.slug),
        "public": optional_url("council:town", body.slug),
    }
    meeting_links = [(m, optional_url("council:office_meeting", body.slug, m.pk)) for m in board.upcoming]
    paper_links = [(p, optional_url("council:office_paper", body.slug, p.pk)) for p in board.recent_papers]
    return _render(
        request,
        "office.html",
        body,
        board=board,
        links=links,
        meetings=meeting_links,
        papers=paper_links,
        subscription_missing=services.subscription_missing(body.member),
    )


@login_required
def office_settings(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    form = BodySettingsForm.for_body(body, request.POST if request.method == "POST" else None)
    done = save_form(
        request,
        form,
        lambda data: services.body_update(actor=request.user, body=body, **data),
        _("Die Einstellungen sind gespeichert."),
        lambda _b: redirect("council:office_settings", slug=body.slug),
    )
    return done or _render(request, "settings.html", body, form)


# --- legislative terms ---------------------------------------------------------------------------------


@login_required
def office_terms(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    form = TermForm(request.POST if request.method == "POST" else None)
    done = save_form(
        request,
        form,
        lambda data: services.term_save(actor=request.user, body=body, **data),
        _("Die Wahlperiode ist angelegt."),
        lambda _t: redirect("council:office_terms", slug=body.slug),
    )
    terms = Visibility.for_user(request.user, body).terms()
    return done or _render(request, "terms.html", body, form, terms=terms)


@login_required
def office_term(request: HttpRequest, slug: str, term_id: int) -> HttpResponse:
    body = _office(request, slug)
    term = _row(LegislativeTerm.objects.filter(body=body), term_id)
    initial = {"name": term.name, "start_date": term.start_date, "end_date": term.end_date}
    form = TermForm(request.POST if request.method == "POST" else None, initial=initial)
    done = save_form(
        request,
        form,
        lambda data: services.term_save(actor=request.user, body=body, term=term, **data),
        _("Die Wahlperiode ist gespeichert."),
        lambda _t: redirect("council:office_terms", slug=body.slug),
    )
    return done or _render(request, "term.html", body, form, term=term)


@login_required
@require_POST
def office_term_delete(request: HttpRequest, slug: str, term_id: int) -> HttpResponse:
    body = _office(request, slug)
    term = _row(LegislativeTerm.objects.filter(body=body), term_id)
    return _delete(
        request,
        body=body,
        title=_("Wahlperiode „%(name)s“ löschen?") % {"name": term.name},
        consequence=_(
            "Die Wahlperiode verschwindet von allen Seiten; die OParl-Schnittstelle meldet sie als gelöscht."
        ),
        button=_("Wahlperiode löschen"),
        back=reverse("council:office_term", args=[body.slug, term.pk]),
        action=lambda: services.term_delete(actor=request.user, term=term),
        done=reverse("council:office_terms", args=[body.slug]),
        success=_("Die Wahlperiode ist gelöscht."),
    )


# --- organizations -------------------------------------------------------------------------------------


@login_required
def office_organizations(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    seen = Visibility.for_user(request.user, body)
    organizations = (
        seen.organizations()
        .select_related("sub_organization_of")
        .annotate(
            members=Count("memberships", filter=Q(memberships__deleted=False, memberships__person__deleted=False))
        )
    )
    return _render(request, "organizations.html", body, organizations=organizations)


@login_required
def office_organization_new(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    form = OrganizationForm(request.POST if request.method == "POST" else None, body=body)
    done = save_form(
        request,
        form,
        lambda data: services.organization_save(actor=request.user, body=body, **data),
        _("Das Gremium ist angelegt."),
        lambda org: redirect("council:office_organization", slug=body.slug, organization_id=org.pk),
    )
    return done or _render(request, "organization_form.html", body, form, organization=None)


@login_required
def office_organization(request: HttpRequest, slug: str, organization_id: int) -> HttpResponse:
    body = _office(request, slug)
    seen = Visibility.for_user(request.user, body)
    organization = _row(seen.organizations().select_related("sub_organization_of"), organization_id)
    memberships = (
        seen.memberships()
        .filter(organization=organization)
        .select_related("person", "on_behalf_of")
        .order_by("person__family_name", "person__given_name", "start_date")
    )
    return _render(
        request,
        "organization.html",
        body,
        organization=organization,
        memberships=memberships,
        sub_organizations=seen.organizations().filter(sub_organization_of=organization),
        public_url=optional_url("council:organization", body.slug, organization.pk),
    )


@login_required
def office_organization_edit(request: HttpRequest, slug: str, organization_id: int) -> HttpResponse:
    body = _office(request, slug)
    organization = _row(Organization.objects.filter(body=body), organization_id)
    form = OrganizationForm(request.POST if request.method == "POST" else None, body=body, instance=organization)
    done = save_form(
        request,
        form,
        lambda data: services.organization_save(actor=request.user, body=body, organization=organization, **data),
        _("Das Gremium ist gespeichert."),
        lambda org: redirect("council:office_organization", slug=body.slug, organization_id=org.pk),
    )
    return done or _render(request, "organization_form.html", body, form, organization=organization)


@login_required
@require_POST
def office_organization_delete(request: HttpRequest, slug: str, organization_id: int) -> HttpResponse:
    body = _office(request, slug)
    organization = _row(Organization.objects.filter(body=body), organization_id)
    count = organization.memberships.filter(deleted=False).count()
    return _delete(
        request,
        body=body,
        title=_("„%(name)s“ löschen?") % {"name": organization.name},
        consequence=_(
            "Das Gremium und seine %(count)s Mitgliedschaften verschwinden von allen Seiten; die OParl-Schnittstelle "
            "meldet sie als gelöscht. Sitzungen und Vorlagen bleiben."
        )
        % {"count": count},
        button=_("Gremium löschen"),
        back=reverse("council:office_organization", args=[body.slug, organization.pk]),
        action=lambda: services.organization_delete(actor=request.user, organization=organization),
        done=reverse("council:office_organizations", args=[body.slug]),
        success=_("Das Gremium ist gelöscht."),
    )


# --- persons -------------------------------------------------------------------------------------------


@login_required
def office_persons(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    persons = (
        Visibility.for_user(request.user, body)
        .persons()
        .select_related("user")
        .annotate(active_memberships=Count("memberships", filter=Q(memberships__deleted=False)))
    )
    return _render(request, "persons.html", body, persons=persons)


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
    return done or _render(request, "person_form.html", body, form, person=None)


@login_required
def office_person(request: HttpRequest, slug: str, person_id: int) -> HttpResponse:
    """A person: the edit form and their memberships."""
    body = _office(request, slug)
    seen = Visibility.for_user(request.user, body)
    person = _row(Person.objects.filter(body=body).select_related("user"), person_id)
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
    return _render(
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
    person = _row(Person.objects.filter(body=body), person_id)
    count = person.memberships.filter(deleted=False).count()
    return _delete(
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


# --- memberships ---------------------------------------------------------------------------------------


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
    return done or _render(request, "membership_form.html", body, form, membership=None, back_to=back_to)


@login_required
def office_membership(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    body = _office(request, slug)
    membership = _row(
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
    return done or _render(request, "membership_form.html", body, form, membership=membership, back_to=back_to)


@login_required
@require_POST
def office_membership_delete(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    body = _office(request, slug)
    membership = _row(
        Membership.objects.filter(organization__body=body).select_related("person", "organization"), membership_id
    )
    return _delete(
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


# --- locations -----------------------------------------------------------------------------------------


@login_required
def office_locations(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    form = LocationForm(request.POST if request.method == "POST" else None)
    done = save_form(
        request,
        form,
        lambda data: services.location_save(actor=request.user, body=body, **data),
        _("Der Ort ist angelegt."),
        lambda _loc: redirect("council:office_locations", slug=body.slug),
    )
    locations = Visibility.for_user(request.user, body).locations()
    return done or _render(request, "locations.html", body, form, locations=locations)


@login_required
def office_location(request: HttpRequest, slug: str, location_id: int) -> HttpResponse:
    body = _office(request, slug)
    location = _row(Location.objects.filter(body=body), location_id)
    form = LocationForm(
        request.POST if request.method == "POST" else None, instance=location, point=services.point_of(location)
    )
    done = save_form(
        request,
        form,
        lambda data: services.location_save(actor=request.user, body=body, location=location, **data),
        _("Der Ort ist gespeichert."),
        lambda _loc: redirect("council:office_locations", slug=body.slug),
    )
    return done or _render(request, "location.html", body, form, location=location)


@login_required
@require_POST
def office_location_delete(request: HttpRequest, slug: str, location_id: int) -> HttpResponse:
    body = _office(request, slug)
    location = _row(Location.objects.filter(body=body), location_id)
    return _delete(
        request,
        body=body,
        title=_("Ort „%(name)s“ löschen?") % {"name": location.description},
        consequence=_(
            "Der Ort steht dann für neue Sitzungen nicht mehr zur Auswahl; die OParl-Schnittstelle meldet ihn als "
            "gelöscht."
        ),
        button=_("Ort löschen"),
        back=reverse("council:office_location", args=[body.slug, location.pk]),
        action=lambda: services.location_delete(actor=request.user, location=location),
        done=reverse("council:office_locations", args=[body.slug]),
        success=_("Der Ort ist gelöscht."),
    )


# --- the cooperative switches the system on ------------------------------------------------------------


SETUP_LIST_LIMIT = 50  # towns without the system listed at once; the search finds the others


def _coop_admin(request: HttpRequest) -> None:
    if not is_coop_admin(request.user):
        raise DjangoPermissionDenied


@login_required
def council_setup(request: HttpRequest) -> HttpResponse:
    _coop_admin(request)
    search = SetupSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    members = selectors.setup_members(q)
    without = [m for m in members if not hasattr(m, "council_body")]
    return render(
        request,
        "council/register/setup.html",
        {
            "search": search,
            "with_system": [m for m in members if hasattr(m, "council_body")],
            "without_system": without[:SETUP_LIST_LIMIT],
            "more": max(0, len(without) - SETUP_LIST_LIMIT),
        },
    )


@login_required
def council_setup_enable(request: HttpRequest, member_id: int) -> HttpResponse:
    _coop_admin(request)
    member = _row_member(member_id)
    body = Body.objects.filter(member=member).first()
    form: BodyEnableForm | None = BodyEnableForm(
        request.POST if request.method == "POST" else None,
        initial={"name": member.name, "slug": member.city.lower() if member.city else ""},
    )
    if body is not None and body.is_enabled and not body.deleted:
        form = None  # nothing to switch on
    done = form is not None and save_form(
        request,
        form,
        lambda data: services.body_enable(actor=request.user, member=member, **data),
        _("Das Ratsinformationssystem ist freigeschaltet."),
        lambda _b: redirect("council:council_setup"),
    )
    if done:
        return done
    status = 400 if form is not None and form.is_bound else 200
    if request.method == "POST" and form is None:
        messages.error(request, _("Für %(name)s ist es schon freigeschaltet.") % {"name": member.name})
        status = 400
    context = {
        "member": member,
        "body": body,
        "form": form,
        "subscription_missing": services.subscription_missing(member),
    }
    return render(request, "council/register/setup_enable.html", context, status=status)


def _row_member(member_id: int) -> Member:
    member = (
        Member.objects.members_on(timezone.localdate()).select_related("organisation").filter(pk=member_id).first()
        if 0 < member_id <= MAX_ID
        else None
    )
    if member is None:
        raise Http404
    return member


urlpatterns = [
    path("sitzungsdienst/", office_home, name="office_home"),
    path("sitzungsdienst/<slug:slug>/", office, name="office"),
    path("sitzungsdienst/<slug:slug>/einstellungen/", office_settings, name="office_settings"),
    path("sitzungsdienst/<slug:slug>/wahlperioden/", office_terms, name="office_terms"),
    path("sitzungsdienst/<slug:slug>/wahlperioden/<int:term_id>/", office_term, name="office_term"),
    path(
        "sitzungsdienst/<slug:slug>/wahlperioden/<int:term_id>/loeschen/",
        office_term_delete,
        name="office_term_delete",
    ),
    path("sitzungsdienst/<slug:slug>/gremien/", office_organizations, name="office_organizations"),
    path("sitzungsdienst/<slug:slug>/gremien/neu/", office_organization_new, name="office_organization_new"),
    path(
        "sitzungsdienst/<slug:slug>/gremien/<int:organization_id>/",
        office_organization,
        name="office_organization",
    ),
    path(
        "sitzungsdienst/<slug:slug>/gremien/<int:organization_id>/bearbeiten/",
        office_organization_edit,
        name="office_organization_edit",
    ),
    path(
        "sitzungsdienst/<slug:slug>/gremien/<int:organization_id>/loeschen/",
        office_organization_delete,
        name="office_organization_delete",
    ),
    path("sitzungsdienst/<slug:slug>/personen/", office_persons, name="office_persons"),
    path("sitzungsdienst/<slug:slug>/personen/neu/", office_person_new, name="office_person_new"),
    path("sitzungsdienst/<slug:slug>/personen/<int:person_id>/", office_person, name="office_person"),
    path(
        "sitzungsdienst/<slug:slug>/personen/<int:person_id>/loeschen/",
        office_person_delete,
        name="office_person_delete",
    ),
    path("sitzungsdienst/<slug:slug>/mitgliedschaften/neu/", office_membership_new, name="office_membership_new"),
    path(
        "sitzungsdienst/<slug:slug>/mitgliedschaften/<int:membership_id>/",
        office_membership,
        name="office_membership",
    ),
    path(
        "sitzungsdienst/<slug:slug>/mitgliedschaften/<int:membership_id>/loeschen/",
        office_membership_delete,
        name="office_membership_delete",
    ),
    path("sitzungsdienst/<slug:slug>/orte/", office_locations, name="office_locations"),
    path("sitzungsdienst/<slug:slug>/orte/<int:location_id>/", office_location, name="office_location"),
    path(
        "sitzungsdienst/<slug:slug>/orte/<int:location_id>/loeschen/",
        office_location_delete,
        name="office_location_delete",
    ),
    path("ratsinformationssystem/", council_setup, name="council_setup"),
    path("ratsinformationssystem/<int:member_id>/", council_setup_enable, name="council_setup_enable"),
]
