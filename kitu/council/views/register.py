"""The council office's register under /sitzungsdienst/<slug>/: its dashboard and settings here; legislative
terms, organizations and locations in register_bodies; persons and memberships in register_people; and the
cooperative's page to switch the council information system on for a member town (council_setup). All their URLs
are ``urlpatterns`` here.

Only the town's council office (``council_office``) reaches its pages (anyone else signed in: 403; an id of
another town: 404). Views parse and render; services/register.py decides and writes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from kitu.core.forms import save_form

from .. import selectors_register as selectors
from ..forms_register import BodySettingsForm
from ..services import register as services
from .common import office_body as _office
from .common import optional_url
from .council_setup import council_setup, council_setup_enable
from .register_bodies import (
    office_location,
    office_location_delete,
    office_locations,
    office_organization,
    office_organization_delete,
    office_organization_edit,
    office_organization_new,
    office_organizations,
    office_term,
    office_term_delete,
    office_terms,
)
from .register_common import office_nav, render_office
from .register_people import (
    office_membership,
    office_membership_delete,
    office_membership_new,
    office_person,
    office_person_delete,
    office_person_new,
    office_persons,
)

__all__ = ["office_nav", "urlpatterns"]


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
    return render_office(
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
    return done or render_office(request, "settings.html", body, form)


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
