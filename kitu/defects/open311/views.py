"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) under ``/open311/v2/``: discovery, services,
service definitions, requests (list, create, one) and tokens, each as ``.json`` or ``.xml``.

``jurisdiction_id`` is the town's slug; it may be left out while only one town is enabled. Lists and single
requests show moderated (published) reports only: ids are sequential, so an unpublished report is "not found"
like one that does not exist (its reporter follows it through the token and the tracking link). Errors are
the specification's list of ``{code, description}``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import CharField, F, FloatField, Func, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from kitu.core.errors import DomainError
from kitu.core.schemas import MAX_ID

from .. import configuration, services
from ..models import Category, DefectService, Photo, Report, ReportStatus
from .render import answer, errors

MAX_RESULTS = 1000
DEFAULT_DAYS = 90
# The longest value each parameter may have. What is stored, as long as its column; what is accepted but not
# stored (the reporter's name, phone and device: data minimisation), as long as it could sensibly be.
MAX_LENGTHS = {
    "jurisdiction_id": DefectService._meta.get_field("slug").max_length or 50,
    "service_code": Category._meta.get_field("code").max_length or 50,
    "api_key": 100,
    "description": services.MAX_DESCRIPTION,
    "address_string": services.MAX_ADDRESS,
    "address_id": services.MAX_ADDRESS,
    "email": services.MAX_EMAIL,
    "media_url": services.MAX_MEDIA_URL,
    "lat": 40,
    "long": 40,
    "first_name": 150,
    "last_name": 150,
    "phone": 40,
    "device_id": 100,
    "account_id": 100,
}
# What the service calls a field, as a client of this API knows it.
FIELD_NAMES = {"location": "lat/long or address_string", "address": "address_string"}


class Problem(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def _jurisdiction(request: HttpRequest) -> DefectService:
    params = request.POST if request.method == "POST" else request.GET
    slug = (params.get("jurisdiction_id") or "").strip()
    enabled = DefectService.objects.filter(is_enabled=True).select_related("member__organisation")
    if slug:
        service = enabled.filter(slug=slug).first()
        if service is None:
            raise Problem(404, f"jurisdiction_id '{slug}' not found")
        return service
    only = list(enabled[:2])
    if len(only) != 1:
        raise Problem(400, "jurisdiction_id is required: more than one jurisdiction is served here")
    return only[0]


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": False,
        "type": "realtime",
        "keywords": category.keywords or None,
        "group": category.group or None,
    }


# What a service request needs of a report (and its category), in this order: read as tuples, no model instances.
REQUEST_FIELDS = (
    "pk",
    "status",
    "status_notes",
    "category__name",
    "category__code",
    "description",
    "is_published",
    "address",
    "media_url",
    "service__member__organisation__name",
)


class LocalTime(Func):
    """A stored moment as the specification writes it, in the time zone ``zone`` to the second
    (``2026-11-22T10:00:00+01:00``). PostgreSQL writes the text itself (no converter and no Python per
    value); other databases give the stored moment as text, which _local_time turns into the same."""

    output_field = CharField()

    def __init__(self, field: str, zone: str) -> None:
        super().__init__(F(field))
        self.zone = zone

    def as_sql(  # type: ignore[override]  # neither function nor template: the SQL is written here
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(Cast(self.source_expressions[0], CharField()))
        return sql, list(params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        moment, moment_params = compiler.compile(self.source_expressions[0])
        local, utc = f"({moment} AT TIME ZONE %s)", f"({moment} AT TIME ZONE 'UTC')"
        local_params, utc_params = [*moment_params, self.zone], [*moment_params]
        sql = (
            f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
            f" || CASE WHEN {local} < {utc} THEN '-' ELSE '+' END"
            f" || to_char(greatest({local} - {utc}, {utc} - {local}), 'HH24:MI')"
        )
        params = [*local_params, *local_params, *utc_params, *local_params, *utc_params, *utc_params, *local_params]
        return sql, params


def _local_time(text: str, zone: dt.tzinfo) -> str:
    """A stored moment as text (SQLite: ``2026-11-22 09:00:00.123456``, UTC without an offset) in the
    town's time zone to the second, as LocalTime writes it on PostgreSQL."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).isoformat(timespec="seconds")


def requests_data(reports: QuerySet[Report]) -> list[dict[str, Any]]:
    """Service requests with the field names of the specification, from one query: the reports as tuples
    with their town's name, their times already as the answer's text (LocalTime), their coordinates as
    floats and the id of their first photo (a subquery per row read). No per-row ORM work: the loop puts
    the values in place."""
    first_photo = Photo.objects.filter(report=OuterRef("pk")).order_by("pk").values("pk")[:1]
    query = reports.values_list(
        *REQUEST_FIELDS,
        LocalTime("requested_at", timezone.get_current_timezone_name()),
        LocalTime("updated_at", timezone.get_current_timezone_name()),
        Cast("lat", FloatField()),
        Cast("lon", FloatField()),
        Subquery(first_photo),
    )
    # the ORM's SQL run on a cursor: the rows as the database driver gives them, without Django's converter
    # calls per value (every column already has its final type; SQLite gives is_published as 0/1)
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    zone = timezone.get_current_timezone()
    photo_base = settings.KITU_BASE_URL.rstrip("/") + reverse("defects:photo", args=[0])[:-2]  # …/<id>/
    closed = ReportStatus.CLOSED
    return [
        {
            "service_request_id": str(pk),
            "status": "closed" if status == closed else "open",
            "status_notes": status_notes or None,
            "service_name": category_name,
            "service_code": category_code,
            "description": description if published else None,
            "agency_responsible": agency,
            "service_notice": None,
            "requested_datetime": requested_at if requested_at[10] == "T" else _local_time(requested_at, zone),
            "updated_datetime": updated_at if updated_at[10] == "T" else _local_time(updated_at, zone),
            "expected_datetime": None,
            "address": address or None,
            "address_id": None,
            "zipcode": None,
            "lat": lat,
            "long": lon,
            # the first photo of a published report (moderated), else the address a client application sent
            "media_url": f"{photo_base}{photo_id}/" if photo_id is not None and published else media_url or None,
        }
        for (
            pk,
            status,
            status_notes,
            category_name,
            category_code,
            description,
            published,
            address,
            media_url,
            agency,
            requested_at,
            updated_at,
            lat,
            lon,
            photo_id,
        ) in rows
    ]


def _check_parameters(request: HttpRequest) -> None:
    """Every parameter, of a GET or a POST, before anything is read or stored: no control characters
    (tab and line breaks are fine), not longer than MAX_LENGTHS allows."""
    params = request.POST if request.method == "POST" else request.GET
    for name, values in params.lists():
        shown = services.CONTROL_CHARACTERS.sub("", name)[:50]
        for value in values:
            if services.CONTROL_CHARACTERS.search(name) or services.CONTROL_CHARACTERS.search(value):
                raise Problem(400, _("%(field)s: enthält Steuerzeichen, die nicht erlaubt sind.") % {"field": shown})
            limit = MAX_LENGTHS.get(name)
            if limit is not None and len(value) > limit:
                raise Problem(
                    400,
                    _("%(field)s: höchstens %(n)s Zeichen (%(length)s).")
                    % {"field": name, "n": limit, "length": len(value)},
                )


def _handle(fmt: str, build: Any, request: HttpRequest) -> HttpResponse:
    if fmt not in ("json", "xml"):
        return errors("json", 404, (404, f"format '{fmt}' not supported: use json or xml"))
    try:
        _check_parameters(request)
        return build()
    except Problem as problem:
        return errors(fmt, problem.status, (problem.status, problem.description))


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    def build() -> HttpResponse:
        base = request.build_absolute_uri(reverse("open311:discovery", args=["json"])).rsplit("/", 1)[0] + "/"
        data = {
            "changeset": "2026-11-22T00:00:00+01:00",
            "contact": f"Kommunale IT-UNION eG, {settings.DEFAULT_FROM_EMAIL}",
            "key_service": "API-Schlüssel vergibt die Administration der jeweiligen Kommune.",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-11-22T00:00:00+01:00",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        }
        return answer("discovery", data, fmt)

    return _handle(fmt, build, request)


@require_GET
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    def build() -> HttpResponse:
        service = _jurisdiction(request)
        return answer("services", [_service(c) for c in service.categories.filter(is_active=True)], fmt)

    return _handle(fmt, build, request)


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    def build() -> HttpResponse:
        category = _jurisdiction(request).categories.filter(code=code, is_active=True).first()
        if category is None:
            raise Problem(404, f"service_code '{code}' not found")
        return answer("service_definition", {"service_code": category.code, "attributes": []}, fmt)

    return _handle(fmt, build, request)


def _reports(service: DefectService) -> QuerySet[Report]:
    return Report.objects.filter(service=service).select_related("category")


def _date(raw: str, name: str) -> dt.datetime:
    try:
        moment = parse_datetime(raw.strip().replace(" ", "+"))  # a "+" in a query string arrives as a space
    except ValueError:  # well formed, but no such day or time (2026-02-30, 25:00, +99:00)
        moment = None
    if moment is None:
        raise Problem(400, f"{name} is not a W3C date-time (e.g. 2026-11-22T10:00:00+01:00)")
    try:
        aware = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        aware.astimezone(dt.UTC)  # the database stores UTC: the years 1 and 9999 may not reach it
    except (OverflowError, ValueError) as exc:
        raise Problem(
            400, _("%(field)s: das Datum liegt außerhalb des möglichen Zeitraums.") % {"field": name}
        ) from exc
    return aware


def _ids(raw: str) -> list[int]:
    ids = [i.strip() for i in raw.split(",") if i.strip()]
    if not all(i.isascii() and i.isdigit() for i in ids):  # "²".isdigit() is True, int("²") fails
        raise Problem(400, "service_request_id must be a comma-separated list of ids")
    if len(ids) > MAX_RESULTS:
        raise Problem(400, _("service_request_id: höchstens %(n)s Nummern auf einmal.") % {"n": MAX_RESULTS})
    numbers = [int(i) for i in ids]
    if any(n > MAX_ID for n in numbers):
        raise Problem(400, _("service_request_id: eine Nummer ist größer als %(max)s.") % {"max": MAX_ID})
    return numbers


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    """With a ``jurisdiction_id`` the town is read in the same query as its reports; the town alone is read
    only when that finds nothing or a parameter is wrong, so an unknown town is still answered (404) first."""
    slug = (request.GET.get("jurisdiction_id") or "").strip()
    if slug:
        # the town's id as a subquery (not a join): the planner then reads the newest reports in index order
        town = DefectService.objects.filter(slug=slug, is_enabled=True).values("pk")[:1]
        reports = Report.objects.filter(service=Subquery(town))
    else:
        reports = _reports(_jurisdiction(request))
    try:
        reports = _filtered(reports.filter(is_published=True), request.GET)
    except Problem:
        if slug:
            _jurisdiction(request)
        raise
    data = requests_data(reports)
    if not data and slug:
        _jurisdiction(request)  # an unknown or disabled town: 404; else the list is just empty
    return answer("requests", data, fmt)


def _filtered(reports: QuerySet[Report], params: Any) -> QuerySet[Report]:
    """The reports a list asks for: ``service_request_id`` alone, else the filters and at most MAX_RESULTS."""
    if params.get("service_request_id"):
        return reports.filter(pk__in=_ids(params["service_request_id"]))
    if params.get("service_code"):
        reports = reports.filter(category__code__in=[c.strip() for c in params["service_code"].split(",")])
    if params.get("status"):
        wanted = {s.strip() for s in params["status"].split(",")}
        if not wanted <= {"open", "closed"}:
            raise Problem(400, "status must be open, closed or both")
        if wanted == {"open"}:
            reports = reports.exclude(status=ReportStatus.CLOSED)
        elif wanted == {"closed"}:
            reports = reports.filter(status=ReportStatus.CLOSED)
    end = _date(params["end_date"], "end_date") if params.get("end_date") else None
    start = _date(params["start_date"], "start_date") if params.get("start_date") else None
    if start is None and end is None:
        start = timezone.now() - dt.timedelta(days=DEFAULT_DAYS)
    if start is not None:
        reports = reports.filter(requested_at__gte=start)
    if end is not None:
        reports = reports.filter(requested_at__lte=end)
    return reports[:MAX_RESULTS]


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    """A new service request: every field is checked (by _check_parameters and the service) before the
    report is stored, so a refused request leaves nothing behind and a retry makes no duplicate."""
    data = request.POST
    unknown = [name for name in data if name not in MAX_LENGTHS]
    if unknown:  # strict input: a misspelt field must not vanish silently (no service defines attributes)
        raise Problem(400, f"{unknown[0][:50]}: unknown parameter; known are {', '.join(MAX_LENGTHS)}")
    code, key = data.get("service_code", ""), data.get("api_key", "")
    slug = (data.get("jurisdiction_id") or "").strip()
    category: Category | None
    found = configuration.open311_post_target(slug=slug, key=key, code=code)
    if found is not None:  # town, category and key in one query: the usual case
        category, client_id = found
        service = category.service
    else:  # something is missing or does not match: read one by one, answering the first error
        service = _jurisdiction(request)
        client = configuration.api_client_for(service, key)
        if client is None:
            raise Problem(403, "api_key is missing or not valid for this jurisdiction")
        if not code:
            raise Problem(400, "service_code is required")
        category, client_id = None, client.pk
    address_field = "address_string" if data.get("address_string") else "address_id"
    try:
        report = services.report_create(
            service=service,
            category_code=code,
            category=category,
            description=data.get("description", ""),
            lat=data.get("lat"),
            lon=data.get("long"),
            address=data.get(address_field, ""),
            email=data.get("email", ""),
            media_url=data.get("media_url", ""),
            source="open311",
            api_client_id=client_id,
        )
    except DomainError as exc:
        names = {**FIELD_NAMES, "address": address_field}
        field = names.get(exc.field or "", exc.field or "")
        raise Problem(400, f"{field}: {exc.message}" if field else exc.message) from exc
    notice = "Ihre Meldung wird geprüft und dann veröffentlicht."
    return answer("requests", [{"service_request_id": str(report.pk), "service_notice": notice}], fmt, 201)


@csrf_exempt  # machines post with api_key, without a session
@require_http_methods(["GET", "POST"])
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    return _handle(fmt, lambda: _create(request, fmt) if request.method == "POST" else _list(request, fmt), request)


@require_GET
def request_detail(request: HttpRequest, request_id: int, fmt: str) -> HttpResponse:
    def build() -> HttpResponse:
        service = _jurisdiction(request)
        found = requests_data(_reports(service).filter(pk=request_id, is_published=True))
        if not found:
            raise Problem(404, f"service_request_id '{request_id}' not found")
        return answer("requests", found, fmt)

    return _handle(fmt, build, request)


@require_GET
def token(request: HttpRequest, token_id: str, fmt: str) -> HttpResponse:
    def build() -> HttpResponse:
        report = _reports(_jurisdiction(request)).filter(token=token_id).first() if _uuid(token_id) else None
        if report is None:
            raise Problem(404, f"token '{token_id}' not found")
        return answer("requests", [{"service_request_id": str(report.pk), "token": str(report.token)}], fmt)

    return _handle(fmt, build, request)


def _uuid(raw: str) -> bool:
    try:
        uuid.UUID(raw)
    except ValueError:
        return False
    return True
