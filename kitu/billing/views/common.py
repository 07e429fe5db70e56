"""What the billing pages share: the permission answer and the query string without its page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest


def require(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


def without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
