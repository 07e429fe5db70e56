"""What the council office's page modules share: the town a request works on, and links to pages that
another part of the council system provides."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse

from ..models import Body
from ..policies import can_manage_council


def optional_url(name: str, *args: Any) -> str | None:
    """The address of a page another part of the council system provides, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def office_body(request: HttpRequest, slug: str) -> Body:
    """The enabled town of ``slug`` (else 404) if the user is its council office (else 403)."""
    body = Body.objects.filter(slug=slug, is_enabled=True, deleted=False).select_related("member").first()
    if body is None:
        raise Http404
    if not can_manage_council(request.user, body):
        raise DjangoPermissionDenied
    return body
