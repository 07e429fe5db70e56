"""A town's coat of arms and legal pages: the administration sets them (setup page), anyone reads them on the
town's public pages (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit, the coat of arms)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kitu.core.forms import save_form
from kitu.core.legal import coop_details

from .. import selectors, townpage
from ..forms import TownPageForm
from ..models import DefectService


def _managed(request: HttpRequest, member_id: int) -> DefectService:
    member = selectors.managed_members(request.user).filter(pk=member_id).first()
    service = DefectService.objects.filter(member=member).first() if member is not None else None
    if service is None:
        raise Http404
    return service


@login_required
def manage(request: HttpRequest, member_id: int) -> HttpResponse:
    """The town's administration edits its coat of arms and legal texts (other users: 404)."""
    service = _managed(request, member_id)
    post = request.method == "POST"
    form = TownPageForm(
        request.POST if post else None,
        request.FILES if post else None,
        initial={field: getattr(service, field) for field in townpage.LEGAL_FIELDS},
    )

    def save(data: dict[str, Any]) -> DefectService:
        upload = data.pop("coat_of_arms")
        arms = (upload, upload.name or "", upload.size or 0) if upload else None
        return townpage.legal_save(actor=request.user, service=service, coat_of_arms=arms, **data)

    done = save_form(
        request,
        form,
        save,
        _("Wappen und rechtliche Angaben sind gespeichert."),
        lambda _s: redirect("defects:manage_town_page", member_id=member_id),
    )
    if done:
        return done
    context = {"service": service, "member": service.member, "form": form}
    return render(request, "defects/manage_town_page.html", context, status=400 if form.is_bound else 200)


def _public(slug: str) -> DefectService:
    service = selectors.public_service(slug)
    if service is None:
        raise Http404
    return service


@require_GET
def legal(request: HttpRequest, slug: str, page: str) -> HttpResponse:
    """The town's Impressum, Datenschutzerklärung or Erklärung zur Barrierefreiheit; where the town has not
    written its own yet, what the platform knows (its address, what a report stores), said as such."""
    service = _public(slug)
    coop, _demo = coop_details()
    context = {
        "service": service,
        "member": service.member,
        "page": page,
        "text": getattr(service, townpage.PAGES[page]),
        "coop": coop,
        "feedback_email": service.accessibility_email or coop["accessibility_email"],
    }
    return render(request, "defects/town_legal.html", context)


@require_GET
def coat_of_arms(request: HttpRequest, slug: str) -> FileResponse:
    """The town's coat of arms (a PNG we re-encoded on upload)."""
    service = _public(slug)
    if not service.coat_of_arms:
        raise Http404
    response = FileResponse(service.coat_of_arms.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
