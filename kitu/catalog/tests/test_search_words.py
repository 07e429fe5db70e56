"""Issue 23.1: PostgreSQL expands a prefix into the catalog's whole words (kitu.catalog.tsquery, migration
0006) — and finds exactly what the prefix found."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from kitu.catalog import selectors, tsquery
from kitu.catalog.models import Article, ArticleSearch
from kitu.catalog.text import words

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the word list exists on PostgreSQL only"),
]

QUERIES = [
    "Notebook",
    "Note",
    "Notebooks Lenovo",
    "note len",
    "Dockingstation für",
    "für Notebooks",
    "Tasche",
    "Gepolst",
    "Zoll 15",
    "USB-C",
    "NB-2",
    "Eizo FlexScan 24",
    "Laptop",
    "Laptop Lenovo",
    "der die das",
    "Schutztäsche",
    "T",
    "x_y",
    "²",
    "Monitor ²",
    "Notebooks",
    "Notebooks Xylophon",
    "der Xylophon",
    "für Lenovo",
    "Laptop Notebooks",
    "Xylophon",
]


def search_words() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM catalog_search_word")
        return {word for (word,) in cursor.fetchall()}


def found(query: Any) -> set[int]:
    return set(ArticleSearch.objects.filter(vector=query).values_list("pk", flat=True))


def test_the_expanded_query_finds_exactly_what_the_prefixes_find(catalog: dict[str, Any]) -> None:
    for q in QUERIES:
        assert_same_matches(q)


def assert_same_matches(q: str) -> None:
    synonyms = {"laptop": ["laptop", "notebook"], "notebook": ["notebook", "laptop"]}
    parts = [[w.lower() for w in words(chunk)] for chunk in q.split() if words(chunk)]
    query = tsquery.search_query(parts, synonyms)
    raw = " & ".join(
        "("
        + " | ".join(
            " <-> ".join([*phrase[:-1], phrase[-1] + ":*"])
            for phrase in ([[w] for w in synonyms[p[0]]] if len(p) == 1 and p[0] in synonyms else [p])
        )
        + ")"
        for p in parts
    )
    assert found(query) == found(tsquery.Readings(raw)), (q, getattr(query, "text", None))


def test_a_prefix_becomes_the_whole_words_that_start_with_it(catalog: dict[str, Any]) -> None:
    query = tsquery.search_query([["note"], ["len"]], {})
    assert isinstance(query, tsquery.Expanded)
    assert query.text == "'notebook' & 'lenovo'"  # no ':*' left: GIN walks whole words
    # a word no article starts with matches nothing: "notebooks" (simple) is not searched next to "notebook"
    assert tsquery.search_query([["notebooks"]], {}).text == "'notebook'"  # type: ignore[attr-defined]
    assert tsquery.search_query([["laptop"], ["len"]], {"laptop": ["laptop", "notebook"]}).text == (  # type: ignore[attr-defined]
        "'notebook' & 'lenovo'"
    )
    # a phrase keeps its words; its last word is expanded too
    assert tsquery.search_query([["usb", "c"]], {}).text == "'usb' <-> 'c'"  # type: ignore[attr-defined]


def test_a_prefix_of_too_many_words_stays_a_prefix(catalog: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    starting = sorted(w for w in search_words() if w.startswith("n"))
    assert len(starting) >= 2
    monkeypatch.setattr(tsquery, "MAX_EXPANSION", len(starting) - 1)
    assert tsquery.search_query([["n"]], {}).text == "'n':*"  # type: ignore[attr-defined]
    monkeypatch.setattr(tsquery, "MAX_EXPANSION", len(starting))
    assert tsquery.search_query([["n"]], {}).text == "(" + " | ".join(f"'{w}'" for w in starting) + ")"  # type: ignore[attr-defined]


def test_the_word_list_grows_with_every_article_written(catalog: dict[str, Any]) -> None:
    """The trigger adds the words of inserted and updated articles (only words of letters): without it, a
    prefix of a new word would be expanded into the old words and miss the new article."""
    before = search_words()
    assert {"notebook", "lenovo", "gepolstert"} <= before
    assert not any(any(not ch.isalpha() for ch in w) for w in before)  # no article numbers, no EANs
    user = catalog["users"]["requester"]
    assert selectors.search_articles(user, q="Wunderla").total == 0
    article = Article.objects.get(supplier_pid="MON-1")
    Article.objects.filter(pk=article.pk).update(description_short="Monitor Wunderlampe 27 Zoll")
    assert "wunderlamp" in search_words()
    assert [a.supplier_pid for a in selectors.search_articles(user, q="Wunderla").page] == ["MON-1"]
    clone = Article.objects.get(pk=article.pk)
    clone.pk, clone.supplier_pid, clone.ean = None, "MON-2", ""
    clone.description_short = "Monitor Zauberschirm 27 Zoll"
    clone.save()
    assert "zauberschirm" in search_words()
    assert [a.supplier_pid for a in selectors.search_articles(user, q="Zauber Mon").page] == ["MON-2"]


def test_the_word_list_holds_exactly_the_words_of_letters_of_the_vectors(catalog: dict[str, Any]) -> None:
    """Migration 0008 drops lexemes below "A" before the letters-only test: words that start with an
    umlaut, "ß" or any letter beyond ASCII stay, numbers, article numbers and mixed words do not."""
    article = Article.objects.get(supplier_pid="MON-1")
    Article.objects.filter(pk=article.pk).update(
        description_short="Überspannungsschutz Øresund Ελλάδα éclair ßfoo 3fach x_y A4-Papier ²fach -Zubehör",
        ean="4006381333931",
    )
    with connection.cursor() as cursor:
        # 0006's test on every lexeme, as the reference
        cursor.execute(
            "SELECT DISTINCT w FROM catalog_article_search, unnest(tsvector_to_array(vector)) w "
            "WHERE w !~ '[^[:alpha:]]'"
        )
        expected = {w for (w,) in cursor.fetchall()}
    assert {"uberspannungsschutz", "øresund", "ελλάδα", "éclair", "ssfoo", "zubehor"} <= expected
    assert search_words() == expected
