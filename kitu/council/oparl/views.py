"""The OParl 1.1 endpoints: the System, the list of bodies (one per town whose council system is
enabled), per body the ten object lists and each object, and the files' access and download URLs.

Everything is read through ``Visibility.public(body)``. Lists are ordered by id and paged by id
(``after``, keyset: page 500 costs what page 1 costs); with ``modified_since`` they also name the
objects deleted or depublished since (chapter 2.5, as tombstones of chapter 2.8), taken from
``Visibility.public_with_deleted`` — so never an object that was not public. The URL of such an object
answers its tombstone; an id that was never public is a 404 like an id that never existed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _

from kitu.council.models import Body, File
from kitu.council.visibility import Visibility

from . import render
from .http import (
    OParlError,
    error,
    json_response,
    list_params,
    not_found,
    object_id,
    oparl_view,
)
from .render import Ctx


@dataclass(frozen=True)
class Kind:
    """One OParl object type as listed per body: where its objects come from (a ``Visibility`` query
    set), how they are read in bulk and how each is rendered."""

    path: str
    type_name: str
    source: Callable[[Visibility], QuerySet[Any]]
    prepare: Callable[[QuerySet[Any], Ctx], Iterable[Any]]
    render: Callable[[Ctx, Any], dict[str, Any]]
    # Kinds whose public rule is costly for the whole town (files: the paper rule) are paged from their rows
    # in id order, a chunk at a time, with the rule applied to each chunk only (``Visibility.files(among=)``).
    rows: Callable[[Body], QuerySet[Any]] | None = None
    among: Callable[[Visibility, list[int]], QuerySet[Any]] | None = None


R = render
KINDS = {
    kind.path: kind
    for kind in (
        Kind("organization", "Organization", Visibility.organizations, R.prepare_organizations, render.organization),
        Kind("person", "Person", Visibility.persons, R.prepare_persons, R.person),
        Kind("meeting", "Meeting", Visibility.meetings, R.prepare_meetings, R.meeting),
        Kind("paper", "Paper", Visibility.papers, R.prepare_papers, R.paper),
        Kind("agendaItem", "AgendaItem", Visibility.agenda_items, R.prepare_agenda_items, R.agenda_item_alone),
        Kind("consultation", "Consultation", Visibility.consultations, R.prepare_consultations, R.consultation_alone),
        Kind(
            "file",
            "File",
            Visibility.files,
            R.prepare_files,
            R.file,
            rows=lambda town: File.objects.filter(body=town, deleted=False),
            among=lambda vis, ids: vis.files(among=ids),
        ),
        Kind("membership", "Membership", Visibility.memberships, R.prepare_memberships, R.membership),
        Kind("location", "Location", Visibility.locations, R.prepare_locations, R.location),
        Kind("legislativeTerm", "LegislativeTerm", Visibility.terms, R.prepare_terms, R.term),
    )
}


def _town(slug: str) -> Body:
    """A town whose council system is enabled; any other slug is a 404."""
    town = Body.objects.filter(slug=slug, is_enabled=True, deleted=False).first()
    if town is None:
        raise not_found("no such body")
    return town


def _page(
    request: HttpRequest,
    ctx: Ctx,
    *,
    live: QuerySet[Any],
    with_deleted: Callable[[], QuerySet[Any]],
    prepare: Callable[[QuerySet[Any]], Iterable[Any]],
    draw: Callable[[Any], dict[str, Any]],
    tomb: Callable[[tuple[int, Any, Any]], dict[str, Any]],
    list_url: str,
    chunked: tuple[QuerySet[Any], Callable[[list[int]], QuerySet[Any]]] | None = None,
) -> HttpResponse:
    """One page of a list (chapter 2.5): ids first (one query), then the objects of the page in bulk."""
    params = list_params(request.GET)
    ctx.omit_internal = params.omit_internal
    source = live
    if params.modified_since:
        # the live objects and the tombstones. Not with_deleted alone: undeleting can also hide (a paper
        # whose consultation on a non-public item was deleted is public now, and was not before)
        either = Q(pk__in=live.values("pk")) | Q(pk__in=with_deleted().values("pk"))
        source = live.model._default_manager.filter(either)
    for name, _text, moment in params.filters:
        field, since = name.split("_")
        source = source.filter(**{f"{field}__{'gte' if since == 'since' else 'lte'}": moment})
    if chunked is not None and not params.modified_since:
        rows = _chunked_rows(params, *chunked)
    else:
        if params.after:
            source = source.filter(pk__gt=params.after)
        rows = list(source.order_by("pk").values_list("pk", "created", "modified")[: params.limit + 1])
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    ids = [row[0] for row in rows]
    # the ids came from the live rule itself, unless tombstones are mixed in: then it decides again
    page = live.filter(pk__in=ids) if params.modified_since else live.model._default_manager.filter(pk__in=ids)
    objects = {obj.pk: obj for obj in prepare(page)} if rows else {}
    data = []
    for row in rows:
        obj = objects.get(row[0])
        if obj is not None:
            data.append(draw(obj))
        elif params.modified_since:  # deleted, or no longer public: the client should forget it
            data.append(tomb(row))
    links = {"first": list_url + params.query(), "self": list_url + params.query(after=params.after)}
    if more:
        links["next"] = list_url + params.query(after=rows[-1][0])
    return json_response({"data": data, "pagination": {"elementsPerPage": params.limit}, "links": links})


CHUNK_FACTOR, CHUNK_MIN = 4, 400  # candidate rows read per round: a page of 100 visible files needs one


def _chunked_rows(
    params: Any, candidates: QuerySet[Any], among: Callable[[list[int]], QuerySet[Any]]
) -> list[tuple[int, Any, Any]]:
    """The first ``limit + 1`` visible rows after ``params.after``: candidate ids in id order a chunk at a
    time, each chunk narrowed by the public rule (same rows as the whole rule, in the same order)."""
    for name, _text, moment in params.filters:
        field, since = name.split("_")
        candidates = candidates.filter(**{f"{field}__{'gte' if since == 'since' else 'lte'}": moment})
    size = max(CHUNK_FACTOR * params.limit, CHUNK_MIN)
    cursor, rows = params.after, list[tuple[int, Any, Any]]()
    while len(rows) <= params.limit:
        chunk = list(candidates.filter(pk__gt=cursor).order_by("pk").values_list("pk", flat=True)[:size])
        if not chunk:
            break
        rows += list(among(chunk).order_by("pk").values_list("pk", "created", "modified"))
        cursor = chunk[-1]
        if len(chunk) < size:
            break
    return rows[: params.limit + 1]


@oparl_view
def system(request: HttpRequest) -> HttpResponse:
    ctx = Ctx(request)
    website = request.build_absolute_uri("/")
    data = render.system(
        ctx,
        name=getattr(settings, "KITU_OPARL_NAME", f"{settings.KITU_COOPERATIVE_NAME}: Digitale Gremienarbeit"),
        contact_email=getattr(settings, "KITU_OPARL_CONTACT_EMAIL", ""),
        contact_name=getattr(settings, "KITU_OPARL_CONTACT_NAME", settings.KITU_COOPERATIVE_NAME),
        website=website,
        vendor=getattr(settings, "KITU_OPARL_VENDOR", website),
        product=getattr(settings, "KITU_OPARL_PRODUCT", website),
    )
    return json_response(data)


@oparl_view
def bodies(request: HttpRequest) -> HttpResponse:
    ctx = Ctx(request)
    # a town is public while its council system is enabled; one deleted since is a tombstone
    enabled = Body.objects.filter(is_enabled=True)
    slugs = dict(enabled.filter(deleted=True).values_list("pk", "slug"))
    return _page(
        request,
        ctx,
        live=enabled.filter(deleted=False),
        with_deleted=lambda: enabled,
        prepare=R.prepare_bodies,
        draw=lambda town: render.body(ctx, town),
        tomb=lambda row: {**render.tombstone(ctx, "x", "Body", row), "id": f"{ctx.root('body')}/{slugs[row[0]]}"},
        list_url=ctx.root("body"),
    )


@oparl_view
def body(request: HttpRequest, slug: str) -> HttpResponse:
    ctx = Ctx(request)
    town = R.prepare_bodies(Body.objects.filter(slug=slug, is_enabled=True)).first()
    if town is None:
        raise not_found("no such body")
    if town.deleted:
        row = (town.pk, town.created, town.modified)
        return json_response({**render.tombstone(ctx, "x", "Body", row), "id": ctx.body_url(town)})
    ctx.omit_internal = request.GET.get("omit_internal") == "true"
    return json_response(render.body(ctx, town))


@oparl_view
def object_list(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    town = _town(slug)
    ctx = Ctx(request, town)
    return _page(
        request,
        ctx,
        live=ctx.visible(spec.source.__name__),  # the same query set the renderer's prefetches use
        with_deleted=lambda: spec.source(Visibility.public_with_deleted(town)),
        prepare=lambda objects: spec.prepare(objects, ctx),
        draw=lambda obj: spec.render(ctx, obj),
        tomb=lambda row: render.tombstone(ctx, spec.path, spec.type_name, row),
        list_url=ctx.url(spec.path),
        chunked=(spec.rows(town), lambda ids: spec.among(ctx.vis, ids))  # type: ignore[misc]
        if spec.rows is not None and spec.among is not None
        else None,
    )


@oparl_view
def organization_list(request: HttpRequest, slug: str, pk: int, kind: str) -> HttpResponse:
    """An organization's meetings or consultations (``Organization.meeting``/``consultation``): the
    town's list of that kind, narrowed to the organization."""
    spec = KINDS[kind]
    pk = object_id(pk)
    town = _town(slug)
    ctx = Ctx(request, town)
    if not ctx.visible("organizations").filter(pk=pk).exists():
        raise not_found(f"no public Organization {pk}")
    return _page(
        request,
        ctx,
        live=ctx.visible(spec.source.__name__).filter(organizations=pk),
        with_deleted=lambda: spec.source(Visibility.public_with_deleted(town)).filter(organizations=pk),
        prepare=lambda objects: spec.prepare(objects, ctx),
        draw=lambda obj: spec.render(ctx, obj),
        tomb=lambda row: render.tombstone(ctx, spec.path, spec.type_name, row),
        list_url=f"{ctx.url('organization', pk)}/{kind}",
    )


@oparl_view
def object_detail(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    spec = KINDS[kind]
    pk = object_id(pk)
    town = _town(slug)
    ctx = Ctx(request, town, omit_internal=request.GET.get("omit_internal") == "true")
    obj = next(iter(spec.prepare(ctx.visible(spec.source.__name__).filter(pk=pk), ctx)), None)
    if obj is not None:
        return json_response(spec.render(ctx, obj))
    row = spec.source(Visibility.public_with_deleted(town)).filter(pk=pk).values_list("pk", "created", "modified")
    found = row.first()
    if found is None:
        raise not_found(f"no public {spec.type_name} {pk}")
    return json_response(render.tombstone(ctx, spec.path, spec.type_name, found))


def _file_answer(request: HttpRequest, slug: str, pk: int, *, attachment: bool) -> HttpResponseBase:
    pk = object_id(pk)
    town = _town(slug)
    doc = Visibility.public(town).files().filter(pk=pk).first()
    if doc is None:
        if Visibility.public_with_deleted(town).files().filter(pk=pk).exists():
            raise OParlError(410, _("Diese Datei wurde gelöscht oder ist nicht mehr öffentlich."), "deleted")
        raise not_found(f"no public file {pk}")
    etag = f'"{doc.sha512[:40]}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    try:
        handle = doc.content.open("rb")
    except (FileNotFoundError, ValueError) as problem:
        raise OParlError(404, _("Der Inhalt dieser Datei ist nicht vorhanden."), str(problem)) from problem
    # shown in the browser (accessUrl must not be an attachment) only for types a browser shows safely
    inline_type = doc.mime_type if doc.mime_type in render.SAFE_INLINE_TYPES else "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=attachment,
        filename=doc.file_name or f"datei-{doc.pk}",
        content_type=doc.mime_type if attachment else inline_type,
    )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(doc.modified.timestamp())
    response["X-Content-Type-Options"] = "nosniff"
    return response


@oparl_view
def file_access(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    return _file_answer(request, slug, pk, attachment=False)


@oparl_view
def file_download(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    return _file_answer(request, slug, pk, attachment=True)


@oparl_view
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error(
        404,
        _("Unter dieser Adresse gibt es nichts. Der Einstieg ist %(url)s.")
        % {"url": request.build_absolute_uri(reverse("oparl:system"))},
        "no such URL",
    )
