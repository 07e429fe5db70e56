"""Refuses input no part of the platform can store (NUL characters), and keeps framework error pages
from users.

RejectNulMiddleware: refuses NUL characters.

PostgreSQL text cannot hold U+0000, so a NUL in a query parameter, a form field or a JSON string would
reach the database and fail there (a 500 after part of the work). This middleware answers 400 first,
naming the parameter, for the query string, form fields and JSON bodies. Uploaded files are not
inspected (their bytes are stored as files, not text).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
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
