"""Every page without path parameters, opened as each kind of user with hostile query strings, answers
below 500: huge numbers, negative and zero pages, quotes and operators of the search syntax, NaN,
malformed dates and emoji (issue 17.7)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import login

pytestmark = pytest.mark.django_db

PARAMS = ("page", "q", "year", "member", "status", "supplier", "contract", "date_from", "date_to", "as_of", "sort")
VALUES = [str(2**63), str(2**64), "-1", "0", "'", "!!", "&", "|", ":*", "NaN", "Infinity", "1e999", "31.02.2026", "🚧"]


def _pages() -> list[str]:
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(?P" not in route:
                found.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    skip = ("/api/", "/open311/", "/konto/abmelden/", "/i18n/", "/healthz")
    return sorted(p for p in set(found) if not p.startswith(skip) and not re.search(r"[\\()\[\]]", p))


@pytest.mark.parametrize("role", ["coop_admin", "member_admin", "requester", "supplier_user", "case_worker"])
def test_pages_answer_below_500_for_hostile_query_strings(order_world: dict[str, Any], role: str) -> None:
    user = order_world["users"].get(role) or order_world["admin"]
    client = login(Client(), user)
    client.raise_request_exception = False
    pages = _pages()
    assert len(pages) > 40
    failures = []
    for path in pages:
        for value in VALUES:
            query = dict.fromkeys(PARAMS, value)
            response = client.get(path, query)
            if response.status_code >= 500:
                failures.append((path, value, response.status_code))
    assert failures == []
