"""German word stemming for the catalog search (the same words at import and at query time)."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

WORD_RE = re.compile(r"[\wäöüß]+", re.IGNORECASE)
_stemmer = snowballstemmer.stemmer("german")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    word = word.lower()
    return word if any(ch.isdigit() for ch in word) else _stemmer.stemWord(word)


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def stemmed(text: str) -> str:
    return " ".join(stem(w) for w in words(text))
