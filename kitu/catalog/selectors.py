"""Catalog reads: which articles a user may see, and the search over them.

One selector, two engines: PostgreSQL full-text search (german configuration, GIN index, pg_trgm for
typos) and SQLite FTS5 over stemmed words (snowball German, the same stemmer at import and query)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL

from kitu.accounts.roles import Role
from kitu.accounts.selectors import organisation_ids
from kitu.contracts.models import ContractState
from kitu.contracts.policies import can_manage_contracts
from kitu.contracts.selectors import visible_contracts
from kitu.core.errors import NotFound

from .models import Article, CatalogImport
from .text import stem, words

SORTS = ("relevance", "price_asc", "price_desc")
MAX_COMPARE = 4


def orderable_contract_ids(user: Any, day: dt.date | None = None) -> list[int]:
    """Contracts whose articles ``user`` sees: all for contract managers, the own ones for suppliers,
    for members the active contracts (published, in term, not exhausted) they are eligible for."""
    day = day or dt.date.today()
    contracts = visible_contracts(user)
    if can_manage_contracts(user):
        return list(contracts.values_list("pk", flat=True))
    supplier_orgs = organisation_ids(user, roles=(Role.SUPPLIER_USER,))
    ids = []
    for contract in contracts:
        own = any(s.organisation_id in supplier_orgs for s in contract.suppliers.all())
        if own or contract.state_on(day) == ContractState.ACTIVE:
            ids.append(contract.pk)
    return ids


def visible_articles(user: Any) -> QuerySet[Article]:
    """Contract managers see every article; suppliers also their own inactive ones; members active ones."""
    if can_manage_contracts(user):
        return Article.objects.all()
    supplier_orgs = organisation_ids(user, roles=(Role.SUPPLIER_USER,))
    qs = Article.objects.filter(contract_id__in=orderable_contract_ids(user))
    if not supplier_orgs:
        return qs.filter(is_active=True)
    return qs.filter(Q(is_active=True) | Q(supplier__organisation_id__in=supplier_orgs))


def article_for(user: Any, article_id: int) -> Article:
    article = (
        visible_articles(user)
        .select_related("contract", "lot", "supplier__organisation")
        .prefetch_related("scale_prices")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise NotFound("Article not found")
    return article


@dataclass
class Facet:
    value: str
    label: str
    count: int


@dataclass
class SearchResult:
    page: Page[Article]
    total: int
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    typo_tolerant: bool = False


def _chunks(q: str) -> list[list[str]]:
    """The query's whitespace-separated parts, each as its words: "NB-2 Lenovo" → [["NB", "2"], ["Lenovo"]].
    A part of several words (an article number) must match as a phrase."""
    return [parts for chunk in q.split() if (parts := words(chunk))]


def _fts_match(q: str) -> str:
    """FTS5 query: every part required, stemmed, its last word as a prefix."""
    return " AND ".join('"' + " ".join(stem(w) for w in parts) + '"*' for parts in _chunks(q))


def _pg_query(q: str) -> SearchQuery | None:
    chunks = [[w.lower() for w in parts] for parts in _chunks(q)]
    if not chunks:
        return None
    raw = " & ".join("(" + " <-> ".join([*parts[:-1], parts[-1] + ":*"]) + ")" for parts in chunks)
    return SearchQuery(raw, config="german", search_type="raw") | SearchQuery(raw, config="simple", search_type="raw")


def _text_filter(qs: QuerySet[Article], q: str) -> tuple[QuerySet[Article], bool, dict[int, int] | None]:
    """Articles matching ``q``. PostgreSQL annotates ``rank`` (higher is better); SQLite returns the
    position of each matching id in FTS5's bm25 order instead (sorting there is cheaper than in SQL)."""
    if connection.vendor == "postgresql":
        query = _pg_query(q)
        if query is None:
            return qs.none(), False, None
        found = qs.filter(search_vector=query)
        if found.exists():
            return found.annotate(rank=SearchRank(F("search_vector"), query)), False, None
        # nothing found: tolerate typos by trigram similarity of the description
        # (the <% operator uses the trigram GIN index; word_similarity then only orders the few hits)
        similar = qs.filter(description_short__trigram_word_similar=q).annotate(
            rank=TrigramWordSimilarity(q, "description_short")
        )
        return similar, True, None
    match = _fts_match(q)
    if not match:
        return qs.none(), False, {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM catalog_article_fts WHERE catalog_article_fts MATCH %s ORDER BY rank", [match]
        )
        positions = {row[0]: i for i, row in enumerate(cursor.fetchall())}
    # the match expression is a bound parameter, never formatted into the SQL
    ids = RawSQL("SELECT rowid FROM catalog_article_fts WHERE catalog_article_fts MATCH %s", [match])
    return qs.filter(pk__in=ids), False, positions


def search_articles(
    user: Any,
    *,
    q: str = "",
    contract: int | None = None,
    supplier: int | None = None,
    eclass: str = "",
    manufacturer: str = "",
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    facets: bool = True,
) -> SearchResult:
    qs = visible_articles(user).filter(is_active=True)
    typo = False
    positions: dict[int, int] | None = None
    if q.strip():
        qs, typo, positions = _text_filter(qs, q)
    if contract:
        qs = qs.filter(contract_id=contract)
    if supplier:
        qs = qs.filter(supplier_id=supplier)
    if eclass:
        qs = qs.filter(eclass_group=eclass)
    if manufacturer:
        qs = qs.filter(manufacturer_name=manufacturer)
    if price_min is not None:
        qs = qs.filter(price__gte=price_min)
    if price_max is not None:
        qs = qs.filter(price__lte=price_max)
    if sort == "price_asc":
        qs = qs.order_by(F("price").asc(nulls_last=True), "pk")
    elif sort == "price_desc":
        qs = qs.order_by(F("price").desc(nulls_last=True), "pk")
    elif q.strip() and positions is None:
        qs = qs.order_by("-rank", "price", "pk")
    else:
        qs = qs.order_by("description_short", "pk")
    qs = qs.select_related("contract", "supplier__organisation")
    if positions is not None and sort == "relevance":
        # SQLite relevance: order the matching ids by their FTS5 rank, then load only the page's articles
        ids = sorted(qs.values_list("pk", flat=True), key=positions.__getitem__)
        paginator: Paginator[Any] = Paginator(ids, per_page)
        result_page = paginator.get_page(page)
        loaded = qs.in_bulk(list(result_page.object_list))
        result_page.object_list = [loaded[pk] for pk in result_page.object_list]
    else:
        paginator = Paginator(qs, per_page)
        result_page = paginator.get_page(page)
    result = SearchResult(page=result_page, total=paginator.count, typo_tolerant=typo)
    if facets:
        base = qs.order_by()
        result.facets = {
            "supplier": [
                Facet(str(r["supplier_id"]), r["supplier__organisation__name"], r["n"])
                for r in base.values("supplier_id", "supplier__organisation__name")
                .annotate(n=Count("id"))
                .order_by("-n")[:10]
            ],
            "manufacturer": [
                Facet(r["manufacturer_name"], r["manufacturer_name"], r["n"])
                for r in base.exclude(manufacturer_name="")
                .values("manufacturer_name")
                .annotate(n=Count("id"))
                .order_by("-n", "manufacturer_name")[:10]
            ],
            "eclass": [
                Facet(r["eclass_group"], r["eclass_group"], r["n"])
                for r in base.exclude(eclass_group="")
                .values("eclass_group")
                .annotate(n=Count("id"))
                .order_by("-n", "eclass_group")[:10]
            ],
            "contract": [
                Facet(str(r["contract_id"]), f"{r['contract__number']} {r['contract__title']}", r["n"])
                for r in base.values("contract_id", "contract__number", "contract__title")
                .annotate(n=Count("id"))
                .order_by("contract__number")
            ],
        }
    return result


def articles_to_compare(user: Any, ids: list[int]) -> list[Article]:
    found = {
        a.pk: a
        for a in visible_articles(user)
        .filter(pk__in=ids[:MAX_COMPARE])
        .select_related("contract", "supplier__organisation")
        .prefetch_related("scale_prices")
    }
    return [found[i] for i in ids[:MAX_COMPARE] if i in found]


def imports_of(contract_id: int) -> QuerySet[CatalogImport]:
    return CatalogImport.objects.filter(contract_id=contract_id).select_related("started_by").order_by("-started_at")
