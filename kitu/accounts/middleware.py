"""Authentication of API tokens and enforcement of the second factor.

``ApiTokenMiddleware``: a request to ``/api/`` that carries an ``Authorization`` header is a machine's
request. Its header must hold a valid bearer token of an active user: then that user acts, without a
session and without a second factor (the token was created by a verified user). Anything else — an
unknown, revoked, malformed or empty token, another scheme — answers 401 at once and never falls back to
the session. Pages ignore the header: they are authenticated by the session alone.

``SecondFactorRequiredMiddleware``: a user who has a TOTP device must verify it; coop staff and approvers
must set one up before they can use anything but the account pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from kitu.core.middleware import JSON_API_PREFIX

from .policies import second_factor_target
from .services import api_token_authenticate

OPEN_PREFIXES = (
    "/konto/anmelden/",
    "/konto/abmelden/",
    "/konto/zwei-faktor/",
    "/konto/passwort-",
    "/static/",
    "/healthz",
    "/i18n/",
)
API_PREFIX = JSON_API_PREFIX
TOKEN_USER_ATTR = "kitu_token_user"  # noqa: S105 - an attribute name, not a secret


def bearer_secret(header: str) -> str | None:
    """The secret of ``Bearer <secret>`` (scheme case-insensitive), or None for anything else."""
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or " " in secret:
        return None
    return secret


class ApiTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and "HTTP_AUTHORIZATION" in request.META:
            secret = bearer_secret(str(request.META["HTTP_AUTHORIZATION"]))
            user = api_token_authenticate(secret) if secret is not None else None
            if user is None:
                response = JsonResponse(
                    {"detail": "Invalid or unknown API token (expected 'Authorization: Bearer <token>')"}, status=401
                )
                response["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"'
                return response
            request.user = user
            setattr(request, TOKEN_USER_ATTR, user)
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(request, TOKEN_USER_ATTR, None) is None
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            target = second_factor_target(user, relaxed=settings.KITU_RELAX_2FA)
            if target:
                if request.path.startswith(API_PREFIX):
                    return JsonResponse({"detail": "Second factor required"}, status=403)
                return redirect(target)
        return self.get_response(request)
