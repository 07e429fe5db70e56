"""Helpers shared by the council office's register pages: a town's row or 404, the office's menu, rendering
with that menu, and deleting (a tombstone) after a confirmation page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kitu.core.confirm import Confirmation, confirmation_page, confirmed
from kitu.core.errors import DomainError
from kitu.core.schemas import MAX_ID

from ..models import Body
from .common import optional_url


def row_or_404(queryset: Any, pk: int) -> Any:
    """One row of the town (the queryset is already limited to it), not deleted; else 404."""
    row = queryset.filter(pk=pk, deleted=False).first() if 0 < pk <= MAX_ID else None
    if row is None:
        raise Http404
    return row


def form_status(form: Any) -> int:
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


def render_office(request: HttpRequest, template: str, body: Body, form: Any = None, **context: Any) -> HttpResponse:
    status = form_status(form) if form is not None else 200
    context = {"body": body, "form": form, "office_nav": office_nav(body, request.path), **context}
    return render(request, f"council/register/{template}", context, status=status)


def delete_confirmed(
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
