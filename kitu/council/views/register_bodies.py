"""The council office's legislative terms, organizations (with their members) and locations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core.forms import save_form

from ..forms_register import LocationForm, OrganizationForm, TermForm
from ..models import LegislativeTerm, Location, Organization
from ..services import register as services
from ..visibility import Visibility
from .common import office_body as _office
from .common import optional_url
from .register_common import delete_confirmed, render_office, row_or_404


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
    return done or render_office(request, "terms.html", body, form, terms=terms)


@login_required
def office_term(request: HttpRequest, slug: str, term_id: int) -> HttpResponse:
    body = _office(request, slug)
    term = row_or_404(LegislativeTerm.objects.filter(body=body), term_id)
    initial = {"name": term.name, "start_date": term.start_date, "end_date": term.end_date}
    form = TermForm(request.POST if request.method == "POST" else None, initial=initial)
    done = save_form(
        request,
        form,
        lambda data: services.term_save(actor=request.user, body=body, term=term, **data),
        _("Die Wahlperiode ist gespeichert."),
        lambda _t: redirect("council:office_terms", slug=body.slug),
    )
    return done or render_office(request, "term.html", body, form, term=term)


@login_required
@require_POST
def office_term_delete(request: HttpRequest, slug: str, term_id: int) -> HttpResponse:
    body = _office(request, slug)
    term = row_or_404(LegislativeTerm.objects.filter(body=body), term_id)
    return delete_confirmed(
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
    return render_office(request, "organizations.html", body, organizations=organizations)


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
    return done or render_office(request, "organization_form.html", body, form, organization=None)


@login_required
def office_organization(request: HttpRequest, slug: str, organization_id: int) -> HttpResponse:
    body = _office(request, slug)
    seen = Visibility.for_user(request.user, body)
    organization = row_or_404(seen.organizations().select_related("sub_organization_of"), organization_id)
    memberships = (
        seen.memberships()
        .filter(organization=organization)
        .select_related("person", "on_behalf_of")
        .order_by("person__family_name", "person__given_name", "start_date")
    )
    return render_office(
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
    organization = row_or_404(Organization.objects.filter(body=body), organization_id)
    form = OrganizationForm(request.POST if request.method == "POST" else None, body=body, instance=organization)
    done = save_form(
        request,
        form,
        lambda data: services.organization_save(actor=request.user, body=body, organization=organization, **data),
        _("Das Gremium ist gespeichert."),
        lambda org: redirect("council:office_organization", slug=body.slug, organization_id=org.pk),
    )
    return done or render_office(request, "organization_form.html", body, form, organization=organization)


@login_required
@require_POST
def office_organization_delete(request: HttpRequest, slug: str, organization_id: int) -> HttpResponse:
    body = _office(request, slug)
    organization = row_or_404(Organization.objects.filter(body=body), organization_id)
    count = organization.memberships.filter(deleted=False).count()
    return delete_confirmed(
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
    return done or render_office(request, "locations.html", body, form, locations=locations)


@login_required
def office_location(request: HttpRequest, slug: str, location_id: int) -> HttpResponse:
    body = _office(request, slug)
    location = row_or_404(Location.objects.filter(body=body), location_id)
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
    return done or render_office(request, "location.html", body, form, location=location)


@login_required
@require_POST
def office_location_delete(request: HttpRequest, slug: str, location_id: int) -> HttpResponse:
    body = _office(request, slug)
    location = row_or_404(Location.objects.filter(body=body), location_id)
    return delete_confirmed(
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
