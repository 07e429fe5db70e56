"""The one JSON API of the platform under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

import json
from typing import Any

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, django_auth

from kitu.accounts.api import router as accounts_router
from kitu.accounts.middleware import TOKEN_USER_ATTR
from kitu.assets.api import router as assets_router
from kitu.billing.api import router as billing_router
from kitu.catalog.api import router as catalog_router
from kitu.contracts.api import router as contracts_router
from kitu.core.errors import DomainError, NotFound, PermissionDenied
from kitu.governance.api import router as governance_router
from kitu.members.api import router as members_router
from kitu.orders.api import router as orders_router
from kitu.payables.api import router as payables_router
from kitu.procedures.api import router as procedures_router
from kitu.servicedesk.api import router as servicedesk_router
from kitu.tasks.api import router as tasks_router
from kitu.workgroups.api import router as workgroups_router


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from the profile page or ``create_api_token``.

    ``ApiTokenMiddleware`` checks the token before anything else and answers 401 for a bad one, so a request
    with the header never reaches the session authentication below."""

    def __call__(self, request: HttpRequest) -> Any:
        if "HTTP_AUTHORIZATION" not in request.META:
            return None
        user = getattr(request, TOKEN_USER_ATTR, None)
        if user is None:
            raise AuthenticationError(401, "Invalid or unknown API token")
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover - __call__ decides
        return None


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    },
    "required": ["detail"],
}
VALIDATION_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["detail", "errors"],
}
ERROR_ANSWERS = {
    400: ("A rule forbids the change or a value cannot be stored (detail, field)", "Error"),
    401: ("No session and no token, or an invalid, unknown or revoked token", "Error"),
    403: ("The caller may not do this, or the session lacks the second factor", "Error"),
    422: ("Malformed input: a wrong type, an unknown field, a value out of range (detail, field, errors)", "Invalid"),
}


PAGE_HEADERS = {
    "X-Total-Count": ("All matching items, on every page", "integer"),
    "X-Page": ("This page's number, from 1", "integer"),
    "X-Page-Size": ("Items per page", "integer"),
    "Link": ('RFC 8288 links: rel="first", "last" and, where they exist, "prev" and "next"', "string"),
}


def ok_answer(operation: dict[str, Any]) -> dict[str, Any]:
    """The 200 answer of an operation (django-ninja keys the answers by int, the JSON by string)."""
    responses = operation.get("responses", {})
    return responses.get(200) or responses.get("200") or {}


def is_paged(operation: dict[str, Any]) -> bool:
    """A plain list paged by ``kitu.core.pagination``: it takes ``page`` and ``page_size`` and answers an array."""
    names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    body = ok_answer(operation).get("content", {}).get("application/json", {})
    return {"page", "page_size"} <= names and body.get("schema", {}).get("type") == "array"


class KituAPI(NinjaAPI):
    """The API with the error answers every operation can give written into its OpenAPI description, and
    the page headers of the paged lists."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"], components["Invalid"] = ERROR_SCHEMA, VALIDATION_SCHEMA
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                answers = dict(ERROR_ANSWERS)
                # an id in the path or the query names an object that may not exist or not be the caller's
                ids = [p for p in operation.get("parameters", []) if '"integer"' in json.dumps(p.get("schema", {}))]
                if "{" in path or ids:
                    answers[404] = ("No such object, or another member's (never told which)", "Error")
                responses = operation.setdefault("responses", {})
                if is_paged(operation):
                    ok_answer(operation)["headers"] = {
                        name: {"description": text, "schema": {"type": kind}}
                        for name, (text, kind) in PAGE_HEADERS.items()
                    }
                documented = {int(code) for code in responses}
                for status, (text, ref) in answers.items():
                    if status not in documented:
                        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}
                        responses[status] = {"description": text, "content": content}
        return schema


api = KituAPI(
    title="KITU-Plattform API",
    version="1.0.0",
    description=(
        "JSON API of the KITU platform of Kommunale IT-UNION eG. Machines authenticate with "
        "`Authorization: Bearer <token>`; the browser uses its session (with CSRF token). "
        "Every answer is limited to the organisations of the acting user: another member's data "
        "answers 404. Domain errors answer 400 with `detail` and `field`; malformed input 422. "
        "Paged lists take `page` and `page_size` (at most 200) and answer `X-Total-Count`, `X-Page`, "
        "`X-Page-Size` and a `Link` header with first/prev/next/last."
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    docs_url=None,  # Swagger UI would load from a CDN; the OpenAPI JSON is served
)
api.add_router("/", accounts_router)
api.add_router("/members", members_router)
api.add_router("/", contracts_router)
api.add_router("/", catalog_router)
api.add_router("/", workgroups_router)
api.add_router("/", orders_router)
api.add_router("/", billing_router)
api.add_router("/", payables_router)
api.add_router("/", servicedesk_router)
api.add_router("/", procedures_router)
api.add_router("/", assets_router)
api.add_router("/", governance_router)
api.add_router("/", tasks_router)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    """``["body", "payload", "leitweg_ids", 2, "value"]`` → ``leitweg_ids[2].value``; query and path
    parameters by their name."""
    parts = [p for p in loc if p not in ("body", "payload", "query", "path", "filters")]
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@api.exception_handler(ValidationError)
def malformed(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Malformed input: 422 with the first problem as ``detail`` and ``field`` and all of them in ``errors``."""
    errors = [{key: value for key, value in error.items() if key in ("type", "loc", "msg")} for error in exc.errors]
    first = errors[0] if errors else {"msg": "Invalid input", "loc": ()}
    field = _field(first.get("loc", ()))
    detail = f"{field}: {first['msg']}" if field else str(first["msg"])
    return api.create_response(request, {"detail": detail, "field": field or None, "errors": errors}, status=422)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Backstop: a value the database cannot hold (too large a number, too long a text) is the caller's
    error (400), never a 500. Inputs are bounded at the edge (kitu.core.schemas); this catches the rest."""
    return api.create_response(
        request, {"detail": "A value is out of the range the platform can store", "field": None}, status=400
    )


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=403)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=400)
