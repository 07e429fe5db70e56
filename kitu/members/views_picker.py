"""The search behind the member pickers (kitu.members.pickers): at most PICKER_LIMIT matches as ticks."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import policies
from .pickers import PICKER_LIMIT, SEARCH_SUFFIX, Scope, scoped, search

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,60}$")


@login_required
@require_GET
def picker(request: HttpRequest) -> HttpResponse:
    """Only the cooperative's staff search the whole register (the pickers are on their forms)."""
    if not policies.can_view_register(request.user):
        raise DjangoPermissionDenied
    field = request.GET.get("feld", "")
    element = request.GET.get("id", "")
    scope = request.GET.get("umfang", Scope.ADMITTED)
    multiple = request.GET.get("mehrfach", "1")
    if not _NAME.match(field) or not _NAME.match(element.lower()) or scope not in (Scope.ADMITTED, Scope.CURRENT):
        return HttpResponseBadRequest(_("Ungültige Anfrage der Mitgliederauswahl (feld, id oder umfang)."))
    if multiple not in ("0", "1"):
        return HttpResponseBadRequest(_("Ungültige Anfrage der Mitgliederauswahl (mehrfach)."))
    query = request.GET.get(field + SEARCH_SUFFIX, "").strip()[:100]
    chosen = [int(v) for v in request.GET.getlist(field) if v.isdigit() and len(v) < 12]
    members = []
    if query:
        members = list(search(scoped(scope), query).exclude(pk__in=chosen)[: PICKER_LIMIT + 1])
    return render(
        request,
        "members/_picker_results.html",
        {
            "query": query,
            "members": members[:PICKER_LIMIT],
            "more": len(members) > PICKER_LIMIT,
            "field": field,
            "id": element,
            "multiple": multiple == "1",
        },
    )
