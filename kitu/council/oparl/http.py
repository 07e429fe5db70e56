"""The HTTP side of the OParl interface: JSON answers, the error object of the spec's chapter 2.9
(``{type: https://schema.oparl.org/1.1/Error, message, debug}``), CORS on every answer (chapter 2.6),
the list parameters (``limit``, ``after`` and the four date filters of chapter 2.5) and the one wrapper
every OParl view runs in."""

from __future__ import annotations

import datetime as dt
import logging
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import orjson
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kitu.core.schemas import MAX_ID

logger = logging.getLogger("kitu.council.oparl")
_R = TypeVar("_R", bound=HttpResponseBase)

SCHEMA = "https://schema.oparl.org/1.1/"
ERROR_TYPE = SCHEMA + "Error"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
DATE_FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
_DATETIME = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})\Z")
_DIGITS = re.compile(r"\A[0-9]{1,20}\Z")

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


class OParlError(Exception):
    """Ends a request with the spec's error object."""

    def __init__(self, status: int, message: str, debug: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.debug = debug


def not_found(debug: str = "") -> OParlError:
    return OParlError(404, _("Dieses Objekt gibt es nicht oder es ist nicht öffentlich."), debug)


def json_response(data: Any, status: int = 200) -> HttpResponse:
    # UTF-8 without escaping (chapter 2.4 allows both; readable is kinder); no HTML escaping either. orjson:
    # a page of 100 meetings is ~800 KB, 12 ms with the json module, under 1 ms with orjson
    return HttpResponse(orjson.dumps(data, default=str), status=status, content_type="application/json")


def with_cors(response: _R) -> _R:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error(status: int, message: str, debug: str = "") -> HttpResponse:
    data = {"type": ERROR_TYPE, "message": message}
    if debug:
        data["debug"] = debug
    return with_cors(json_response(data, status=status))


def preflight(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    requested = request.headers.get("Access-Control-Request-Headers", "")
    # only token characters are echoed; anything else becomes a plain allowance of the usual headers
    response["Access-Control-Allow-Headers"] = (
        requested if re.fullmatch(r"[A-Za-z0-9, _-]{1,200}", requested) else "Accept, If-None-Match"
    )
    response["Access-Control-Max-Age"] = "86400"
    response["Allow"] = ALLOWED_METHODS
    return with_cors(response)


def oparl_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """GET/HEAD run the view; OPTIONS is the CORS preflight; anything else is 405. Every answer, errors
    included, is JSON (files aside) and carries ``Access-Control-Allow-Origin: *``; nothing escapes as a
    framework page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            return preflight(request)
        if request.method not in ("GET", "HEAD"):
            refused = error(
                405,
                _("Diese Schnittstelle kann nur gelesen werden (GET)."),
                f"method {request.method} not allowed",
            )
            refused["Allow"] = ALLOWED_METHODS
            return refused
        try:
            response = view(request, *args, **kwargs)
        except OParlError as problem:
            return error(problem.status, problem.message, problem.debug)
        except Http404:
            return error(404, _("Dieses Objekt gibt es nicht oder es ist nicht öffentlich."))
        except Exception:
            logger.exception("OParl: error at %s", request.path)
            return error(500, _("Auf dem Server ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut."))
        return with_cors(response)

    return csrf_exempt(wrapper)


def object_id(raw: int) -> int:
    """An id from the path; one beyond the database's range names nothing."""
    if raw < 1 or raw > MAX_ID:
        raise not_found("id out of range")
    return raw


def iso(moment: dt.datetime | str | None) -> str | None:
    """``yyyy-mm-ddThh:mm:ss±hh:mm`` in German time (chapter 2.4), or None. A string is such a text
    already, formatted by the database (``rows.db_values``)."""
    if moment is None or isinstance(moment, str):
        return moment
    # astimezone with one zone object: timezone.localtime looks the zone up on each call (15,000 per page)
    return moment.astimezone(BERLIN).replace(microsecond=0).isoformat()


def iso_date(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


@dataclass(frozen=True)
class ListParams:
    limit: int = DEFAULT_LIMIT
    limit_given: bool = False
    after: int = 0
    filters: tuple[tuple[str, str, dt.datetime], ...] = ()  # (parameter, canonical text, moment)
    omit_internal: bool = False

    @property
    def modified_since(self) -> bool:
        return any(name == "modified_since" for name, _text, _moment in self.filters)

    def query(self, *, after: int | None = None) -> str:
        """The canonical query string of a page of this list (fixed parameter order, chapter 2.3)."""
        query = QueryDict(mutable=True)
        for name, text, _moment in self.filters:
            query[name] = text
        if self.omit_internal:
            query["omit_internal"] = "true"
        if self.limit_given:
            query["limit"] = str(self.limit)
        if after:
            query["after"] = str(after)
        encoded = query.urlencode()
        return "?" + encoded if encoded else ""


def _bad(parameter: str, message: str, debug: str) -> OParlError:
    return OParlError(400, message % {"name": parameter, "max": MAX_LIMIT}, f"parameter {parameter}: {debug}")


def _moment(parameter: str, raw: str) -> tuple[str, dt.datetime]:
    text = raw
    if len(text) >= 6 and text[-6] == " ":  # an unencoded "+" of the offset arrives as a space
        text = text[:-6] + "+" + text[-5:]
    message = _(
        "„%(name)s“ muss ein Zeitpunkt mit Zeitzone sein, z. B. 2026-01-31T18:00:00+01:00 (das + als %%2B kodiert)."
    )
    if not _DATETIME.match(text):
        raise _bad(parameter, message, "expected yyyy-mm-ddThh:mm:ss±hh:mm")
    try:
        moment = dt.datetime.fromisoformat(text)
        moment.astimezone(dt.UTC)  # a moment just outside the calendar fails here, not in the database
    except (ValueError, OverflowError) as problem:
        raise _bad(parameter, message, str(problem)) from problem
    return text, moment


def list_params(query: QueryDict) -> ListParams:
    """The parameters of a list page; anything malformed is a 400 naming the parameter."""
    limit, limit_given = DEFAULT_LIMIT, False
    if "limit" in query:
        raw = str(query.get("limit", ""))
        if not _DIGITS.match(raw) or not 1 <= int(raw) <= MAX_LIMIT:
            raise _bad(
                "limit",
                _("„%(name)s“ muss eine ganze Zahl von 1 bis %(max)s sein."),
                f"expected 1..{MAX_LIMIT}",
            )
        limit, limit_given = int(raw), True
    after = 0
    if "after" in query:
        raw = str(query.get("after", ""))
        if not _DIGITS.match(raw) or int(raw) > MAX_ID:
            raise _bad("after", _("„%(name)s“ muss eine Objekt-Nummer sein (aus links.next)."), "expected an id")
        after = int(raw)
    filters = []
    for name in DATE_FILTERS:
        if name in query:
            text, moment = _moment(name, str(query.get(name, "")))
            filters.append((name, text, moment))
    omit_internal = query.get("omit_internal", "") == "true"
    return ListParams(limit, limit_given, after, tuple(filters), omit_internal)
