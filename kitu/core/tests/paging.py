"""Helpers of the tests of paged API lists (kitu.core.pagination): the headers of one page, the malformed
paging every list refuses in the same way, and the number of queries of one request."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

# (query, status, field): the same answers from every paged list, whatever its filters
BAD_PAGING: list[tuple[dict[str, str], int, str]] = [
    ({"seite": "2"}, 422, "seite"),
    ({"page_size": "10", "pagesize": "10"}, 422, "pagesize"),
    ({"page": "0"}, 422, "page"),
    ({"page": "zwei"}, 422, "page"),
    ({"page_size": "0"}, 422, "page_size"),
    ({"page_size": "201"}, 422, "page_size"),
]


def links(response: Any) -> dict[str, dict[str, list[str]]]:
    """The ``Link`` header as rel → query of its URL."""
    out: dict[str, dict[str, list[str]]] = {}
    for part in response["Link"].split(", "):
        url, rel = part.split("; ")
        out[rel.removeprefix('rel="').removesuffix('"')] = parse_qs(urlsplit(url.strip("<>")).query)
    return out


def assert_page(
    response: Any, *, total: int, page: int, size: int, last: int, keeps: dict[str, str] | None = None
) -> None:
    """A 200 with the count and page in the headers, and links to first, last and (where they exist) the
    previous and next pages, each keeping the request's other parameters."""
    assert response.status_code == 200, response.content
    assert (response["X-Total-Count"], response["X-Page"], response["X-Page-Size"]) == (
        str(total),
        str(page),
        str(size),
    )
    rels = links(response)
    expected = (
        {"first": 1, "last": last}
        | ({"prev": page - 1} if page > 1 else {})
        | ({"next": page + 1} if page < last else {})
    )
    assert {rel: query["page"] for rel, query in rels.items()} == {rel: [str(n)] for rel, n in expected.items()}
    for name, value in (keeps or {}).items():
        assert all(query[name] == [value] for query in rels.values()), (name, rels)


def query_count(client: Client, url: str, params: dict[str, Any] | None = None) -> tuple[int, Any]:
    """How many queries one GET takes (and its response, which must be a 200). A request goes first, so
    that a token's first use (it notes ``last_used_at`` once a minute) is not counted."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response
