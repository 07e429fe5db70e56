"""Every list of the JSON API is paged (issue 23.4): each GET that answers an array takes ``page`` and
``page_size``, its OpenAPI description names the page headers, and it answers them, refuses an unknown
parameter (422 naming it) and a page past the last (400) — so a new list cannot return everything at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from config.api import PAGE_HEADERS, api, is_paged, ok_answer
from kitu.core.tests.paging import assert_page

pytestmark = pytest.mark.django_db

# object pages that carry count and page in the body (docs/api.md) and lists that answer a POST
NOT_PLAIN_LISTS = {"/api/v1/cart/checkout"}
PLAIN_LISTS = {
    "/api/v1/assemblies",
    "/api/v1/contracts",
    "/api/v1/contracts/{contract_id}/lots",
    "/api/v1/inbound-invoices",
    "/api/v1/invoices",
    "/api/v1/meetings",
    "/api/v1/members",
    "/api/v1/members/{member_id}/events",
    "/api/v1/orders",
    "/api/v1/suppliers",
    "/api/v1/tasks",
}


def _array_gets(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = ok_answer(operation).get("content", {}).get("application/json", {})
            if body.get("schema", {}).get("type") == "array":
                assert method == "get" or path in NOT_PLAIN_LISTS, (method, path)
                if method == "get":
                    found[path] = operation
    return found


def test_every_list_is_paged_and_documents_its_headers() -> None:
    lists = _array_gets(api.get_openapi_schema())
    assert set(lists) == PLAIN_LISTS
    for path, operation in lists.items():
        assert is_paged(operation), path
        assert set(ok_answer(operation)["headers"]) == set(PAGE_HEADERS), path
        page_size = next(p for p in operation["parameters"] if p["name"] == "page_size")
        assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 200), path
    served = Client().get("/api/v1/openapi.json").json()["paths"]["/api/v1/tasks"]["get"]["responses"]["200"]
    assert served["headers"]["X-Total-Count"] == {
        "description": "All matching items, on every page",
        "schema": {"type": "integer"},
    }
    single = api.get_openapi_schema()["paths"]["/api/v1/members/{member_id}"]["get"]
    assert not is_paged(single) and "headers" not in ok_answer(single)


def test_every_list_answers_pages_and_refuses_what_it_does_not_know(
    contract_world: dict[str, Any], client_for: Any
) -> None:
    ids = {"{contract_id}": contract_world["contract"].pk, "{member_id}": contract_world["wernigerode"].pk}
    client = client_for("coop_admin")
    for path in sorted(PLAIN_LISTS):
        url = path
        for name, value in ids.items():
            url = url.replace(name, str(value))
        response = client.get(url, {"page_size": 200})
        total = int(response["X-Total-Count"])
        assert_page(response, total=total, page=1, size=200, last=max((total + 199) // 200, 1))
        assert len(response.json()) == total, path
        unknown = client.get(url, {"seite": "1"})
        assert (unknown.status_code, unknown.json()["field"]) == (422, "seite"), path
        past = client.get(url, {"page": str(max((total + 199) // 200, 1) + 1), "page_size": 200})
        assert (past.status_code, past.json()["field"]) == (400, "page"), path
