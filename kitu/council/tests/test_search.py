"""Paper search: over reference, subject and file text, only within what the reader may see, hostile input
answered with a page, pagination; on PostgreSQL the stored german vector of migration 0003 and its index are used."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import ROLES, login, make_user
from kitu.accounts.roles import Role
from kitu.council import search as search_module
from kitu.council.models import File, Paper
from kitu.council.search import MAX_QUERY, clean_query, matches, search_papers
from kitu.council.views import public as public_views
from kitu.council.visibility import Visibility

from .factories import consult, make_file, make_paper

pytestmark = pytest.mark.django_db


def index(paper: Paper) -> None:
    """What search.refresh_search_text keeps: reference, subject and the text of the files."""
    texts = File.objects.filter(paper=paper, deleted=False).order_by("pk").values_list("text", flat=True)
    paper.search_text = "\n".join([paper.reference, paper.name, *texts])
    paper.save(update_fields=["search_text"])


@pytest.fixture
def indexed(council_world: dict[str, Any]) -> dict[str, Any]:
    for paper in Paper.objects.all():
        index(paper)
    return council_world


def found(client: Client, q: str, slug: str = "wernigerode") -> str:
    response = client.get(reverse("council:papers", args=[slug]), {"q": q})
    assert response.status_code == 200, q
    return response.content.decode()


def refs(client: Client, q: str) -> set[str]:
    page = found(client, q)
    text = page.split('id="papers"', 1)[1].split("</ul>", 1)[0] if 'id="papers"' in page else ""
    return {
        ref for ref in ("BV/0044/2026", "BV/0045/2026", "BV/0101/2026", "BV/0102/2026", "BV/0150/2026") if ref in text
    }


def as_user(indexed: dict[str, Any], role: str | None) -> Client:
    user = indexed["users"][role] if role else None
    return login(Client(), user) if user else Client()


def test_finds_by_subject_reference_and_file_text(indexed: dict[str, Any]) -> None:
    client = Client()
    assert refs(client, "Katzenteich") == {"BV/0044/2026"}
    assert refs(client, "BV/0044/2026") == {"BV/0044/2026"}
    assert refs(client, "Begruendung") == {"BV/0044/2026"}  # only in the file's text
    assert refs(client, "Radweg") == {"BV/0101/2026"}
    assert refs(client, "katzenteich") == {"BV/0044/2026"}  # any case
    assert "1 Vorlage zu „Radweg“ gefunden" in found(client, "Radweg")
    assert "0 Vorlagen zu „Zeppelin“ gefunden" in found(client, "Zeppelin")


@pytest.mark.parametrize("role", [*ROLES, "other_councillor"])
def test_non_public_papers_and_file_texts_are_never_found_by_the_public(
    indexed: dict[str, Any], role: str | None
) -> None:
    client = as_user(indexed, role)
    for words in ("Lindenallee", "Flurstück", "Kaufpreis", "geheim", "Winterdienst", "Angebote", "Haushaltssatzung"):
        assert refs(client, words) == set(), (role, words)
    assert refs(client, "BV/0045/2026") == set()
    assert refs(client, "") == {"BV/0044/2026", "BV/0101/2026"}


def test_other_towns_office_finds_nothing_non_public(indexed: dict[str, Any]) -> None:
    office = make_user("rb@zeitz.example", [(indexed["zeitz"].organisation, Role.COUNCIL_OFFICE)])
    client = login(Client(), office)
    for words in ("Kaufpreis", "Angebote Winterdienst", "Haushaltssatzung"):
        assert refs(client, words) == set()


def test_councillors_find_non_public_papers_of_their_bodies_only(indexed: dict[str, Any]) -> None:
    anna = as_user(indexed, "councillor")
    bernd = as_user(indexed, "committee_councillor")
    office = as_user(indexed, "council_office")
    assert refs(anna, "Kaufpreis") == {"BV/0045/2026"}
    assert refs(bernd, "Kaufpreis") == set()
    assert refs(bernd, "Angebote") == {"BV/0102/2026"}
    assert refs(anna, "Haushaltssatzung") == set()  # a draft: the office only
    assert refs(office, "Haushaltssatzung") == {"BV/0150/2026"}
    text = found(anna, "Kaufpreis")
    assert "nicht öffentlich" not in text or "BV/0045/2026" in text


HOSTILE = [
    '"',
    '"Bebauungsplan',
    "Radweg OR Winterdienst",
    "-Radweg",
    "Radweg & | ! :* <-> ()",
    "(((",
    "\\",
    "'; DROP TABLE council_paper; --",
    "%",
    "_",
    "🚲🚲🚲",
    "a" * 10_000,
    "Radweg " * 2_000,
    "   ",
    "\t\n",
    "der die das",  # stop words only
    "\u202e\u200b",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_input_gives_a_page(indexed: dict[str, Any], q: str) -> None:
    for client in (Client(), as_user(indexed, "councillor")):
        text = found(client, q)
        assert "<script>alert(1)</script>" not in text
        for secret in ("BV/0150/2026",):
            assert secret not in text
    assert "Kaufpreis" not in found(Client(), q)


def test_or_operators_do_not_open_non_public_papers(indexed: dict[str, Any]) -> None:
    assert refs(Client(), "Radweg OR Kaufpreis") <= {"BV/0101/2026"}
    assert refs(Client(), '"Kaufpreis Lindenallee"') == set()


def test_nul_is_refused_and_bad_pages_fall_back(indexed: dict[str, Any]) -> None:
    url = reverse("council:papers", args=["wernigerode"])
    assert Client().get(url, {"q": "Rad\x00weg"}).status_code == 400
    for page in ("0", "-1", "x", "99999", "1e9"):
        assert Client().get(url, {"q": "Radweg", "page": page}).status_code == 200


def test_query_is_cleaned_and_limited() -> None:
    assert clean_query("  Rad\tweg \n ") == "Rad weg"
    assert clean_query("a" * 10_000) == "a" * MAX_QUERY
    assert clean_query(None) == ""
    assert clean_query(["x"]) == ""
    assert clean_query("Rad\x00weg") == "Rad weg"


def test_pagination_keeps_the_query(indexed: dict[str, Any]) -> None:
    item = indexed["public_item"]
    for n in range(25):
        paper = make_paper(indexed["body"], f"MI/{n:04d}/2026", f"Mitteilung Spielplatz {n}")
        consult(paper, item, indexed["council"])
        index(paper)
    first = found(Client(), "Spielplatz")
    assert "25 Vorlagen zu „Spielplatz“ gefunden" in first
    assert "Seite 1 von 2" in first and "?q=Spielplatz&amp;page=2" in first
    second = Client().get(reverse("council:papers", args=["wernigerode"]), {"q": "Spielplatz", "page": "2"})
    assert second.content.decode().count("Mitteilung Spielplatz") == 5


def test_search_is_within_the_visibility(indexed: dict[str, Any]) -> None:
    public = Visibility.public(indexed["body"])
    assert list(search_papers(public, "Kaufpreis")) == []
    assert [p.reference for p in search_papers(public, "Bebauungsplan")] == ["BV/0044/2026"]
    zeitz = Visibility.public(indexed["zeitz_body"])
    assert list(search_papers(zeitz, "Bebauungsplan")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgres_uses_the_german_index_and_stems(indexed: dict[str, Any]) -> None:
    public = Visibility.public(indexed["body"])
    paper = indexed["public_paper"]
    make_file(paper=paper, text="Die Bebauungspläne der Stadt")
    index(paper)
    assert [p.reference for p in search_papers(public, "Bebauungsplänen")] == ["BV/0044/2026"]
    ranked = list(search_papers(public, "Bebauungsplan"))
    assert ranked[0].rank > 0  # type: ignore[attr-defined]
    # the condition reads the stored vector: with sequential scans off the planner takes its GIN index
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Paper.objects.filter(matches("Radweg")).explain()
    assert "council_paper_search_vector" in plan, plan
    sql = str(search_papers(public, "Radweg").query)
    assert '"council_paper"."search_vector" @@ websearch_to_tsquery(\'german\'::regconfig, ' in sql


def test_file_text_of_a_non_public_file_of_a_public_paper_is_not_found(indexed: dict[str, Any]) -> None:
    """A public paper later placed on a non-public item stops being public, with its file text."""
    consult(indexed["public_paper"], indexed["secret_item"], indexed["council"])
    assert refs(Client(), "Begruendung") == set()
    assert refs(as_user(indexed, "councillor"), "Begruendung") == {"BV/0044/2026"}


def test_very_many_matches_come_newest_first_and_the_count_stops(
    indexed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "MAX_RANKED", 10)
    monkeypatch.setattr(public_views, "MAX_RANKED", 10)
    item = indexed["public_item"]
    for n in range(25):
        paper = make_paper(
            indexed["body"], f"MI/{n:04d}/2026", f"Mitteilung Spielplatz {n}", date=dt.date(2026, 1, 1 + n)
        )
        consult(paper, item, indexed["council"])
        index(paper)
    result = search_module.search(Visibility.public(indexed["body"]), "Spielplatz")
    assert (result.total, result.capped, result.ranked) == (11, True, False)
    assert [p.reference for p in result.papers[:2]] == ["MI/0024/2026", "MI/0023/2026"]
    text = found(Client(), "Spielplatz")
    assert "Mehr als 10 Vorlagen zu „Spielplatz“ gefunden, die neuesten zuerst." in text
    assert text.count("Mitteilung Spielplatz") == 11  # the pages end where the count stopped
    narrow = search_module.search(Visibility.public(indexed["body"]), "Katzenteich")
    assert (narrow.total, narrow.capped) == (1, False)
    assert narrow.ranked is (connection.vendor == "postgresql")
