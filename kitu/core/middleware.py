"""Refuses input no part of the platform can store (NUL characters), and keeps framework error pages
from users.

RejectNulMiddleware: refuses NUL characters. CSPMiddleware: django-csp's, with the policy built once.
SessionMiddleware, AuthenticationMiddleware, OTPMiddleware, MessageMiddleware: Django's and django-otp's,
skipped for the machine APIs (``KITU_MACHINE_API_PREFIXES``, Open311).

PostgreSQL text cannot hold U+0000, so a NUL in a query parameter, a form field or a JSON string would
reach the database and fail there (a 500 after part of the work). This middleware answers 400 first,
naming the parameter, for the query string, form fields and JSON bodies. Uploaded files are not
inspected (their bytes are stored as files, not text).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import csp.middleware
import django.contrib.auth.middleware
import django.contrib.messages.middleware
import django.contrib.sessions.middleware
import django_otp.middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from .errorpages import answer

NUL = "\x00"


def _nul_parameter(request: HttpRequest) -> str | None:
    if NUL in request.path:
        return "path"
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "")
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                if NUL in key or any(NUL in value for value in values):
                    return key.replace(NUL, "")
        elif content_type.endswith("json") and (b"\\u0000" in request.body or b"\x00" in request.body):
            return "body"
    return None


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        parameter = _nul_parameter(request)
        if parameter is not None:
            detail = _("„%(name)s“ enthält ein Nullzeichen (NUL); das ist in keinem Feld erlaubt.") % {
                "name": parameter
            }
            return answer(request, 400, detail=detail, field=parameter)
        return self.get_response(request)


logger = logging.getLogger("django.request")


class OwnErrorPagesMiddleware:
    """With DEBUG on (the local demo) Django would answer errors with its debug pages, stack trace and
    settings included. This answers them with the platform's own pages instead, so no user ever sees a
    framework page; the trace goes to the log. With DEBUG off Django's handlers (config/urls.py) do it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            try:
                resolve(request.path_info)
            except Resolver404:
                return answer(request, 404)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return answer(request, 404)
        if isinstance(exception, PermissionDenied):
            return answer(request, 403)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return answer(request, 400)
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return answer(request, 500)


# What a view may set on a response to change its policy (django-csp's decorators): such a response, or a
# request that used a nonce, gets django-csp's own handling
_CSP_RESPONSE_ATTRIBUTES = tuple(
    f"_csp_{name}{suffix}" for name in ("exempt", "config", "update", "replace") for suffix in ("", "_ro")
)
_csp_policies: dict[bool, tuple[str, tuple[str, ...]]] = {}  # report_only: (header value, excluded prefixes)


@receiver(setting_changed)
def _forget_csp_policies(setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _csp_policies.clear()


def _csp_policy(report_only: bool) -> tuple[str, tuple[str, ...]]:
    found = _csp_policies.get(report_only)
    if found is None:
        setting = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
        _csp_policies[report_only] = found = (build_policy(report_only=report_only), prefixes)
    return found


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware with the policy built once: django-csp builds the header from the settings
    for every response (a tenth of the CPU of an Open311 POST). A response whose view changed its policy
    (django-csp's decorators) or a request that used a nonce still gets django-csp's own handling; the
    headers are the same either way (tested)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if (
            getattr(request, "_csp_nonce", None) is not None
            or (settings.DEBUG and response.status_code in (404, 500))
            or any(hasattr(response, name) for name in _CSP_RESPONSE_ATTRIBUTES)
        ):
            return super().process_response(request, response)
        for report_only, header in ((False, HEADER), (True, HEADER_REPORT_ONLY)):
            policy, excluded = _csp_policy(report_only)
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # as django-csp: a nonce asked for after the header is written is an error, not a silent gap
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


JSON_API_PREFIX = "/api/"  # the JSON API: a request with an Authorization header is a machine's


def machine_request(request: HttpRequest) -> bool:
    """A request of a machine, which sends no cookies and logs in to nothing: the machine APIs under
    ``settings.KITU_MACHINE_API_PREFIXES`` (Open311: the ``api_key`` parameter) and a request to the JSON API
    with an ``Authorization`` header (its bearer token alone decides who acts, never a session:
    kitu.accounts.middleware.ApiTokenMiddleware)."""
    path = request.path_info
    return path.startswith(settings.KITU_MACHINE_API_PREFIXES) or (
        path.startswith(JSON_API_PREFIX) and "HTTP_AUTHORIZATION" in request.META
    )


class _ForPeopleOnly:
    """Middleware only pages for people need (sessions, login, second factor, messages), skipped for a
    :func:`machine_request` (its views read no session and no message; the user is the token's or nobody).
    They cost a tenth of an Open311 POST's CPU and did nothing there. Every other request gets them unchanged."""

    get_response: Any

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if machine_request(request):
            return self.get_response(request)
        return super().__call__(request)  # type: ignore[misc]


class SessionMiddleware(_ForPeopleOnly, django.contrib.sessions.middleware.SessionMiddleware):
    pass


class AuthenticationMiddleware(_ForPeopleOnly, django.contrib.auth.middleware.AuthenticationMiddleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        if machine_request(request):  # no session: nobody is logged in (error pages show the menu by it); the
            request.user = AnonymousUser()  # JSON API's token middleware sets the token's user after this
        return super().__call__(request)


class OTPMiddleware(_ForPeopleOnly, django_otp.middleware.OTPMiddleware):
    pass


class MessageMiddleware(_ForPeopleOnly, django.contrib.messages.middleware.MessageMiddleware):
    pass
