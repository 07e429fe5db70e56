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

from django.db import connection
from django.db.models import BooleanField, FloatField, Func, Q, QuerySet, Value

from .models import Paper
from .visibility import Visibility

MAX_QUERY = 200  # characters of a query that are used; the rest is dropped
MAX_WORDS = 12  # words of a query on SQLite (each one a LIKE)

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


def search_papers(visibility: Visibility, raw_query: object) -> QuerySet[Paper]:
    """The papers this reader may see that match the query, best first (newest first without a query)."""
    papers = visibility.papers()
    q = clean_query(raw_query)
    if not q:
        return papers.order_by("-date", "-reference")
    if connection.vendor == "postgresql":
        return (
            papers.filter(matches(q))
            .annotate(rank=Func(_vector(), _tsquery(q), function="ts_rank", output_field=FloatField()))
            .order_by("-rank", "-date", "-reference")
        )
    for word in q.split()[:MAX_WORDS]:
        # SQLite folds the case of ASCII letters only: the usual spellings of umlaut words are tried too.
        spellings = {word.lower(), word.capitalize(), word.upper()}
        match = Q(search_text__icontains=word)
        for spelling in spellings:
            match |= Q(search_text__contains=spelling)
        papers = papers.filter(match)
    return papers.order_by("-date", "-reference")
