"""The platform's own error answers (config/urls.py handler400/403/404/500).

The JSON API and Open311 answer JSON ``{"detail": …}`` with the status; pages answer in the layout, in the
user's language, with a way on. Django's debug page never shows for these (the demo runs with DEBUG on
but the handlers are used whenever DEBUG is off; production has DEBUG off).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

JSON_PREFIXES = ("/api/", "/open311/")
OPARL_PREFIX = "/oparl/"  # OParl 1.1 chapter 2.9: its own error object, and CORS on every answer

TEXTS = {
    400: (
        gettext_noop("Ungültige Anfrage"),
        gettext_noop("Die Anfrage konnte nicht gelesen werden. Bitte prüfen Sie Ihre Eingabe."),
    ),
    403: (
        gettext_noop("Kein Zugriff"),
        gettext_noop(
            "Sie haben keine Berechtigung für diese Seite. Melden Sie sich gegebenenfalls mit einem anderen Konto an."
        ),
    ),
    404: (
        gettext_noop("Seite nicht gefunden"),
        gettext_noop("Diese Seite gibt es nicht oder nicht mehr, oder sie ist für Ihr Konto nicht sichtbar."),
    ),
    500: (
        gettext_noop("Ein Fehler ist aufgetreten"),
        gettext_noop("Auf unserer Seite ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut."),
    ),
}
API_TEXTS = {400: "Bad request", 403: "Forbidden", 404: "Not found", 500: "Internal server error"}


def answer(request: HttpRequest, status: int, *, detail: str = "", field: str | None = None) -> HttpResponse:
    """The error answer for ``request``: JSON for machines, a page in the layout for people. ``detail``
    says what is wrong (and ``field`` where) when the caller knows it."""
    if request.path.startswith(OPARL_PREFIX):
        data = {"type": "https://schema.oparl.org/1.1/Error", "message": detail or _(TEXTS[status][1])}
        response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
        response["Access-Control-Allow-Origin"] = "*"
        return response
    if request.path.startswith(JSON_PREFIXES):
        return JsonResponse({"detail": detail or API_TEXTS[status], "field": field}, status=status)
    title, text = TEXTS[status]
    template = "errors/500.html" if status == 500 else "errors/error.html"
    # 500: no context processors (the database may be what failed)
    context = {"status": status, "title": _(title), "text": detail or _(text)}
    body = loader.render_to_string(template, context, request=None if status == 500 else request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return answer(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return answer(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return answer(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return answer(request, 500)
