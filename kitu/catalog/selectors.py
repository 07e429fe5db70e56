"""Catalog reads: which articles a user may see, and the search over them.

One selector, two engines: PostgreSQL full-text search (german configuration, GIN index, pg_trgm for
typos) and SQLite FTS5 over stemmed words (snowball German, the same stemmer at import and query). On both,
synonym groups widen the query and unknown words are corrected when nothing is found (vocabulary.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, overload

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, Lookup, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower, StrIndex
from django.utils.translation import gettext as _

from kitu.accounts.roles import Role
from kitu.accounts.selectors import organisation_ids
from kitu.contracts.models import ContractState, Supplier
from kitu.contracts.policies import can_manage_contracts
from kitu.contracts.selectors import visible_contracts
from kitu.core import eclass as eclass_names
from kitu.core.errors import DomainError, NotFound
from kitu.core.money import format_eur
from kitu.core.rows import TaskRows
from kitu.core.schemas import MAX_ID

from . import tsquery, vocabulary
from .models import Article, ArticleSearch, CatalogImport, SynonymGroup
from .text import stem, words

SORTS = ("relevance", "price_asc", "price_desc")
BY_RANK = ("-rank", "price", "pk")  # relevance order wherever a query annotates ``rank``
MAX_COMPARE = 4
# Hostile input is bounded here, in the one place every page and API call passes through:
MAX_QUERY = 200  # characters of a query that are searched (the rest is cut off)
MAX_PAGE = 1_000_000  # a later page shows the last one; keeps OFFSET far inside bigint
MAX_PER_PAGE = 100
# A broad query ("Notebook" in a catalog of a million articles) is counted and ranked up to this many
# matches: the count then says "mehr als 1.000", relevance orders the first 1,000 matches the index
# finds, and facets count those. Price orders stay exact (the database finds their first page itself).
MAX_COUNT = 1_000
PRICE_LIMIT = Decimal("9999999999.99")  # the largest price the columns hold: numeric(12, 2)
CENT = Decimal("0.01")


def orderable_contract_ids(user: Any, day: dt.date | None = None) -> list[int]:
    """Contracts whose articles ``user`` sees: all for contract managers, the own ones for suppliers,
    for members the active contracts (published, in term, not exhausted) they are eligible for."""
    day = day or dt.date.today()
    contracts = visible_contracts(user)
    if can_manage_contracts(user):
        return list(contracts.values_list("pk", flat=True))
    supplier_orgs = organisation_ids(user, roles=(Role.SUPPLIER_USER,))
    # what the loop reads: the limits (state_on), the suppliers only where the user is one
    contracts = contracts.prefetch_related(None).prefetch_related("limits", *(["suppliers"] if supplier_orgs else []))
    ids = []
    for contract in contracts:
        own = bool(supplier_orgs) and any(s.organisation_id in supplier_orgs for s in contract.suppliers.all())
        if own or contract.state_on(day) == ContractState.ACTIVE:
            ids.append(contract.pk)
    return ids


def visible_articles(user: Any, contract_ids: list[int] | None = None) -> QuerySet[Article]:
    """Contract managers see every article; suppliers also their own inactive ones; members active ones.
    ``contract_ids``: the user's orderable contracts, where the caller has them already."""
    if can_manage_contracts(user):
        return Article.objects.all()
    supplier_orgs = organisation_ids(user, roles=(Role.SUPPLIER_USER,))
    qs = Article.objects.filter(contract_id__in=orderable_contract_ids(user) if contract_ids is None else contract_ids)
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
    total: int  # matches, at most MAX_COUNT
    capped: bool = False  # more than ``total`` articles match (the count stopped at MAX_COUNT)
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    typo_tolerant: bool = False
    suggestion: str = ""  # the corrected query whose articles these are ("Meinten Sie …?")


def _chunks(q: str) -> list[list[str]]:
    """The query's whitespace-separated parts, each as its words: "NB-2 Lenovo" → [["NB", "2"], ["Lenovo"]].
    A part of several words (an article number) must match as a phrase."""
    return [parts for chunk in q.split() if (parts := words(chunk))]


Synonyms = tsquery.Synonyms


def _fts_match(q: str, synonyms: Synonyms | None = None) -> str:
    """FTS5 query: every part required, stemmed, its last word as a prefix; a one-word part in a synonym
    group matches any word of the group."""
    synonyms = synonyms or {}

    def part(parts: list[str]) -> str:
        if len(parts) == 1 and parts[0].lower() in synonyms:
            alternatives = dict.fromkeys(stem(w) for w in synonyms[parts[0].lower()])
            return "(" + " OR ".join(f'"{a}"*' for a in alternatives) + ")"
        return '"' + " ".join(stem(w) for w in parts) + '"*'

    return " AND ".join(part(parts) for parts in _chunks(q))


def _pg_query(q: str, synonyms: Synonyms | None = None) -> SearchQuery | None:
    """The tsquery for ``q`` (kitu.catalog.tsquery); None where ``q`` has no word. Where no reading has a
    lexeme ("²"), it matches nothing."""
    chunks = [[w.lower() for w in parts] for parts in _chunks(q)]
    return tsquery.search_query(chunks, synonyms or {}) if chunks else None


def _fts_ids(q: str, synonyms: Synonyms) -> tuple[RawSQL, dict[int, int]] | None:
    """SQLite: the ids matching ``q`` (a subquery) and each id's position in FTS5's bm25 order (sorting
    in Python is cheaper there than a correlated bm25 subquery)."""
    match = _fts_match(q, synonyms)
    if not match:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM catalog_article_fts WHERE catalog_article_fts MATCH %s ORDER BY rank", [match]
        )
        positions = {row[0]: i for i, row in enumerate(cursor.fetchall())}
    # the match expression is a bound parameter, never formatted into the SQL
    return RawSQL("SELECT rowid FROM catalog_article_fts WHERE catalog_article_fts MATCH %s", [match]), positions


def _infix(qs: QuerySet[Article], q: str, synonyms: Synonyms | None = None) -> QuerySet[Article]:
    """Every word of ``q`` (or one of its synonyms) inside the description: German compounds ("Drucker" in
    "Multifunktionsdrucker") that full-text search, matching word starts, cannot find. PostgreSQL
    answers ILIKE from the trigram index."""
    terms = words(q)
    if not terms:
        return qs.none()
    synonyms = synonyms or {}
    for term in terms:
        condition = Q()
        for alternative in synonyms.get(term.lower(), [term]):
            condition |= Q(_ILike(F("description_short"), "%" + alternative.replace("_", "\\_") + "%"))
        qs = qs.filter(condition)
    # earlier in the description ranks higher (and the ordering needs the trigram index, not the price index)
    return qs.annotate(rank=-StrIndex(Lower("description_short"), Value(terms[0].lower())))


class _ILike(Lookup):
    """Case-insensitive LIKE that PostgreSQL's trigram index answers (Django's icontains compares
    UPPER() values, which no index serves). SQLite's LIKE is case-insensitive already."""

    lookup_name = "ilike"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        return f"{lhs} {operator} {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


def _similar(qs: QuerySet[Article], q: str) -> QuerySet[Article]:
    """PostgreSQL typo tolerance: trigram word similarity of the description (the <% operator uses the
    trigram GIN index; word_similarity then only orders the few hits)."""
    return qs.filter(description_short__trigram_word_similar=q).annotate(
        rank=TrigramWordSimilarity(q, "description_short")
    )


class _PageIds(Sequence[int]):
    """The ids of one page of an ordered query with the number of matches, counted up to MAX_COUNT
    (``capped`` where there are more). Django's Paginator takes it as its object list.
    PostgreSQL, by relevance: one query ranks at most MAX_COUNT + 1 matches and counts them in the same
    pass (``count(*) OVER ()``); other orders read the page and count the matches up to the cap."""

    def __init__(self, qs: QuerySet[Any], page: int, per_page: int) -> None:
        self.qs, self.offset = qs, (max(page, 1) - 1) * per_page
        self.ranked = connection.vendor == "postgresql" and qs.query.order_by == BY_RANK
        if self.ranked:
            rows = self._ranked(qs, self.offset, per_page)
            self.ids = [pk for pk, _ in rows]
            found = rows[0][1] if rows else self._count() if self.offset else 0
        else:
            self.ids = list(qs.values_list("pk", flat=True)[self.offset : self.offset + per_page])
            found = self._count() if self.ids or self.offset else 0
        self.capped = found > MAX_COUNT
        self.total = min(found, MAX_COUNT)
        self.ids = self.ids[: max(self.total - self.offset, 0)]  # the pages end at the cap

    def _count(self) -> int:
        """The matches, counted up to MAX_COUNT + 1 (beyond that, counting costs more than it tells)."""
        return self.qs.order_by().values("pk")[: MAX_COUNT + 1].count()

    @staticmethod
    def _ranked(qs: QuerySet[Any], offset: int, limit: int) -> list[tuple[int, int]]:
        """PostgreSQL, by rank: rank only the first MAX_COUNT + 1 matches (a LIMIT in the subquery, so
        the rank is computed for those alone) and count them in the same pass."""
        try:
            inner, params = qs.order_by().values_list("pk", "price", "rank").query.sql_with_params()
        except EmptyResultSet:  # e.g. no contract in scope
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.pk, COUNT(*) OVER () FROM ({inner} LIMIT %s) AS s(pk, price, rank) "  # noqa: S608 (ORM SQL)
                "ORDER BY s.rank DESC, s.price ASC NULLS LAST, s.pk LIMIT %s OFFSET %s",
                [*params, MAX_COUNT + 1, limit, offset],
            )
            return cursor.fetchall()

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice) and index.start == self.offset:
            return self.ids
        # another page (the requested one was out of range): read it, in the same order
        if isinstance(index, slice) and self.ranked:
            start, stop = index.start or 0, index.stop if index.stop is not None else self.total
            return [pk for pk, _ in self._ranked(self.qs, start, stop - start)]
        return list(self.qs.values_list("pk", flat=True)[index])


def _paginate(qs: QuerySet[Article], ids: Sequence[int], page: int, per_page: int) -> Page[Any]:
    """The page of ``ids`` with its articles loaded in that order."""
    paginator: Paginator[Any] = Paginator(ids, per_page)
    result_page = paginator.get_page(page)
    loaded = qs.select_related("contract", "supplier__organisation").in_bulk(list(result_page.object_list))
    result_page.object_list = [loaded[pk] for pk in result_page.object_list]
    return result_page


def _refuse_nul(**values: str) -> None:
    """PostgreSQL text cannot hold U+0000: a NUL is the caller's error (400), not the database's (500)."""
    for name, value in values.items():
        if "\x00" in value:
            raise DomainError(_("Die Eingabe enthält ein Nullzeichen."), field=name)


def _is_id(value: int | None) -> bool:
    return value is None or 0 < value <= MAX_ID


def _price_bounds(low: Decimal | None, high: Decimal | None) -> tuple[Decimal | None, Decimal | None, bool]:
    """The price bounds as the column (numeric(12, 2), never negative) can compare them, rounded inwards to
    whole cents; any finite Decimal is fine (1E+999999999 would overflow PostgreSQL's numeric). The third
    value is False where no price can lie between them."""
    if low is not None:
        if low > PRICE_LIMIT:
            return None, None, False
        low = max(low, Decimal(0)).quantize(CENT, rounding=ROUND_CEILING)
    if high is not None:
        if high < 0:
            return None, None, False
        high = None if high >= PRICE_LIMIT else high.quantize(CENT, rounding=ROUND_FLOOR)
    return low, high, True


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
    correct: bool = True,
) -> SearchResult:
    """Articles ``user`` may see matching ``q`` and the filters, one page of them with the total and facets.
    Query words in a synonym group also find the group's other words. Where nothing matches, the words
    inside descriptions, then (``correct``) the query with its unknown words corrected (``suggestion``),
    then on PostgreSQL similar spellings.
    Any input is answered: a query of operators or symbols only finds nothing, ids and price bounds
    out of range match nothing (or bound nothing), a page past the end is the last page; only a NUL
    character raises DomainError."""
    _refuse_nul(q=q, eclass=eclass, manufacturer=manufacturer)
    q = q[:MAX_QUERY].strip()
    terms = words(q)
    page, per_page = min(max(page, 1), MAX_PAGE), min(max(per_page, 1), MAX_PER_PAGE)
    price_min, price_max, priced = _price_bounds(price_min, price_max)
    # the same filters apply to the articles and to PostgreSQL's search index (same column names)
    filters: dict[str, Any] = {"is_active": True}
    for name, value in (
        ("contract_id", contract),
        ("supplier_id", supplier),
        ("eclass_group", eclass),
        ("manufacturer_name", manufacturer),
        ("price__gte", price_min),
        ("price__lte", price_max),
    ):
        if value is not None and value != "":
            filters[name] = value
    scope = None if can_manage_contracts(user) else orderable_contract_ids(user)
    base = visible_articles(user, scope).filter(**filters)
    qs, typo = base, False
    ids: Sequence[int] | None = None
    synonyms = vocabulary.synonyms_for(terms) if q else {}
    if not (priced and _is_id(contract) and _is_id(supplier)):
        qs, ids, terms = base.none(), [], []  # ids or prices out of range: nothing can match
    elif q and connection.vendor == "postgresql":
        query = _pg_query(q, synonyms)
        if query is None:
            # no word (only operators, punctuation, symbols such as ' ! & | :* \\ or emoji): no full-text
            # search; a word without a lexeme ("²") finds nothing there; the look inside descriptions below
            # takes the words
            qs, ids = base.none(), []
        else:
            index = ArticleSearch.objects.filter(**filters)
            if scope is not None:
                index = index.filter(contract_id__in=scope)
            index = index.filter(vector=query).annotate(rank=SearchRank(F("vector"), query))
            ids = _PageIds(_ordered(index, q, sort), page, per_page)
            qs = base.filter(pk__in=index.values("pk"))
    elif q:
        found = _fts_ids(q, synonyms)
        if found is None:
            qs = base.none()
        else:
            subquery, positions = found
            qs = base.filter(pk__in=subquery)
            if sort == "relevance":
                # the best MAX_COUNT + 1 by bm25: as many as PostgreSQL ranks (one more tells "capped")
                ids = sorted(qs.values_list("pk", flat=True), key=positions.__getitem__)[: MAX_COUNT + 1]
    if ids is None:
        ids = _PageIds(_ordered(qs, q, sort), page, per_page)
    if terms and not len(ids):
        # nothing starts with the words: look inside words, then correct the spelling, then (PostgreSQL)
        # look for similar spellings
        qs = _infix(base, q, synonyms)
        ids = _PageIds(_ordered(qs, q, sort), page, per_page)
        suggestion = vocabulary.correction(q, _known) if correct and not len(ids) else None
        if suggestion:
            fixed = search_articles(
                user,
                q=suggestion,
                contract=contract,
                supplier=supplier,
                eclass=eclass,
                manufacturer=manufacturer,
                price_min=price_min,
                price_max=price_max,
                sort=sort,
                page=page,
                per_page=per_page,
                facets=facets,
                correct=False,
            )
            if fixed.total:
                fixed.suggestion, fixed.typo_tolerant = suggestion, True
                return fixed
        if not len(ids) and connection.vendor == "postgresql":
            qs = _similar(base, q)
            ids = _PageIds(_ordered(qs, q, sort), page, per_page)
            typo = bool(len(ids))
    capped = getattr(ids, "capped", False) or len(ids) > MAX_COUNT
    if isinstance(ids, list):
        ids = ids[:MAX_COUNT]
    result = SearchResult(page=_paginate(qs, ids, page, per_page), total=len(ids), capped=capped, typo_tolerant=typo)
    if facets:
        # above the cap, the facets count the first MAX_COUNT matches (counting all would cost more
        # than the search itself)
        result.facets = _facets(
            qs.order_by().filter(pk__in=qs.order_by().values("pk")[:MAX_COUNT]) if capped else qs.order_by()
        )
    return result


def _known(word: str) -> bool:
    """Whether ``word`` finds any article of any catalog: at a word start (full-text) or inside a word."""
    if connection.vendor == "postgresql":
        query = _pg_query(word)
        if query is not None and ArticleSearch.objects.filter(vector=query).exists():
            return True
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM catalog_article_fts WHERE catalog_article_fts MATCH %s LIMIT 1", [_fts_match(word)]
            )
            if cursor.fetchone():
                return True
    return _infix(Article.objects.all(), word).exists()


def _ordered(qs: QuerySet[Any], q: str, sort: str) -> QuerySet[Any]:
    if sort == "price_asc":
        return qs.order_by(F("price").asc(nulls_last=True), "pk")
    if sort == "price_desc":
        return qs.order_by(F("price").desc(nulls_last=True), "pk")
    if "rank" in qs.query.annotations:  # PostgreSQL full-text rank, trigram similarity, infix (constant)
        return qs.order_by(*BY_RANK)
    return qs.order_by("description_short", "pk")


def _facets(base: QuerySet[Article]) -> dict[str, list[Facet]]:
    return {
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


def synonym_groups() -> list[SynonymGroup]:
    """The synonym list of the search, each group with its words (the office's page)."""
    return list(SynonymGroup.objects.prefetch_related("terms").select_related("created_by"))


@dataclass
class Chip:
    """An active filter of the search: the parameter removing it takes away, and its label in words."""

    name: str
    label: str


def filter_chips(user: Any, params: dict[str, Any]) -> list[Chip]:
    """The active filters among the valid search ``params``, labelled as the user reads them (contract
    and supplier by name, where the user sees them)."""
    chips = []
    if (contract := params.get("contract")) is not None and _is_id(contract):
        found = visible_contracts(user).filter(pk=contract).values_list("number", "title").first()
        name = f"{found[0]} {found[1]}" if found else _("unbekannt")
        chips.append(Chip("contract", _("Rahmenvertrag: %(name)s") % {"name": name}))
    if (supplier := params.get("supplier")) is not None and _is_id(supplier):
        supplier_name = (
            Supplier.objects.filter(pk=supplier, contracts__in=visible_contracts(user).values("pk"))
            .values_list("organisation__name", flat=True)
            .first()
        )
        chips.append(Chip("supplier", _("Lieferant: %(name)s") % {"name": supplier_name or _("unbekannt")}))
    if manufacturer := params.get("manufacturer"):
        chips.append(Chip("manufacturer", _("Hersteller: %(name)s") % {"name": manufacturer}))
    if eclass := params.get("eclass"):
        chips.append(Chip("eclass", _("Warengruppe: %(name)s") % {"name": eclass_names.label(eclass)}))
    if (price_min := params.get("price_min")) is not None:
        chips.append(Chip("price_min", _("Preis ab %(amount)s") % {"amount": _amount(price_min)}))
    if (price_max := params.get("price_max")) is not None:
        chips.append(Chip("price_max", _("Preis bis %(amount)s") % {"amount": _amount(price_max)}))
    return chips


def _amount(value: Decimal) -> str:
    """A price bound in German notation; one no price column can hold ("1e30") as typed."""
    return format_eur(value) if value.is_finite() and value.copy_abs() <= PRICE_LIMIT else f"{value} €"


def articles_to_compare(user: Any, ids: list[int]) -> list[Article]:
    ids = [i for i in ids if _is_id(i)]
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


# --- the task inbox (kitu.tasks reads this) -------------------------------------------------------------


def failed_import_tasks(user: Any) -> TaskRows:
    """Failed catalog imports (not dry runs) with no successful import of the same contract after them — the
    query unevaluated, so the header's task count counts it with the others (kitu.core.rows)."""
    if not can_manage_contracts(user):
        return []
    fixed = CatalogImport.objects.filter(
        contract_id=OuterRef("contract_id"),
        status=CatalogImport.Status.SUCCEEDED,
        dry_run=False,
        started_at__gt=OuterRef("started_at"),
    )
    return (
        CatalogImport.objects.filter(status=CatalogImport.Status.FAILED, dry_run=False)
        .exclude(Exists(fixed))
        .values("pk", "filename", "contract__number", "started_at", "finished_at")
    )
