"""The OParl 1.1 objects, one function per type, each producing exactly the properties of the schema
(https://schema.oparl.org/1.1/) from an object the caller has read through ``Visibility.public`` with the
related objects prefetched (``prepare_*``), so that a list page costs a fixed number of queries.

Embedded objects (chapter 3: terms in Body, memberships in Person, agenda items and files in Meeting,
files and consultations in Paper, files in AgendaItem, locations) leave out the back reference to their
parent; the same object fetched on its own carries it. Empty values are left out (chapter 2.4). Every
related object named here comes from a ``Visibility`` query set: nothing that is not public appears.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, TypeVar

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from kitu.council.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    Consultation,
    File,
    FileRole,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)
from kitu.council.visibility import Visibility

from .http import SCHEMA, iso, iso_date
from .rows import db_values, row_value

OPARL_VERSION = SCHEMA
SAFE_INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain")
WEB_ID = 918273645  # a stand-in id for ``Ctx.web_of``: digits no slug or path of ours contains


@dataclass
class Ctx:
    """One request's view of one town: absolute URLs and the public visibility."""

    request: HttpRequest
    body: Body | None = None
    omit_internal: bool = False
    _root: str = field(init=False, default="")
    _body_url: str = field(init=False, default="")

    def __post_init__(self) -> None:
        # absolute once, then plain string joins: a page of 100 objects names about 2,000 URLs
        self._root = self.request.build_absolute_uri(reverse("oparl:system")).removesuffix("system")
        if self.body is not None:
            self._body_url = self.body_url(self.body)

    _memo: dict[str, Any] = field(init=False, default_factory=dict)

    @property
    def vis(self) -> Visibility:
        assert self.body is not None
        if "vis" not in self._memo:
            self._memo["vis"] = Visibility.public(self.body)
        return self._memo["vis"]

    def visible(self, name: str) -> QuerySet[Any]:
        """``Visibility.public(body).<name>()``, built once per request (building the query sets of the
        public rule costs more than running them on a page of 100)."""
        if name not in self._memo:
            self._memo[name] = getattr(self.vis, name)()
        return self._memo[name]

    @property
    def own_body_url(self) -> str:
        return self._body_url

    def body_url(self, body: Body) -> str:
        return f"{self._root}body/{body.slug}"

    def url(self, kind: str, pk: int | None = None) -> str:
        """The URL of an object (``pk``) or of the list of a kind of this town."""
        return f"{self._body_url}/{kind}" if pk is None else f"{self._body_url}/{kind}/{pk}"

    def root(self, path: str) -> str:
        return self._root + path

    def web(self, name: str, **kwargs: Any) -> str | None:
        """The public page of an object, when the public pages provide one."""
        try:
            return self.request.build_absolute_uri(reverse(f"council:{name}", kwargs=kwargs))
        except NoReverseMatch:
            return None

    def web_of(self, name: str, key: str, pk: int) -> str | None:
        """``web`` for one object of this town (``key``: the name of its id in the URL), from one reverse
        per request and kind: a page of 100 objects names 100 such pages."""
        memo = f"web:{name}"
        if memo not in self._memo:
            assert self.body is not None
            url = self.web(name, slug=self.body.slug, **{key: WEB_ID})
            self._memo[memo] = url.split(str(WEB_ID)) if url else None
        parts = self._memo[memo]
        return f"{parts[0]}{pk}{parts[1]}" if parts else None


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` unless there is nothing to say (no null, no empty string or list: chapter 2.4)."""
    if value is None or value == "" or value == []:
        return
    data[key] = value


def _head(ctx: Ctx, kind: str, type_name: str, pk: int) -> dict[str, Any]:
    return {"id": ctx.url(kind, pk), "type": SCHEMA + type_name}


def _tail(data: dict[str, Any], obj: Any, web: str | None = None) -> dict[str, Any]:
    keywords = row_value(obj, "keyword")
    if isinstance(keywords, list) and keywords:
        _put(data, "keyword", [str(word) for word in keywords if isinstance(word, str | int | float)])
    if web:
        data["web"] = web
    data["created"] = iso(row_value(obj, "created"))
    data["modified"] = iso(row_value(obj, "modified"))
    return data


def tombstone(ctx: Ctx, kind: str, type_name: str, row: tuple[int, Any, Any]) -> dict[str, Any]:
    """A deleted or depublished object (chapter 2.8): id, type, created, modified and ``deleted``."""
    pk, created, modified = row
    return {**_head(ctx, kind, type_name, pk), "created": iso(created), "modified": iso(modified), "deleted": True}


def _ids(relation: str, visible: QuerySet[Any], attr: str, *keys: str) -> Prefetch:
    """Prefetch only the ids of the visible related objects (for lists of URLs); a reverse foreign key
    names its column in ``keys`` (without it each object would be read again, one query each)."""
    return Prefetch(relation, queryset=visible.only("pk", *keys).order_by("pk"), to_attr=attr)


def _urls(ctx: Ctx, kind: str, ids: Iterable[int]) -> list[str]:
    return [ctx.url(kind, pk) for pk in ids]


# A page of 100 papers or meetings embeds about a thousand files, agenda items and consultations. They are
# read as plain rows (``values_list(named=True)``), grouped by their parent in Python: a model object each
# cost more than the page's queries. The main objects of a page stay model objects.

T = TypeVar("T")


def _grouped(pairs: Iterable[tuple[int, T]]) -> dict[int, list[T]]:
    grouped: dict[int, list[T]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def _linked(visible: QuerySet[Any], back: str, ids: Sequence[int]) -> dict[int, list[int]]:
    """For each of ``ids``: the ids of the ``visible`` objects related to it, where ``back`` names the
    relation from the visible side (one query, in id order)."""
    return _grouped(visible.filter(**{f"{back}__in": ids}).order_by("pk").values_list(back, "pk"))


FILE_FIELDS = (
    *("pk", "paper_id", "meeting_id", "agenda_item_id", "role", "name", "file_name", "mime_type", "date", "size"),
    *("sha512", "license", "keyword_db", "created_db", "modified_db"),
)
ROW_VALUES = ("keyword", "created", "modified")  # what every embedded row reads through ``db_values``


def _files_of(ctx: Ctx, parent: str, ids: Sequence[int], via: str = "") -> dict[int, list[Any]]:
    """The visible files of the (visible) ``parent`` objects, as rows grouped by parent id; ``via``: select
    them through another relation (the agenda items' files by the ids of their meetings)."""
    files = ctx.visible("files_of_shown").filter(**{f"{via or parent}__in": ids}).order_by("pk")
    files = files.annotate(**db_values(*ROW_VALUES))
    key = attrgetter(f"{parent}_id")
    return _grouped((key(row), row) for row in files.values_list(*FILE_FIELDS, named=True))


# --- System and Body -----------------------------------------------------------------------------------


def system(
    ctx: Ctx, *, name: str, contact_email: str, contact_name: str, website: str, vendor: str, product: str
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": ctx.root("system"),
        "type": SCHEMA + "System",
        "oparlVersion": OPARL_VERSION,
        "body": ctx.root("body"),
    }
    _put(data, "name", name)
    _put(data, "contactEmail", contact_email)
    _put(data, "contactName", contact_name)
    _put(data, "website", website)
    _put(data, "vendor", vendor)
    _put(data, "product", product)
    return data


BODY_LISTS = (
    ("organization", "organization"),
    ("person", "person"),
    ("meeting", "meeting"),
    ("paper", "paper"),
    ("agendaItem", "agendaItem"),
    ("consultation", "consultation"),
    ("file", "file"),
    ("membership", "membership"),
    ("locationList", "location"),
    ("legislativeTermList", "legislativeTerm"),
)


def prepare_bodies(bodies: QuerySet[Body]) -> QuerySet[Body]:
    # the terms are public whenever they are not deleted (Visibility.terms), for every town alike
    return bodies.prefetch_related(Prefetch("terms", queryset=LegislativeTerm.objects.filter(deleted=False)))


def body(ctx: Ctx, town: Body) -> dict[str, Any]:
    own = Ctx(ctx.request, town, ctx.omit_internal)
    data: dict[str, Any] = {"id": own.body_url(town), "type": SCHEMA + "Body", "system": ctx.root("system")}
    _put(data, "name", town.name)
    _put(data, "shortName", town.short_name)
    _put(data, "website", town.website)
    _put(data, "license", town.license)
    _put(data, "licenseValidSince", iso(town.license_valid_since))
    _put(data, "oparlSince", iso(town.oparl_since))
    _put(data, "contactEmail", town.contact_email)
    _put(data, "contactName", town.contact_name)
    _put(data, "classification", town.classification)
    for key, kind in BODY_LISTS:
        data[key] = own.url(kind)
    # obligatory in Body (an empty list rather than none); omit_internal need not leave it out (chapter
    # 2.5: "müssen nicht ausgegeben werden"), and the schema requires it
    data["legislativeTerm"] = [term(own, item, embedded=True) for item in town.terms.all()]
    return _tail(data, town, own.web("town", slug=town.slug))


def prepare_terms(terms: QuerySet[LegislativeTerm], ctx: Ctx) -> QuerySet[LegislativeTerm]:
    return terms


def term(ctx: Ctx, item: LegislativeTerm, embedded: bool = False) -> dict[str, Any]:
    data = _head(ctx, "legislativeTerm", "LegislativeTerm", item.pk)
    if not embedded:
        data["body"] = ctx.own_body_url
    _put(data, "name", item.name)
    _put(data, "startDate", iso_date(item.start_date))
    _put(data, "endDate", iso_date(item.end_date))
    return _tail(data, item)


# --- Location, Organization, Person, Membership ------------------------------------------------------


def prepare_locations(locations: QuerySet[Location], ctx: Ctx) -> QuerySet[Location]:
    return locations


def location(ctx: Ctx, place: Location) -> dict[str, Any]:
    data = _head(ctx, "location", "Location", place.pk)
    _put(data, "description", place.description)
    if isinstance(place.geojson, dict) and place.geojson:
        data["geojson"] = place.geojson
    _put(data, "streetAddress", place.street_address)
    _put(data, "room", place.room)
    _put(data, "postalCode", place.postal_code)
    _put(data, "subLocality", place.sub_locality)
    _put(data, "locality", place.locality)
    return _tail(data, place)


def _visible_location(ctx: Ctx, place: Location | None) -> dict[str, Any] | None:
    """An embedded location: the object was read through ``select_related``; a deleted one is left out."""
    if place is None or place.deleted:
        return None
    return location(ctx, place)


def prepare_organizations(organizations: QuerySet[Organization], ctx: Ctx) -> QuerySet[Organization]:
    memberships = ctx.visible("memberships").only("pk", "organization_id").order_by("pk")
    return organizations.select_related("location", "sub_organization_of").prefetch_related(
        Prefetch("memberships", queryset=memberships, to_attr="oparl_memberships")
    )


def organization(ctx: Ctx, org: Organization) -> dict[str, Any]:
    data = _head(ctx, "organization", "Organization", org.pk)
    data["body"] = ctx.own_body_url
    _put(data, "name", org.name)
    _put(data, "membership", _urls(ctx, "membership", (m.pk for m in org.oparl_memberships)))  # type: ignore[attr-defined]
    data["meeting"] = ctx.url("organization", org.pk) + "/meeting"  # external lists of this organization
    data["consultation"] = ctx.url("organization", org.pk) + "/consultation"
    _put(data, "shortName", org.short_name)
    _put(data, "post", [str(post) for post in org.post] if isinstance(org.post, list) else None)
    parent = org.sub_organization_of
    if parent is not None and not parent.deleted:
        data["subOrganizationOf"] = ctx.url("organization", parent.pk)
    _put(data, "organizationType", org.organization_type)
    _put(data, "classification", org.classification)
    _put(data, "startDate", iso_date(org.start_date))
    _put(data, "endDate", iso_date(org.end_date))
    _put(data, "website", org.website)
    _put(data, "location", _visible_location(ctx, org.location))
    return _tail(data, org, ctx.web_of("organization", "organization_id", org.pk))


def prepare_memberships(memberships: QuerySet[Membership], ctx: Ctx) -> QuerySet[Membership]:
    return memberships.select_related("on_behalf_of")


def membership(ctx: Ctx, item: Membership, embedded: bool = False) -> dict[str, Any]:
    data = _head(ctx, "membership", "Membership", item.pk)
    if not embedded:
        data["person"] = ctx.url("person", item.person_id)
    data["organization"] = ctx.url("organization", item.organization_id)
    _put(data, "role", item.role)
    data["votingRight"] = item.voting_right
    _put(data, "startDate", iso_date(item.start_date))
    _put(data, "endDate", iso_date(item.end_date))
    group = item.on_behalf_of
    if group is not None and not group.deleted:
        data["onBehalfOf"] = ctx.url("organization", group.pk)
    return _tail(data, item)


def prepare_persons(persons: QuerySet[Person], ctx: Ctx) -> QuerySet[Person]:
    memberships = ctx.visible("memberships").select_related("on_behalf_of").order_by("start_date", "pk")
    return persons.prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="oparl_memberships"))


def person(ctx: Ctx, someone: Person) -> dict[str, Any]:
    data = _head(ctx, "person", "Person", someone.pk)
    data["body"] = ctx.own_body_url
    _put(data, "name", someone.name)
    _put(data, "familyName", someone.family_name)
    _put(data, "givenName", someone.given_name)
    _put(data, "formOfAddress", someone.form_of_address)
    _put(data, "affix", someone.affix)
    _put(data, "title", [someone.title] if someone.title else None)
    _put(data, "gender", someone.gender)
    if someone.contact_public:  # only with the person's consent (chapter 1.6)
        _put(data, "phone", [someone.phone] if someone.phone else None)
        _put(data, "email", [someone.email] if someone.email else None)
    _put(data, "status", [str(s) for s in someone.status] if isinstance(someone.status, list) else None)
    if not ctx.omit_internal:
        items = someone.oparl_memberships  # type: ignore[attr-defined]
        _put(data, "membership", [membership(ctx, item, embedded=True) for item in items])
    return _tail(data, someone, ctx.web_of("person", "person_id", someone.pk))


# --- Files --------------------------------------------------------------------------------------------


def file(ctx: Ctx, doc: File, embedded: bool = False) -> dict[str, Any]:
    data = _head(ctx, "file", "File", doc.pk)
    _put(data, "name", doc.name)
    _put(data, "fileName", doc.file_name)
    _put(data, "mimeType", doc.mime_type)
    _put(data, "date", iso_date(doc.date))
    data["size"] = doc.size
    _put(data, "sha512Checksum", doc.sha512)
    if not embedded:  # the text can be long: with the file itself and in the file list, not in every paper
        _put(data, "text", doc.text)
    url = data["id"]
    data["accessUrl"] = url + "/access"
    data["downloadUrl"] = url + "/download"
    _put(data, "fileLicense", doc.license)
    if not embedded:
        if doc.paper_id:
            data["paper"] = [ctx.url("paper", doc.paper_id)]
        elif doc.meeting_id:
            data["meeting"] = [ctx.url("meeting", doc.meeting_id)]
        elif doc.agenda_item_id:
            data["agendaItem"] = [ctx.url("agendaItem", doc.agenda_item_id)]
    return _tail(data, doc)


def prepare_files(files: QuerySet[File], ctx: Ctx) -> QuerySet[File]:
    return files


# --- Meeting and AgendaItem ------------------------------------------------------------------------------

ITEM_FIELDS = (
    *("pk", "meeting_id", "number", "name", "public", "result", "resolution_text", "votes_yes", "votes_no"),
    *("votes_abstain", "start_db", "end_db", "keyword_db", "created_db", "modified_db", "oparl_consultation"),
)


def _with_consultation(items: QuerySet[AgendaItem], ctx: Ctx) -> QuerySet[AgendaItem]:
    """The id of the item's (first) consultation. The items are visible, so the paper rule for such items
    alone applies."""
    first = ctx.visible("consultations_of_shown_items").filter(agenda_item=OuterRef("pk")).order_by("pk")
    return items.annotate(oparl_consultation=Subquery(first.values("pk")[:1]))


def prepare_meetings(meetings: QuerySet[Meeting], ctx: Ctx) -> list[Meeting]:
    events = list(meetings.select_related("location").annotate(**db_values("start", "end", *ROW_VALUES)))
    ids = [event.pk for event in events]
    if not ids:
        return events
    items = _with_consultation(ctx.visible("agenda_items").filter(meeting__in=ids).order_by("order"), ctx)
    items = items.annotate(**db_values("start", "end", *ROW_VALUES))
    items_of = _grouped((row.meeting_id, row) for row in items.values_list(*ITEM_FIELDS, named=True))
    present = ctx.visible("persons").filter(attendances__status=AttendanceStatus.PRESENT).only("pk")
    attendances = Attendance.objects.filter(status=AttendanceStatus.PRESENT, person__in=present, meeting__in=ids)
    present_at = _grouped(attendances.values_list("meeting_id", "person_id"))
    organizations = _linked(ctx.visible("organizations"), "meetings", ids)
    files = _files_of(ctx, "meeting", ids)
    item_files = _files_of(ctx, "agenda_item", ids, via="agenda_item__meeting")
    for event in events:
        event.oparl_organizations = organizations.get(event.pk, [])  # type: ignore[attr-defined]
        event.oparl_present = present_at.get(event.pk, [])  # type: ignore[attr-defined]
        event.oparl_files = files.get(event.pk, [])  # type: ignore[attr-defined]
        event.oparl_items = [(row, item_files.get(row.pk, [])) for row in items_of.get(event.pk, [])]  # type: ignore[attr-defined]
    return events


MEETING_FILE_ROLES = {
    FileRole.INVITATION: "invitation",
    FileRole.RESULTS_PROTOCOL: "resultsProtocol",
    FileRole.VERBATIM_PROTOCOL: "verbatimProtocol",
}


def meeting(ctx: Ctx, event: Meeting) -> dict[str, Any]:
    e: Any = event
    data = _head(ctx, "meeting", "Meeting", event.pk)
    _put(data, "name", event.name)
    _put(data, "meetingState", event.state)
    data["cancelled"] = event.cancelled
    _put(data, "start", iso(row_value(event, "start")))
    _put(data, "end", iso(row_value(event, "end")))
    _put(data, "location", _visible_location(ctx, event.location))
    _put(data, "organization", _urls(ctx, "organization", e.oparl_organizations))
    if ctx.vis.results_visible(event):  # who attended is part of the published minutes
        _put(data, "participant", _urls(ctx, "person", e.oparl_present))
    auxiliary = []
    for doc in e.oparl_files:
        key = MEETING_FILE_ROLES.get(doc.role)
        if key is not None and key not in data:
            data[key] = file(ctx, doc, embedded=True)
        else:
            auxiliary.append(doc)
    if not ctx.omit_internal:
        _put(data, "auxiliaryFile", [file(ctx, doc, embedded=True) for doc in auxiliary])
        items = e.oparl_items
        results = ctx.vis.results_visible(event)  # once for all its items
        _put(
            data,
            "agendaItem",
            [agenda_item(ctx, item, docs, n, event, results) for n, (item, docs) in enumerate(items)],
        )
    return _tail(data, event, ctx.web_of("meeting", "meeting_id", event.pk))


def prepare_agenda_items(items: QuerySet[AgendaItem], ctx: Ctx) -> list[AgendaItem]:
    # the position among the public items of the meeting (OParl's ``order`` counts from 0 without gaps,
    # so that it does not betray where non-public items are)
    before = (
        ctx.visible("agenda_items")
        .filter(meeting=OuterRef("meeting"), order__lt=OuterRef("order"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    positioned = items.select_related("meeting").annotate(
        oparl_position=Coalesce(Subquery(before, output_field=IntegerField()), Value(0))
    )
    found = list(_with_consultation(positioned, ctx))
    files = _files_of(ctx, "agenda_item", [item.pk for item in found]) if found else {}
    for item in found:
        item.oparl_files = files.get(item.pk, [])  # type: ignore[attr-defined]
    return found


def agenda_item_alone(ctx: Ctx, item: AgendaItem) -> dict[str, Any]:
    return agenda_item(ctx, item, item.oparl_files)  # type: ignore[attr-defined]


def agenda_item(
    ctx: Ctx,
    item: Any,
    files: list[Any],
    position: int | None = None,
    parent: Meeting | None = None,
    results: bool | None = None,
) -> dict[str, Any]:
    """An agenda item (a model object, or a row of ``ITEM_FIELDS`` embedded in its ``parent`` meeting, with
    ``results``: whether this reader sees the meeting's results, as the caller found once for all items)."""
    data = _head(ctx, "agendaItem", "AgendaItem", item.pk)
    if parent is None:
        data["meeting"] = ctx.url("meeting", item.meeting_id)
        position = item.oparl_position
    _put(data, "number", item.number)
    data["order"] = position
    _put(data, "name", item.name)
    data["public"] = item.public
    if item.oparl_consultation is not None:
        data["consultation"] = ctx.url("consultation", item.oparl_consultation)
    if results if results is not None else ctx.vis.results_visible(parent or item.meeting):
        _put(data, "result", item.result)  # the values are the German words
        _put(data, "resolutionText", item.resolution_text)
        resolution = next((doc for doc in files if doc.role == FileRole.RESOLUTION), None)
        if resolution is not None:
            data["resolutionFile"] = file(ctx, resolution, embedded=True)
        if item.votes_yes is not None or item.votes_no is not None or item.votes_abstain is not None:
            data["kitu:votes"] = {"yes": item.votes_yes, "no": item.votes_no, "abstain": item.votes_abstain}
    if not ctx.omit_internal:
        auxiliary = [doc for doc in files if doc.role != FileRole.RESOLUTION]
        _put(data, "auxiliaryFile", [file(ctx, doc, embedded=True) for doc in auxiliary])
    _put(data, "start", iso(row_value(item, "start")))
    _put(data, "end", iso(row_value(item, "end")))
    return _tail(data, item)


# --- Paper and Consultation ----------------------------------------------------------------------------

LOCATION_FIELDS = (
    *("pk", "description", "geojson", "street_address", "room", "postal_code", "sub_locality", "locality"),
    *("keyword_db", "created_db", "modified_db"),
)
CONSULTATION_FIELDS = (
    *("pk", "paper_id", "agenda_item_id", "oparl_meeting", "authoritative", "role", "keyword_db", "created_db"),
    "modified_db",
)


def prepare_papers(papers: QuerySet[Paper], ctx: Ctx) -> list[Paper]:
    docs = list(papers.annotate(**db_values(*ROW_VALUES)))
    ids = [doc.pk for doc in docs]
    if not ids:
        return docs
    visible_papers, organizations = ctx.visible("papers"), ctx.visible("organizations")
    related = _linked(visible_papers, "related_papers", ids)
    superordinated = _linked(visible_papers, "subordinated_papers", ids)
    subordinated = _linked(visible_papers, "superordinated_papers", ids)
    persons = _linked(ctx.visible("persons"), "originated_papers", ids)
    originators = _linked(organizations, "originated_papers", ids)
    direction = _linked(organizations, "directed_papers", ids)
    places = ctx.visible("locations").filter(papers__in=ids).order_by("pk").annotate(**db_values(*ROW_VALUES))
    locations = _grouped((row.papers, row) for row in places.values_list("papers", *LOCATION_FIELDS, named=True))
    # the papers are visible: only the agenda-item rule applies to their consultations
    rows = (
        ctx.visible("consultations_of_shown_papers")
        .filter(paper__in=ids)
        .annotate(oparl_meeting=F("agenda_item__meeting"), **db_values(*ROW_VALUES))
        .order_by("order", "pk")
        .values_list(*CONSULTATION_FIELDS, named=True)
    )
    consultations = _grouped((row.paper_id, row) for row in rows)
    consulted_by = _linked(organizations, "consultations", [row.pk for rows in consultations.values() for row in rows])
    files = _files_of(ctx, "paper", ids)
    for doc in docs:
        p: Any = doc
        p.oparl_related = related.get(doc.pk, [])
        p.oparl_superordinated = superordinated.get(doc.pk, [])
        p.oparl_subordinated = subordinated.get(doc.pk, [])
        p.oparl_persons = persons.get(doc.pk, [])
        p.oparl_originators = originators.get(doc.pk, [])
        p.oparl_direction = direction.get(doc.pk, [])
        p.oparl_locations = locations.get(doc.pk, [])
        p.oparl_files = files.get(doc.pk, [])
        p.oparl_consultations = [(row, consulted_by.get(row.pk, [])) for row in consultations.get(doc.pk, [])]
    return docs


def paper(ctx: Ctx, doc: Paper) -> dict[str, Any]:
    p: Any = doc
    data = _head(ctx, "paper", "Paper", doc.pk)
    data["body"] = ctx.own_body_url
    _put(data, "name", doc.name)
    _put(data, "reference", doc.reference)
    _put(data, "date", iso_date(doc.date))
    _put(data, "paperType", doc.paper_type)
    _put(data, "relatedPaper", _urls(ctx, "paper", p.oparl_related))
    _put(data, "superordinatedPaper", _urls(ctx, "paper", p.oparl_superordinated))
    _put(data, "subordinatedPaper", _urls(ctx, "paper", p.oparl_subordinated))
    files = p.oparl_files
    main = next((f for f in files if f.role == FileRole.MAIN), None)
    if main is not None:
        data["mainFile"] = file(ctx, main, embedded=True)
    if not ctx.omit_internal:
        _put(data, "auxiliaryFile", [file(ctx, f, embedded=True) for f in files if f is not main])
        _put(data, "location", [location(ctx, place) for place in p.oparl_locations])
    _put(data, "originatorPerson", _urls(ctx, "person", p.oparl_persons))
    _put(data, "underDirectionOf", _urls(ctx, "organization", p.oparl_direction))
    _put(data, "originatorOrganization", _urls(ctx, "organization", p.oparl_originators))
    embedded = [consultation(ctx, item, bodies, embedded=True) for item, bodies in p.oparl_consultations]
    _put(data, "consultation", embedded)
    return _tail(data, doc, ctx.web_of("paper", "paper_id", doc.pk))


def prepare_consultations(consultations: QuerySet[Consultation], ctx: Ctx) -> list[Consultation]:
    found: list[Consultation] = list(consultations.annotate(oparl_meeting=F("agenda_item__meeting")))
    organizations = _linked(ctx.visible("organizations"), "consultations", [item.pk for item in found])
    for item in found:
        item.oparl_organizations = organizations.get(item.pk, [])  # type: ignore[attr-defined]
    return found


def consultation_alone(ctx: Ctx, item: Consultation) -> dict[str, Any]:
    return consultation(ctx, item, item.oparl_organizations)  # type: ignore[attr-defined]


def consultation(ctx: Ctx, item: Any, organizations: list[int], embedded: bool = False) -> dict[str, Any]:
    """A consultation (a model object or a row of ``CONSULTATION_FIELDS``, both with ``oparl_meeting``)."""
    data = _head(ctx, "consultation", "Consultation", item.pk)
    if not embedded:
        data["paper"] = ctx.url("paper", item.paper_id)
    if item.agenda_item_id is not None:  # a visible consultation is on no item or on a visible one
        data["agendaItem"] = ctx.url("agendaItem", item.agenda_item_id)
        data["meeting"] = ctx.url("meeting", item.oparl_meeting)
    _put(data, "organization", _urls(ctx, "organization", organizations))
    data["authoritative"] = item.authoritative
    _put(data, "role", item.role)
    return _tail(data, item)
