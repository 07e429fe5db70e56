"""PostgreSQL: the tsquery of a catalog search.

Every part of the query is required, its last word a prefix ("Note" finds "Notebook"), a one-word part in a
synonym group matches any word of the group; each word is read twice — german (stemmed) and simple (article
numbers, stop words) — and both readings are ORed where they differ.

A prefix is expanded into the whole words of the catalog that start with it (``catalog_search_word``,
migration 0006): ``'notebook' | 'notebooktasch'`` instead of ``'notebook':*``. GIN answers whole words by
walking their posting lists side by side and skipping, but a prefix only by first collecting every entry of
it into a bitmap — 4–5× the time for a broad word in a million articles. A prefix that starts more than
:data:`MAX_EXPANSION` words, or contains anything but letters (the word list holds words of letters only),
stays a prefix. Where a word does not map onto one lexeme per reading (a stop word inside a phrase, a word
the parser splits), the whole query is left to ``to_tsquery`` (:class:`Readings`), as before the word list."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connection

MAX_EXPANSION = 40  # whole words a prefix is expanded into at most; beyond that GIN's partial match is cheaper

Synonyms = dict[str, list[str]]  # a query word (lower case) → the words of its synonym group
Part = list[list[str]]  # the alternatives of one required part, each a phrase of words (lower case)


class Readings(SearchQuery):
    """The tsquery of ``raw`` in the german (stemmed) reading or the simple one (article numbers, stop words):
    both ORed where they differ, one where they are the same or the other has no lexeme (the duplicate doubled
    the index work). PostgreSQL computes it inside the statement that uses it: ``to_tsquery`` is immutable,
    so the planner folds the expression to a constant (and knows its selectivity) — no round trip of its own."""

    def __init__(self, raw: str) -> None:
        super().__init__(raw, search_type="raw")
        self.raw = raw

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **kwargs: Any) -> tuple[str, list[str | int]]:
        german, simple = "to_tsquery('german'::regconfig, %s)", "to_tsquery('simple'::regconfig, %s)"
        sql = (
            f"(CASE WHEN {german}::text = '' THEN {simple} WHEN {simple}::text IN ('', {german}::text) "
            f"THEN {german} ELSE {german} || {simple} END)"
        )
        return sql, [self.raw] * 7


class Expanded(SearchQuery):
    """A tsquery written out lexeme by lexeme (no dictionary reads it again: an expanded word is a stem)."""

    def __init__(self, text: str) -> None:
        super().__init__(text, search_type="raw")
        self.text = text

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **kwargs: Any) -> tuple[str, list[str | int]]:
        return "%s::tsquery", [self.text]


def search_query(parts: list[list[str]], synonyms: Synonyms) -> SearchQuery:
    """The tsquery of the query's ``parts`` (each its words, lower case; at least one)."""
    alternatives: list[Part] = [
        [[w] for w in synonyms[words[0]]] if len(words) == 1 and words[0] in synonyms else [words] for words in parts
    ]
    expanded = _expanded(alternatives)
    if expanded is not None:
        return Expanded(expanded)

    def raw(part: Part) -> str:
        return "(" + " | ".join(" <-> ".join([*phrase[:-1], phrase[-1] + ":*"]) for phrase in part) + ")"

    return Readings(" & ".join(raw(part) for part in alternatives))


def _expanded(parts: list[Part]) -> str | None:
    """The tsquery text of ``parts`` with each prefix written as the catalog's words starting with it; None
    where a word does not map onto one lexeme per reading, or where nothing can match (``to_tsquery`` then
    reads the query). A word of letters the catalog does not hold matches nothing (the word list holds every
    one): its phrase is left out of its part's alternatives, and a part left without any makes its reading
    match nothing — so "Notebooks" does not search the simple reading ``'notebooks':*`` next to the german
    ``'notebook'``, when no article has a word starting with "notebooks"."""
    words = sorted({w for part in parts for phrase in part for w in phrase})
    if any(" " in w for w in words):  # a synonym of several words: to_tsquery reads it
        return None
    lexemes = _lexemes(words)
    readings: list[str | None] = []  # per reading its text; '' without any lexeme; None where nothing matches
    for reading in (0, 1):  # german, simple
        texts: list[str] = []
        matches = True
        for part in parts:
            phrases: list[str] = []
            absent = False  # an alternative no article can match
            for phrase in part:
                found = [lexemes[w][reading] for w in phrase]
                if any(len(f[0]) > 1 for f in found):
                    return None  # a word the parser splits into several lexemes
                if any(not f[0] for f in found):
                    if len(phrase) > 1:
                        return None  # a stop word inside a phrase: to_tsquery keeps its distance
                    continue  # a stop word: this reading drops it (as to_tsquery does)
                *head, last = found
                if any(_absent(f[0][0], f[1], whole=True) for f in head) or _absent(last[0][0], last[1]):
                    absent = True  # a word no article holds: this phrase matches nothing
                    continue
                phrases.append(" <-> ".join([*(_quoted(f[0][0]) for f in head), _prefix(last[0][0], last[1])]))
            phrases = list(dict.fromkeys(phrases))
            if phrases:
                texts.append("(" + " | ".join(phrases) + ")" if len(phrases) > 1 else phrases[0])
            elif absent:
                matches = False  # no alternative of this part can match: neither can the reading
                break
        readings.append(" & ".join(texts) if matches else None)
    german, simple = readings
    if not german:  # no lexeme, or nothing matches: the simple reading alone
        return simple or None
    if not simple or simple == german:
        return german
    return f"({german}) | ({simple})"


Lexeme = tuple[list[str], list[str] | None]  # the word's lexemes; the catalog's words starting with the first


def _lexemes(words: list[str]) -> dict[str, tuple[Lexeme, Lexeme]]:
    """Each word's lexemes in the german and the simple reading, each with the catalog's words starting with
    the first, sorted, at most MAX_EXPANSION + 1 (None where the lexeme is not a word of letters: the word list
    does not know it) — one statement for all words."""
    expansion = (
        "CASE WHEN {l}[1] !~ '[^[:alpha:]]' THEN ARRAY(SELECT word FROM catalog_search_word "
        "WHERE word >= {l}[1] AND word < {l}[1] || chr(1114111) ORDER BY word LIMIT %s) END"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w, g, {expansion.format(l='g')}, s, {expansion.format(l='s')} FROM ("  # noqa: S608 (constants)
            "SELECT w, tsvector_to_array(to_tsvector('german', w)) g, tsvector_to_array(to_tsvector('simple', w)) s "
            "FROM unnest(%s::text[]) w) x",
            [MAX_EXPANSION + 1, MAX_EXPANSION + 1, words],
        )
        rows = cursor.fetchall()
    return {w: ((g, g_words), (s, s_words)) for w, g, g_words, s, s_words in rows}


def _absent(lexeme: str, starting: list[str] | None, whole: bool = False) -> bool:
    """Whether no article holds the word ``lexeme`` (``whole``) or a word starting with it — known only for
    words of letters (``starting`` is None for the others); ``starting`` is sorted, so the word itself comes
    first where it is held."""
    if starting is None:
        return False
    return not starting or (whole and starting[0] != lexeme)


def _prefix(lexeme: str, starting: list[str] | None) -> str:
    """A prefix as the whole words starting with it, where they are few; else as a prefix."""
    if not starting or len(starting) > MAX_EXPANSION:
        return _quoted(lexeme) + ":*"
    if len(starting) == 1:
        return _quoted(starting[0])
    return "(" + " | ".join(_quoted(word) for word in starting) + ")"


def _quoted(lexeme: str) -> str:
    """A lexeme as a tsquery literal (quoted; backslash and quote escaped)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "\\'") + "'"
