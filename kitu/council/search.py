"""Full-text search over a town's papers (reference, subject and the text of their files, kept in
``Paper.search_text``), always within what the reader may see (``Visibility.papers()``).

PostgreSQL: ``search_vector @@ websearch_to_tsquery('german', q)`` ranked with ``ts_rank``, where
``search_vector`` is the stored ``to_tsvector('german', search_text)`` of migration 0003 (a generated column
with its own GIN index, not a model field): ranking from the stored vector costs milliseconds, computing it
from the text at query time cost seconds for a broad query on 10,000 papers.
SQLite: every word of the query must occur in the text (case-insensitive substring).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, FloatField, Func, Q, QuerySet, Value

from .models import File, Paper
from .visibility import Visibility

# The search text a paper keeps: reference, subject and the text of its files, at most this many
# characters (PostgreSQL's tsvector holds at most 1 MB; the text of one file is limited in files.py).
SEARCH_TEXT_MAX = 300_000
MAX_QUERY = 200  # characters of a query that are used; the rest is dropped
MAX_WORDS = 12  # words of a query on SQLite (each one a LIKE)
MAX_RANKED = 1000  # matches ranked best first; beyond, newest first (and the count stops there)

# The stored vector of migration 0003 (PostgreSQL only), and the query with the configuration as a constant.
# The search runs on the paper table itself (never as a subquery of another table), so the name is fixed.
_VECTOR = '"council_paper"."search_vector"'
_QUERY = "websearch_to_tsquery('german'::regconfig, %(expressions)s)"


def clean_query(raw: object) -> str:
    """The query as searched: text only, no control characters (NUL breaks PostgreSQL), spaces collapsed,
    at most MAX_QUERY characters. Anything else becomes an empty query."""
    if not isinstance(raw, str):
        return ""
    kept = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in raw[: MAX_QUERY * 4])
    return " ".join(kept.split())[:MAX_QUERY].strip()


def _vector() -> Func:
    return Func(template=_VECTOR, output_field=FloatField())


def _tsquery(q: str) -> Func:
    return Func(Value(q), template=_QUERY, output_field=FloatField())


class _Matches(Func):
    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()


def matches(q: str) -> _Matches:
    """The PostgreSQL condition "the paper's text matches ``q``", on the stored, indexed vector."""
    return _Matches(_vector(), _tsquery(q))


@dataclass(frozen=True)
class SearchResult:
    papers: QuerySet[Paper]
    total: int  # the number of matches, counted up to MAX_RANKED + 1 when there is a query
    ranked: bool  # best first (else newest first)

    @property
    def capped(self) -> bool:
        return self.total > MAX_RANKED


def _matching(visibility: Visibility, q: str) -> QuerySet[Paper]:
    papers = visibility.papers()
    if connection.vendor == "postgresql":
        return papers.filter(matches(q))
    for word in q.split()[:MAX_WORDS]:
        # SQLite folds the case of ASCII letters only: the usual spellings of umlaut words are tried too.
        spellings = {word.lower(), word.capitalize(), word.upper()}
        match = Q(search_text__icontains=word)
        for spelling in spellings:
            match |= Q(search_text__contains=spelling)
        papers = papers.filter(match)
    return papers


def search(visibility: Visibility, raw_query: object) -> SearchResult:
    """The papers this reader may see that match the query. Up to MAX_RANKED matches come best first
    (PostgreSQL ranks them); more (a word in most papers) come newest first, and are counted only up to
    MAX_RANKED + 1 — ranking and counting thousands of long texts would take the page seconds."""
    q = clean_query(raw_query)
    newest = ("-date", "-reference")
    if not q:
        papers = visibility.papers().order_by(*newest)
        return SearchResult(papers, papers.count(), ranked=False)
    found = _matching(visibility, q)
    total = found.order_by()[: MAX_RANKED + 1].count()
    if total > MAX_RANKED or connection.vendor != "postgresql":
        return SearchResult(found.order_by(*newest), total, ranked=False)
    rank = Func(_vector(), _tsquery(q), function="ts_rank", output_field=FloatField())
    return SearchResult(found.annotate(rank=rank).order_by("-rank", *newest), total, ranked=True)


def search_papers(visibility: Visibility, raw_query: object) -> QuerySet[Paper]:
    """The papers of :func:`search`, in its order."""
    return search(visibility, raw_query).papers


def refresh_search_text(paper: Paper) -> None:
    """Rebuild ``paper.search_text`` from its reference, subject and the text of its files that are not
    deleted (called by the services whenever one of them changes)."""
    texts = File.objects.filter(paper=paper, deleted=False).order_by("pk").values_list("text", flat=True)
    parts = [paper.reference, paper.name, *(text for text in texts if text)]
    paper.search_text = "\n".join(parts)[:SEARCH_TEXT_MAX]
    paper.save(update_fields=["search_text", "modified"])
