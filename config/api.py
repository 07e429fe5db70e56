"""The one JSON API of the platform under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from kitu.accounts.api import router as accounts_router
from kitu.accounts.middleware import TOKEN_USER_ATTR
from kitu.billing.api import router as billing_router
from kitu.catalog.api import router as catalog_router
from kitu.contracts.api import router as contracts_router
from kitu.core.errors import DomainError, NotFound, PermissionDenied
from kitu.members.api import router as members_router
from kitu.orders.api import router as orders_router
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


api = NinjaAPI(
    title="KITU-Plattform API",
    version="1.0.0",
    description=(
        "JSON API of the KITU platform of Kommunale IT-UNION eG. Machines authenticate with "
        "`Authorization: Bearer <token>`; the browser uses its session (with CSRF token). "
        "Every answer is limited to the organisations of the acting user: another member's data "
        "answers 404. Domain errors answer 400 with `detail` and `field`; malformed input 422."
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


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=403)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=400)
