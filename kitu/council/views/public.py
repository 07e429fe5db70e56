"""Public pages of a town's council work under /rat/<slug>/, no account needed: start page, meetings
(by month and upcoming), a meeting with agenda and results, papers with full-text search, persons,
organizations, the file download and the iCal feed of public meetings.

Every page reads through ``Visibility.for_user``: a councillor of the town or its council office sees more
(each non-public part marked), everyone else the public parts. The iCal feed is public data only."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET

from .. import ics, selectors
from ..models import Body
from ..search import MAX_QUERY, MAX_RANKED, clean_query, search
from ..visibility import Level, Visibility

PAPERS_PER_PAGE = 20
ICAL_PAST_DAYS = 365  # the feed: meetings of the past year and all to come
ICAL_CACHE_SECONDS = 3600  # the feed is built once per change (its version is in the cache key)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class CountedPaginator(Paginator):
    """Pages of a list whose length is already known (counted, and capped, once by the search)."""

    def __init__(self, object_list: Any, per_page: int, *, total: int) -> None:
        super().__init__(object_list, per_page)
        self.total = total

    @cached_property
    def count(self) -> int:
        return self.total


def _body(slug: str) -> Body:
    body = selectors.public_body(slug)
    if body is None:
        raise Http404
    return body


def _context(request: HttpRequest, body: Body, **extra: object) -> dict[str, object]:
    visibility = Visibility.for_user(request.user, body)
    return {"body": body, "visibility": visibility, "sees_more": visibility.level is not Level.PUBLIC, **extra}


@require_GET
def town(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body(slug)
    visibility = Visibility.for_user(request.user, body)
    context = _context(
        request,
        body,
        nav="town",
        upcoming=selectors.upcoming_meetings(visibility),
        results=selectors.latest_results(visibility),
        max_query=MAX_QUERY,
    )
    return render(request, "council/public/town.html", context)


def _month(raw: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    match = MONTH.match(raw or "")
    if match:
        year, month = int(match[1]), int(match[2])
        if 1900 <= year <= 2999 and 1 <= month <= 12:
            return year, month
    return today.year, today.month


@require_GET
def meetings(request: HttpRequest, slug: str) -> HttpResponse:
    """The meetings of a month (``?monat=2026-03``, previous/next) and the upcoming ones."""
    body = _body(slug)
    visibility = Visibility.for_user(request.user, body)
    year, month = _month(request.GET.get("monat"))
    first = dt.date(year, month, 1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    context = _context(
        request,
        body,
        nav="meetings",
        month=first,
        month_meetings=selectors.meetings_in_month(visibility, year, month),
        previous=f"{previous:%Y-%m}",
        following=f"{following:%Y-%m}",
        upcoming=selectors.upcoming_meetings(visibility, limit=20),
    )
    return render(request, "council/public/meetings.html", context)


@require_GET
def meeting(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    body = _body(slug)
    visibility = Visibility.for_user(request.user, body)
    found = selectors.meeting(visibility, meeting_id)
    if found is None:
        raise Http404
    context = _context(request, body, nav="meetings", page=selectors.meeting_page(visibility, found))
    return render(request, "council/public/meeting.html", context)


@require_GET
def papers(request: HttpRequest, slug: str) -> HttpResponse:
    """The papers, newest first, or those matching ``?q=`` (reference, subject, text of the files)."""
    body = _body(slug)
    visibility = Visibility.for_user(request.user, body)
    q = clean_query(request.GET.get("q", ""))
    result = search(visibility, q)
    found = result.papers.only("pk", "reference", "name", "date", "paper_type", "public")
    page = CountedPaginator(found, PAPERS_PER_PAGE, total=result.total).get_page(request.GET.get("page"))
    query = urlencode({"q": q}) if q else ""
    closed = selectors.closed_paper_ids(body, list(page.object_list)) if visibility.level is not Level.PUBLIC else set()
    context = _context(
        request,
        body,
        nav="papers",
        q=q,
        query=query,
        page=page,
        max_query=MAX_QUERY,
        closed=closed,
        result=result,
        max_ranked=MAX_RANKED,
    )
    return render(request, "council/public/papers.html", context)


@require_GET
def paper(request: HttpRequest, slug: str, paper_id: int) -> HttpResponse:
    body = _body(slug)
    visibility = Visibility.for_user(request.user, body)
    found = selectors.paper(visibility, paper_id)
    if found is None:
        raise Http404
    is_councillor = visibility.level is Level.COUNCILLOR
    is_councillor_or_office = visibility.level is not Level.PUBLIC
    context = _context(
        request,
        body,
        nav="papers",
        paper=found,
        closed=found.pk in selectors.closed_paper_ids(body, [found]) if is_councillor_or_office else False,
        consultations=selectors.paper_consultations(visibility, found),
        files=selectors.paper_files(visibility, found),
        can_note=is_councillor,
        note=selectors.own_note(request.user, found) if is_councillor else None,
    )
    return render(request, "council/public/paper.html", context)


@require_GET
def persons(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body(slug)
    visibility = Visibility.for_user(request.user, body)
    context = _context(request, body, nav="persons", persons=selectors.persons(visibility))
    return render(request, "council/public/persons.html", context)


@require_GET
def person(request: HttpRequest, slug: str, person_id: int) -> HttpResponse:
    body = _body(slug)
    visibility = Visibility.for_user(request.user, body)
    found = selectors.person(visibility, person_id)
    if found is None:
        raise Http404
    context = _context(
        request, body, nav="persons", person=found, memberships=selectors.person_memberships(visibility, found)
    )
    return render(request, "council/public/person.html", context)


@require_GET
def organizations(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body(slug)
    visibility = Visibility.for_user(request.user, body)
    context = _context(request, body, nav="organizations", groups=selectors.organizations_by_type(visibility))
    return render(request, "council/public/organizations.html", context)


@require_GET
def organization(request: HttpRequest, slug: str, organization_id: int) -> HttpResponse:
    body = _body(slug)
    visibility = Visibility.for_user(request.user, body)
    found = selectors.organization(visibility, organization_id)
    if found is None:
        raise Http404
    context = _context(
        request,
        body,
        nav="organizations",
        organization=found,
        members=selectors.organization_members(visibility, found),
        meetings=selectors.organization_meetings(visibility, found),
    )
    return render(request, "council/public/organization.html", context)


@require_GET
def file(request: HttpRequest, slug: str, file_id: int, file_name: str) -> FileResponse:
    """THE download of a council file for every reader: only what ``Visibility`` lets this reader see,
    streamed as an attachment that no browser runs as a page of this site."""
    body = _body(slug)
    found = selectors.visible_file(Visibility.for_user(request.user, body), file_id)
    if found is None or not found.content:
        raise Http404
    try:
        handle = found.content.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=found.mime_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, found.file_name or f"datei-{found.pk}") or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-cache"
    return response


def _ical_version(public: Visibility) -> str:
    """Changes whenever the feed would: the day (the window moves), any meeting, agenda item or place."""
    meetings = public.meetings().aggregate(n=Count("pk"), last=Max("modified"))
    items = public.agenda_items().aggregate(n=Count("pk"), last=Max("modified"))
    places = public.locations().aggregate(n=Count("pk"), last=Max("modified"))
    parts = [timezone.localdate(), *meetings.values(), *items.values(), *places.values()]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@require_GET
def ical(request: HttpRequest, slug: str) -> HttpResponse:
    """The public meetings as an iCalendar feed: always the public view, whoever asks."""
    body = _body(slug)
    public = Visibility.public(body)
    key = f"council:ical:{body.pk}:{_ical_version(public)}"
    content = cache.get(key)
    if content is None:
        since = timezone.now() - dt.timedelta(days=ICAL_PAST_DAYS)
        meetings = public.meetings().filter(start__gte=since).select_related("body", "location").order_by("start")
        content = ics.calendar(meetings, name=f"Sitzungen {body.name}", visibility=public)
        cache.set(key, content, ICAL_CACHE_SECONDS)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="sitzungen-{body.slug}.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


urlpatterns = [
    path("rat/<slug:slug>/", town, name="town"),
    path("rat/<slug:slug>/sitzungen/", meetings, name="meetings"),
    path("rat/<slug:slug>/sitzungen.ics", ical, name="ical"),
    path("rat/<slug:slug>/sitzungen/<int:meeting_id>/", meeting, name="meeting"),
    path("rat/<slug:slug>/vorlagen/", papers, name="papers"),
    path("rat/<slug:slug>/vorlagen/<int:paper_id>/", paper, name="paper"),
    path("rat/<slug:slug>/personen/", persons, name="persons"),
    path("rat/<slug:slug>/personen/<int:person_id>/", person, name="person"),
    path("rat/<slug:slug>/gremien/", organizations, name="organizations"),
    path("rat/<slug:slug>/gremien/<int:organization_id>/", organization, name="organization"),
    path("rat/<slug:slug>/dateien/<int:file_id>/<str:file_name>", file, name="file"),
]
