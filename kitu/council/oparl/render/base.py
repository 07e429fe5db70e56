"""What every OParl renderer shares: the request's context (``Ctx``: URLs of objects and web pages, the
public query sets), the common head and tail of an object, tombstones, and reading related ids and embedded
files in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from kitu.council.models import Body
from kitu.council.visibility import Visibility

from ..http import SCHEMA, iso
from ..rows import db_values, row_value

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


def put_value(data: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` unless there is nothing to say (no null, no empty string or list: chapter 2.4)."""
    if value is None or value == "" or value == []:
        return
    data[key] = value


def head_of(ctx: Ctx, kind: str, type_name: str, pk: int) -> dict[str, Any]:
    return {"id": ctx.url(kind, pk), "type": SCHEMA + type_name}


def tail_of(data: dict[str, Any], obj: Any, web: str | None = None) -> dict[str, Any]:
    keywords = row_value(obj, "keyword")
    if isinstance(keywords, list) and keywords:
        put_value(data, "keyword", [str(word) for word in keywords if isinstance(word, str | int | float)])
    if web:
        data["web"] = web
    data["created"] = iso(row_value(obj, "created"))
    data["modified"] = iso(row_value(obj, "modified"))
    return data


def tombstone(ctx: Ctx, kind: str, type_name: str, row: tuple[int, Any, Any]) -> dict[str, Any]:
    """A deleted or depublished object (chapter 2.8): id, type, created, modified and ``deleted``."""
    pk, created, modified = row
    return {**head_of(ctx, kind, type_name, pk), "created": iso(created), "modified": iso(modified), "deleted": True}


def urls_of(ctx: Ctx, kind: str, ids: Iterable[int]) -> list[str]:
    return [ctx.url(kind, pk) for pk in ids]


# A page of 100 papers or meetings embeds about a thousand files, agenda items and consultations. They are
# read as plain rows (``values_list(named=True)``), grouped by their parent in Python: a model object each
# cost more than the page's queries. The main objects of a page stay model objects.

T = TypeVar("T")


def group_pairs(pairs: Iterable[tuple[int, T]]) -> dict[int, list[T]]:
    grouped: dict[int, list[T]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def linked_ids(visible: QuerySet[Any], back: str, ids: Sequence[int]) -> dict[int, list[int]]:
    """For each of ``ids``: the ids of the ``visible`` objects related to it, where ``back`` names the
    relation from the visible side (one query, in id order)."""
    return group_pairs(visible.filter(**{f"{back}__in": ids}).order_by("pk").values_list(back, "pk"))


FILE_FIELDS = (
    *("pk", "paper_id", "meeting_id", "agenda_item_id", "role", "name", "file_name", "mime_type", "date", "size"),
    *("sha512", "license", "keyword_db", "created_db", "modified_db"),
)
ROW_VALUES = ("keyword", "created", "modified")  # what every embedded row reads through ``db_values``


def files_of(ctx: Ctx, parent: str, ids: Sequence[int], via: str = "") -> dict[int, list[Any]]:
    """The visible files of the (visible) ``parent`` objects, as rows grouped by parent id; ``via``: select
    them through another relation (the agenda items' files by the ids of their meetings)."""
    files = ctx.visible("files_of_shown").filter(**{f"{via or parent}__in": ids}).order_by("pk")
    files = files.annotate(**db_values(*ROW_VALUES))
    key = attrgetter(f"{parent}_id")
    return group_pairs((key(row), row) for row in files.values_list(*FILE_FIELDS, named=True))
