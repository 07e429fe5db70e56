"""How the OParl tests read the interface as a client does: its URLs, the ten lists of a body, the texts
that council_world keeps from the public, and walking every page of a list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.test import Client

from kitu.council.models import (
    AgendaItem,
    Consultation,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)

API = "/oparl/v1"
W = f"{API}/body/wernigerode"
SCHEMA = "https://schema.oparl.org/1.1/"
LISTS = {
    "organization": ("Organization", Organization),
    "person": ("Person", Person),
    "meeting": ("Meeting", Meeting),
    "paper": ("Paper", Paper),
    "agendaItem": ("AgendaItem", AgendaItem),
    "consultation": ("Consultation", Consultation),
    "file": ("File", File),
    "membership": ("Membership", Membership),
    "location": ("Location", Location),
    "legislativeTerm": ("LegislativeTerm", LegislativeTerm),
}
BODY_KEYS = {
    "organization": "organization",
    "person": "person",
    "meeting": "meeting",
    "paper": "paper",
    "agendaItem": "agendaItem",
    "consultation": "consultation",
    "file": "file",
    "membership": "membership",
    "locationList": "location",
    "legislativeTermList": "legislativeTerm",
}
# what council_world keeps from the public: non-public items, their papers and files, unpublished
# results, draft papers, the contact of a person who did not consent
SECRETS = [
    "Grundstücksangelegenheit",
    "Lindenallee",
    "Käuferin",
    "120.000",
    "BV/0045/2026",
    "Vergabe Winterdienst",
    "Winterdienst",
    "BV/0102/2026",
    "BV/0150/2026",
    "Haushaltssatzung",
    "bernd@example.org",
    "GEHEIM-ERGEBNIS",
    "Geheimprotokoll",
    "Nur-intern",
]


def get(client: Client, url: str, **extra: Any) -> Any:
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def walk(client: Client, first: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every page of a list through links.next: (page URL, page)."""
    url: str | None = first
    seen = set()
    while url:
        assert url not in seen, f"links.next loops at {url}"
        seen.add(url)
        page = get(client, url.removeprefix("http://testserver"))
        assert set(page) == {"data", "pagination", "links"}
        yield url, page
        url = page["links"].get("next")


def walk_all(client: Client, slug: str = "wernigerode", query: str = "") -> dict[str, list[dict[str, Any]]]:
    """All ten lists of a town, each object exactly once."""
    body = get(client, f"{API}/body/{slug}")
    out = {}
    for key, kind in BODY_KEYS.items():
        objects: list[dict[str, Any]] = []
        for _url, page in walk(client, body[key] + query):
            objects += page["data"]
        ids = [obj["id"] for obj in objects]
        assert len(ids) == len(set(ids)), f"{kind}: an object twice"
        assert ids == sorted(ids, key=lambda url: int(url.rsplit("/", 1)[1])), f"{kind}: not ordered by id"
        out[kind] = objects
    return out


def pk_of(url: str) -> int:
    return int(url.rsplit("/", 1)[1])
