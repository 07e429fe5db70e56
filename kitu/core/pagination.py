"""Paged API lists, one way for every list endpoint.

The body stays the list it always was (every item with its fields); the page is described in headers:
``X-Total-Count`` (all matching items), ``X-Page``, ``X-Page-Size`` and an RFC 8288 ``Link`` header with
``rel="first"``, ``"prev"``, ``"next"`` and ``"last"`` URLs (the request's own query with another ``page``).
``page`` counts from 1; ``page_size`` is 1 to ``MAX_PAGE_SIZE`` (default ``DEFAULT_PAGE_SIZE``). A page past
the last one answers 400 with ``field: "page"`` (page 1 of an empty list is an empty list); an unknown
query parameter answers 422 with its name in ``field``, so a typo never silently returns everything.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.errors import ValidationError
from pydantic import ConfigDict

from kitu.core.errors import DomainError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
T = TypeVar("T")
R = TypeVar("R")


class PageQuery(Schema):
    """``page`` and ``page_size`` of a list; endpoints with filters inherit it."""

    model_config = ConfigDict(extra="forbid")

    page: int = Field(1, ge=1, description="Page number, from 1")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1 to {MAX_PAGE_SIZE}"
    )


def check_params(request: HttpRequest, allowed: Iterable[str]) -> None:
    """Unknown query parameters are errors (422 naming the first, like every strict input), not silently
    ignored filters."""
    unknown = sorted(set(request.GET) - {"page", "page_size", *allowed})
    if unknown:
        raise ValidationError([{"type": "extra_forbidden", "loc": ("query", unknown[0]), "msg": "Unknown field"}])


def _link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return f"<{request.build_absolute_uri(request.path)}?{query.urlencode()}>"


def paginate(
    request: HttpRequest,
    response: HttpResponse,
    items: QuerySet[Any] | Sequence[T],
    *,
    page: int,
    page_size: int,
    allowed: Iterable[str] = (),
    render: Callable[[Any], R] | None = None,
) -> list[Any]:
    """One page of ``items`` (a queryset is sliced in SQL, counted with one COUNT), headers set on
    ``response`` (django-ninja's temporal response). ``allowed``: the endpoint's filter parameters."""
    check_params(request, allowed)
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise DomainError(f"page_size must be 1 to {MAX_PAGE_SIZE}", field="page_size")
    if page < 1:
        raise DomainError("page counts from 1", field="page")
    count = items.count() if isinstance(items, QuerySet) else len(items)
    pages = max(math.ceil(count / page_size), 1)
    if page > pages:
        raise DomainError(f"page {page} is past the last page ({pages})", field="page")
    start = (page - 1) * page_size
    chunk = list(items[start : start + page_size])
    links = [f'{_link(request, 1)}; rel="first"', f'{_link(request, pages)}; rel="last"']
    if page > 1:
        links.append(f'{_link(request, page - 1)}; rel="prev"')
    if page < pages:
        links.append(f'{_link(request, page + 1)}; rel="next"')
    response["X-Total-Count"] = str(count)
    response["X-Page"] = str(page)
    response["X-Page-Size"] = str(page_size)
    response["Link"] = ", ".join(links)
    return [render(x) for x in chunk] if render else chunk
