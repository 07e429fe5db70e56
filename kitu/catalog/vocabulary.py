"""A search that forgives: synonym groups widen a query word to its group ("Laptop" also searches
"Notebook"), and a query that finds nothing gets its unknown words corrected to the closest word the
catalog holds ("Notbook" → "Notebook"), on both databases.

Spelling candidates: on SQLite the words of the FTS5 index (its ``fts5vocab`` table: stems, compared with
the stemmed query word); on PostgreSQL the words of (up to 1,000) descriptions the trigram index finds similar to
the query word. Either way difflib's ratio picks the closest one above :data:`CUTOFF`."""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import get_close_matches

from django.core.cache import cache
from django.db import connection, transaction

from .models import SynonymTerm
from .text import stem, words

MIN_LENGTH = 4  # shorter words are not corrected: too many neighbours ("Maus", "Haus")
MAX_WORDS = 8  # a longer query gets no correction (every word costs a look-up)
MAX_CORRECTIONS = 3  # nor one with more unknown words
CUTOFF = 0.8  # difflib ratio: one wrong letter in seven ("notbook"/"notebook") 0.93, in five 0.8
LENGTH_WINDOW = 2  # candidates differ in length by at most this much
SIMILAR_DESCRIPTIONS = 1000  # PostgreSQL: descriptions read for candidate words per query word
TRIGRAM_THRESHOLD = 0.3  # PostgreSQL: word similarity of those descriptions to the query word


GENERATION_KEY = "catalog:synonyms:generation"  # in the shared cache: changes with every edit of the list
SYNONYMS_MAX_AGE = 300.0  # seconds a process keeps its copy at most (where the cache is not shared: locmem)


@dataclass(frozen=True)
class _SynonymList:
    generation: str
    read_at: float  # time.monotonic()
    group_of: dict[str, int]  # key (stemmed word) → its group
    members: dict[int, list[str]]  # group → its words (lower case), in the list's order
    written: dict[str, str]  # key → the word as written


_loaded: _SynonymList | None = None  # this process's copy of the synonym list


def synonyms_changed() -> None:
    """After an edit of the synonym list: every process reads it anew — at once (this process, tests) and
    again after the commit, so no process keeps a copy read between the two."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex, None))


def _synonym_list() -> _SynonymList:
    """The synonym list, kept per process while its generation in the shared cache stays the same (one cache
    read instead of a query per search; a handful of groups the office edits now and then), at most
    SYNONYMS_MAX_AGE (a cache that is not shared between processes cannot tell them of an edit). The
    generation is read before the list, so a list read after an edit is never kept under the generation
    before it."""
    global _loaded
    generation = cache.get(GENERATION_KEY)
    if generation is None:  # an empty cache (restarted, cleared): start a generation
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    now = time.monotonic()
    if _loaded is None or _loaded.generation != generation or now - _loaded.read_at > SYNONYMS_MAX_AGE:
        group_of: dict[str, int] = {}
        members: dict[int, list[str]] = defaultdict(list)
        written: dict[str, str] = {}
        rows = SynonymTerm.objects.order_by("group_id", "pk").values_list("group_id", "key", "word")
        for group_id, key, word in rows:
            group_of[key] = group_id
            members[group_id].append(word.lower())
            written[key] = word
        _loaded = _SynonymList(str(generation), now, group_of, dict(members), written)
    return _loaded


def synonyms_for(terms: Iterable[str]) -> dict[str, list[str]]:
    """For each query word (lower case) that belongs to a synonym group: the words to search for instead —
    the word itself, then the group's words (lower case). No query while the list is unchanged."""
    keys: dict[str, str] = {}
    for term in terms:
        keys.setdefault(stem(term), term.lower())
    if not keys:
        return {}
    synonym_list = _synonym_list()
    return {
        word: list(dict.fromkeys([word, *synonym_list.members[synonym_list.group_of[key]]]))
        for key, word in keys.items()
        if key in synonym_list.group_of
    }


def correction(q: str, known: Callable[[str], bool]) -> str | None:
    """``q`` with each unknown word replaced by the closest word of the catalog or the synonym list, or None
    where nothing was corrected. Words with digits or of several parts (article numbers) stay as typed;
    ``known(word)`` says whether a word finds anything as it is."""
    chunks = q.split()
    if not chunks or len(chunks) > MAX_WORDS:
        return None
    synonyms = _synonym_list().written
    corrected, changed, tries = [], False, 0
    for chunk in chunks:
        parts = words(chunk)
        word = parts[0] if len(parts) == 1 else ""
        if len(word) < MIN_LENGTH or not word.isalpha() or stem(word) in synonyms or known(word):
            corrected.append(chunk)
            continue
        tries += 1
        if tries > MAX_CORRECTIONS:
            return None
        best = _closest(word, synonyms)
        if best is None:
            return None  # an unknown word nothing is close to: the corrected query would find nothing either
        corrected.append(chunk.replace(word, best))
        changed = True
    return " ".join(corrected) if changed else None


def _closest(word: str, synonyms: dict[str, str]) -> str | None:
    """The closest known word to ``word`` as it is written in the catalog (or the synonym list)."""
    if connection.vendor == "postgresql":
        return _closest_postgresql(word, synonyms)
    return _closest_sqlite(word, synonyms)


def _closest_sqlite(word: str, synonyms: dict[str, str]) -> str | None:
    key = stem(word)
    # words with the same first letter (few typos are in the first letter): a range of the sorted
    # vocabulary, which fts5vocab reads without scanning the rest (340,000 terms: ~0.1 s instead of ~1 s)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term FROM catalog_article_fts_vocab WHERE term >= %s AND term < %s "
            "AND length(term) BETWEEN %s AND %s",
            [key[0], chr(ord(key[0]) + 1), len(key) - LENGTH_WINDOW, len(key) + LENGTH_WINDOW],
        )
        candidates = [term for (term,) in cursor.fetchall() if term.isalpha()]
    candidates += [k for k in synonyms if abs(len(k) - len(key)) <= LENGTH_WINDOW]
    best = get_close_matches(key, candidates, n=1, cutoff=CUTOFF)
    if not best:
        return None
    if best[0] in synonyms:
        return synonyms[best[0]]
    return _surface(best[0])


def _surface(key: str) -> str:
    """A word of an article whose stem is ``key``, as written there ("notebook" → "Notebook"); the stem
    where none is found."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT description_short, substr(description_long, 1, 1000), manufacturer_name FROM catalog_article "
            "WHERE id IN (SELECT rowid FROM catalog_article_fts WHERE catalog_article_fts MATCH %s LIMIT 5)",
            ['"' + key + '"'],
        )
        for row in cursor.fetchall():
            for found in words(" ".join(row)):
                if stem(found) == key:
                    return found
    return key


def _closest_postgresql(word: str, synonyms: dict[str, str]) -> str | None:
    # the trigram index finds the descriptions with a similar word; pg_trgm's default threshold (0.6) misses
    # a swap of two letters in a short word ("Lenvoo"), a lower one does not
    with transaction.atomic(), connection.cursor() as cursor:
        # set_config(…, true) = SET LOCAL, with the value as a parameter (SET takes none bound on the server)
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)])
        # unordered: ranking all matches (11,000 for "notbook" in 120,000 articles) took ~0.4 s, these ~40 ms
        cursor.execute(
            "SELECT description_short FROM catalog_article WHERE %s <%% description_short LIMIT %s",
            [word, SIMILAR_DESCRIPTIONS],
        )
        descriptions = [text for (text,) in cursor.fetchall()]
    written: dict[str, str] = {}
    for text in [*descriptions, *synonyms.values()]:
        for found in words(text):
            if found.isalpha() and abs(len(found) - len(word)) <= LENGTH_WINDOW:
                written.setdefault(found.lower(), found)
    best = get_close_matches(word.lower(), list(written), n=1, cutoff=CUTOFF)
    return written[best[0]] if best else None
