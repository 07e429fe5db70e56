"""Issue 23.1: what one catalog search costs in queries, and the per-process copy of the synonym list.
Every test runs on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kitu.accounts.services import api_token_create
from kitu.catalog import selectors, vocabulary
from kitu.catalog.models import SynonymGroup, SynonymTerm
from kitu.catalog.text import stem
from kitu.core.actors import SYSTEM

pytestmark = pytest.mark.django_db


def pids(result: selectors.SearchResult) -> list[str]:
    return sorted(a.supplier_pid for a in result.page)


def test_the_queries_of_an_api_search(catalog: dict[str, Any]) -> None:
    """The token with its user and the user's roles, members, contracts and their limits (the scope), the
    search and the page's articles. PostgreSQL: the query's words with the catalog's words they start (one
    statement for all), then ids, rank and count in one statement; SQLite: the FTS5 order, then the matching
    ids in scope. The synonym list comes from the process's copy."""
    expected = 7
    _t, secret = api_token_create(actor=SYSTEM, user=catalog["users"]["requester"], name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/catalog/articles", {"q": "Laptop"}).json()["count"] == 4  # a synonym of Notebook
    for q in ("Notebooks", "Laptop Lenovo", "NB-2"):
        with CaptureQueriesContext(connection) as queries:
            data = client.get("/api/v1/catalog/articles", {"q": q}).json()
        assert data["count"] > 0
        assert len(queries) == expected, [query["sql"][:120] for query in queries]
        assert not any("synonym" in query["sql"] for query in queries)
        assert not any(query["sql"].startswith("SELECT to_tsquery") for query in queries)


def test_a_member_scope_reads_neither_suppliers_nor_their_organisations(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    with CaptureQueriesContext(connection) as queries:
        ids = selectors.orderable_contract_ids(user)
    assert ids == [catalog["contract"].pk]
    assert len(queries) == 4  # roles, members, contracts, limits
    assert not any('FROM "contracts_supplier"' in query["sql"] for query in queries)  # no prefetch
    assert not any('FROM "accounts_organisation"' in query["sql"] for query in queries)


def test_the_synonym_list_is_read_again_when_another_process_changed_it(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    assert selectors.search_articles(user, q="Glotze").total == 0
    # another process adds a group and, after its commit, starts a new generation of the list
    group = SynonymGroup.objects.create()
    SynonymTerm.objects.bulk_create([SynonymTerm(group=group, word=w, key=stem(w)) for w in ("Glotze", "FlexScan")])
    assert selectors.search_articles(user, q="Glotze").total == 0  # this process still has its copy
    cache.set(vocabulary.GENERATION_KEY, "another", None)
    assert pids(selectors.search_articles(user, q="Glotze")) == ["MON-1"]
    # an emptied cache (restart, eviction) starts a new generation: the list is read anew, not kept
    group.delete()
    cache.clear()
    assert selectors.search_articles(user, q="Glotze").total == 0


def test_a_process_keeps_its_copy_of_the_synonym_list_only_so_long(
    catalog: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the cache is not shared (locmem), no other process hears of an edit: the copy ages out."""
    user = catalog["users"]["requester"]
    assert selectors.search_articles(user, q="Glotze").total == 0
    group = SynonymGroup.objects.create()
    SynonymTerm.objects.bulk_create([SynonymTerm(group=group, word=w, key=stem(w)) for w in ("Glotze", "FlexScan")])
    assert selectors.search_articles(user, q="Glotze").total == 0  # the copy, same generation
    monkeypatch.setattr(vocabulary, "SYNONYMS_MAX_AGE", -1.0)
    assert pids(selectors.search_articles(user, q="Glotze")) == ["MON-1"]
