"""The OParl 1.1 interface (/oparl/v1/): the entry point, the bodies, the lists and their paging, the
filters, tombstones, and the query count of a list page."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kitu.council.models import AgendaResult, Attendance, AttendanceStatus, Body, Consultation, FileRole, Paper
from kitu.council.visibility import Visibility

from .factories import TZ, consult, make_agenda_item, make_file, make_meeting, make_membership, make_paper, make_person
from .oparl_client import API, BODY_KEYS, LISTS, SCHEMA, W, get, pk_of, walk, walk_all

# --- entry point and bodies -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_system_is_the_entry_point(client: Client, council_world: dict[str, Any], settings: Any) -> None:
    settings.KITU_OPARL_CONTACT_EMAIL = "oparl@kitu.example"
    settings.KITU_OPARL_CONTACT_NAME = "Geschäftsstelle"
    assert get(client, f"{API}/system") == {
        "id": "http://testserver/oparl/v1/system",
        "type": SCHEMA + "System",
        "oparlVersion": "https://schema.oparl.org/1.1/",
        "body": "http://testserver/oparl/v1/body",
        "name": "Kommunale IT-UNION eG: Digitale Gremienarbeit",
        "contactEmail": "oparl@kitu.example",
        "contactName": "Geschäftsstelle",
        "website": "http://testserver/",
        "vendor": "http://testserver/",
        "product": "http://testserver/",
    }


@pytest.mark.django_db
def test_bodies_are_the_enabled_towns_with_their_lists(client: Client, council_world: dict[str, Any]) -> None:
    Body.objects.filter(slug="zeitz").update(is_enabled=False)
    page = get(client, f"{API}/body")
    assert [body["id"] for body in page["data"]] == ["http://testserver/oparl/v1/body/wernigerode"]
    body = get(client, W)
    assert body == page["data"][0]
    for key, kind in BODY_KEYS.items():
        assert body[key] == f"http://testserver{W}/{kind}"
    assert body["system"] == "http://testserver/oparl/v1/system"
    assert [term["name"] for term in body["legislativeTerm"]] == ["Wahlperiode 2024–2029"]
    assert "body" not in body["legislativeTerm"][0]  # embedded: no back reference
    assert body["contactEmail"] == "rat@wernigerode.example"
    assert body["license"] == "https://creativecommons.org/licenses/by/4.0/"
    # a disabled town answers nothing: not the body, not its lists, not its objects
    paper = council_world["public_paper"]
    Body.objects.filter(slug="wernigerode").update(is_enabled=False)
    for url in (W, f"{W}/paper", f"{W}/paper/{paper.pk}", f"{W}/file/{council_world['public_file'].pk}/access"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["type"] == SCHEMA + "Error"


# --- walking every list -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [1, 2, 100])
def test_a_walk_finds_every_public_object_exactly_once(client: Client, rich_world: dict[str, Any], limit: int) -> None:
    lists = walk_all(client, query=f"?limit={limit}")
    vis = Visibility.public(rich_world["body"])
    expected = {
        "organization": vis.organizations(),
        "person": vis.persons(),
        "meeting": vis.meetings(),
        "paper": vis.papers(),
        "agendaItem": vis.agenda_items(),
        "consultation": vis.consultations(),
        "file": vis.files(),
        "membership": vis.memberships(),
        "location": vis.locations(),
        "legislativeTerm": vis.terms(),
    }
    for kind, objects in lists.items():
        assert [pk_of(obj["id"]) for obj in objects] == sorted(expected[kind].values_list("pk", flat=True)), kind
        assert all(obj["type"] == SCHEMA + LISTS[kind][0] for obj in objects)
        assert all("deleted" not in obj for obj in objects)  # no tombstones without modified_since
    w = rich_world
    assert {pk_of(o["id"]) for o in lists["paper"]} == {w["public_paper"].pk, w["invited_paper"].pk, w["held_paper"].pk}
    assert {pk_of(o["id"]) for o in lists["agendaItem"]} == {
        w["public_item"].pk,
        w["invited_item"].pk,
        w["held_item"].pk,
    }
    assert len(lists["meeting"]) == 5  # published, invited, scheduled, held, cancelled


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [1, 2])
def test_the_file_list_read_in_small_chunks_is_the_same(
    client: Client, rich_world: dict[str, Any], limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file list pages through candidate rows a chunk at a time (``Visibility.files(among=)``): with
    chunks of one page, every visible file still appears once, in order, and no other."""
    from kitu.council.oparl import views as oparl_views

    monkeypatch.setattr(oparl_views, "CHUNK_FACTOR", 1)
    monkeypatch.setattr(oparl_views, "CHUNK_MIN", 1)
    body = get(client, f"{API}/body/wernigerode")
    objects = [obj for _url, page in walk(client, body["file"] + f"?limit={limit}") for obj in page["data"]]
    expected = sorted(Visibility.public(rich_world["body"]).files().values_list("pk", flat=True))
    assert [pk_of(obj["id"]) for obj in objects] == expected
    assert len(expected) >= 3 and rich_world["secret_file"].pk not in expected


@pytest.mark.django_db
def test_every_object_answers_at_its_id_as_listed(client: Client, rich_world: dict[str, Any]) -> None:
    lists = walk_all(client)
    for kind, objects in lists.items():
        for obj in objects:
            assert get(client, obj["id"].removeprefix("http://testserver")) == obj, kind


@pytest.mark.django_db
def test_paging_links_keep_the_filters_and_end(client: Client, rich_world: dict[str, Any]) -> None:
    since = "2000-01-01T00:00:00+01:00"
    pages = list(walk(client, f"{W}/file?created_since={quote(since)}&limit=2"))
    assert len(pages) >= 3
    for _url, page in pages[:-1]:
        assert page["pagination"] == {"elementsPerPage": 2}
        assert len(page["data"]) == 2
        nxt = page["links"]["next"]
        assert "created_since=2000-01-01T00%3A00%3A00%2B01%3A00" in nxt and "limit=2" in nxt, nxt
        assert (
            page["links"]["first"]
            == f"http://testserver{W}/file?created_since=2000-01-01T00%3A00%3A00%2B01%3A00&limit=2"
        )
    assert "next" not in pages[-1][1]["links"]
    # an exact multiple of the page size: the last full page still has a next, the next page is empty
    count = Visibility.public(rich_world["body"]).files().count()
    pages = list(walk(client, f"{W}/file?limit={count}"))
    assert [len(page["data"]) for _url, page in pages] == [count]


# --- filters and tombstones ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_date_filters(client: Client, rich_world: dict[str, Any]) -> None:
    w = rich_world
    papers = [w["public_paper"], w["invited_paper"], w["held_paper"]]
    for day, paper in enumerate(papers, start=1):
        Paper.objects.filter(pk=paper.pk).update(
            created=dt.datetime(2026, 1, day, 12, 0, tzinfo=dt.UTC),
            modified=dt.datetime(2026, 2, day, 12, 0, tzinfo=dt.UTC),
        )

    def ids(query: str) -> list[int]:
        return [pk_of(o["id"]) for o in get(client, f"{W}/paper?{query}")["data"] if not o.get("deleted")]

    a, b, c = (p.pk for p in papers)
    assert ids("created_since=2026-01-02T13%3A00%3A00%2B01%3A00") == sorted([b, c])  # 12:00 UTC is 13:00 here
    assert ids("created_since=2026-01-02T13%3A00%3A01%2B01%3A00") == [c]
    assert ids("created_until=2026-01-02T12%3A00%3A00Z") == sorted([a, b])
    assert ids("created_since=2026-01-02T00%3A00%3A00Z&created_until=2026-01-02T23%3A59%3A59Z") == [b]
    assert ids("modified_until=2026-02-01T12%3A00%3A00%2B00%3A00") == [a]
    assert ids("modified_since=2026-02-03T12%3A00%3A00%2B00%3A00&modified_until=2026-02-04T00%3A00%3A00%2B00%3A00") == [
        c
    ]
    # an unencoded "+" arrives as a space: read as the offset it was meant to be
    assert ids("created_until=2026-01-01T13:00:00+01:00") == [a]
    # the times are given with their offset, in German time, without fractions of a second
    obj = get(client, f"{W}/paper/{a}")
    assert obj["created"] == "2026-01-01T13:00:00+01:00" and obj["modified"] == "2026-02-01T13:00:00+01:00"


@pytest.mark.django_db
def test_tombstones_with_modified_since_and_at_their_urls(client: Client, rich_world: dict[str, Any]) -> None:
    w = rich_world
    since = "?modified_since=2000-01-01T00%3A00%3A00%2B00%3A00"
    lists = walk_all(client, query=since)
    expected_tombstones = {
        "paper": {w["gone"]["paper"].pk},
        "agendaItem": {w["gone"]["agendaItem"].pk, w["orphan_item"].pk},  # its meeting was deleted
        "file": {w["gone"]["file"].pk},
        "legislativeTerm": {w["gone"]["legislativeTerm"].pk},
        "organization": {w["gone"]["organization"].pk},
        "person": {w["gone"]["person"].pk},
        "membership": {w["gone"]["membership"].pk},  # its organization was deleted
        "location": {w["gone"]["location"].pk},
        "meeting": {w["gone"]["meeting"].pk},
        "consultation": set(Consultation.objects.filter(paper=w["gone"]["paper"]).values_list("pk", flat=True)),
    }
    for kind, objects in lists.items():
        tombs = [o for o in objects if o.get("deleted")]
        assert {pk_of(o["id"]) for o in tombs} == expected_tombstones[kind], kind
        for tomb in tombs:
            assert set(tomb) == {"id", "type", "created", "modified", "deleted"}
            assert tomb["type"] == SCHEMA + LISTS[kind][0] and tomb["deleted"] is True
            assert get(client, tomb["id"].removeprefix("http://testserver")) == tomb  # 200, the tombstone
        # the living objects are the same as without the filter
        assert [o for o in objects if not o.get("deleted")] == walk_all(client)[kind]
    gone_paper = w["gone"]["paper"]
    tomb = get(client, f"{W}/paper/{gone_paper.pk}")
    assert (
        tomb["modified"]
        == Paper.objects.get(pk=gone_paper.pk).modified.astimezone(TZ).replace(microsecond=0).isoformat()
    )
    # never public, now deleted: no tombstone, a 404 like any unknown id
    for kind, obj in w["never"].items():
        assert client.get(f"{W}/{kind}/{obj.pk}").status_code == 404
    # a deleted file's content is gone (410), a never-public one's was never there (404)
    assert client.get(f"{W}/file/{w['gone']['file'].pk}/access").status_code == 410
    assert client.get(f"{W}/file/{w['never']['file'].pk}/download").status_code == 404
    # a modified_since after the deletion leaves it out again
    Paper.objects.filter(pk=gone_paper.pk).update(modified=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    later = get(client, f"{W}/paper?modified_since=2026-01-02T00%3A00%3A00%2B00%3A00")["data"]
    assert gone_paper.pk not in {pk_of(o["id"]) for o in later}


@pytest.mark.django_db
def test_a_paper_public_since_a_deletion_is_listed_with_and_without_modified_since(
    client: Client, council_world: dict[str, Any]
) -> None:
    """Undeleting would hide it (its consultation on a non-public item is deleted): it is public now,
    so it is listed as itself, never as a tombstone."""
    w = council_world
    closed = consult(w["public_paper"], w["secret_item"], w["council"])
    closed.deleted = True
    closed.save()
    url = f"http://testserver{W}/paper/{w['public_paper'].pk}"
    for query in ("", "?modified_since=2000-01-01T00%3A00%3A00Z"):
        listed = [o for o in get(client, f"{W}/paper{query}")["data"] if o["id"] == url]
        assert len(listed) == 1 and "deleted" not in listed[0] and listed[0]["name"].startswith("Bebauungsplan")


@pytest.mark.django_db
def test_a_deleted_town_is_a_tombstone(client: Client, council_world: dict[str, Any]) -> None:
    Body.objects.filter(slug="zeitz").update(deleted=True)
    assert [b["id"].rsplit("/", 1)[1] for b in get(client, f"{API}/body")["data"]] == ["wernigerode"]
    listed = get(client, f"{API}/body?modified_since=2000-01-01T00%3A00%3A00Z")["data"]
    tomb = get(client, f"{API}/body/zeitz")
    assert tomb["deleted"] is True and tomb["id"] == "http://testserver/oparl/v1/body/zeitz"
    assert listed[1] == tomb
    assert client.get(f"{API}/body/zeitz/paper").status_code == 404


@pytest.mark.django_db
def test_the_other_towns_ids_are_not_found_here(client: Client, rich_world: dict[str, Any]) -> None:
    for kind, obj in rich_world["zeitz"].items():
        assert get(client, f"{API}/body/zeitz/{kind}/{obj.pk}")["id"].endswith(f"/zeitz/{kind}/{obj.pk}")
        assert client.get(f"{W}/{kind}/{obj.pk}").status_code == 404, kind
    assert client.get(f"{W}/file/{rich_world['zeitz']['file'].pk}/download").status_code == 404
    paper = rich_world["public_paper"]
    assert client.get(f"{API}/body/zeitz/paper/{paper.pk}").status_code == 404
    zeitz = walk_all(client, "zeitz")
    assert all("/body/zeitz/" in o["id"] for objects in zeitz.values() for o in objects)
    assert [o["name"] for o in zeitz["paper"]] == ["Zeitzer Vorlage"]


# --- cost ------------------------------------------------------------------------------------------------------


def _grow(w: dict[str, Any], n: int) -> None:
    """n more public meetings with items, papers, files, consultations, persons and memberships."""
    body, council = w["body"], w["council"]
    for i in range(n):
        meeting = make_meeting(
            body, council, start=dt.datetime(2025, 1, 1 + i % 28, 17, tzinfo=TZ), state="veröffentlicht"
        )
        item = make_agenda_item(meeting, 1, f"Punkt {i}", result=AgendaResult.ADOPTED)
        make_agenda_item(meeting, 2, f"Geheim {i}", public=False)
        paper = make_paper(body, f"G/{i}/2025", f"Vorlage {i}")
        paper.related_papers.add(w["public_paper"])
        consult(paper, item, council)
        make_file(paper=paper, text=f"Datei {i}")
        make_file(meeting=meeting, role=FileRole.INVITATION, text=f"Einladung {i}")
        person = make_person(body, f"P{i}", "Person")
        make_membership(person, council)
        Attendance.objects.create(meeting=meeting, person=person, status=AttendanceStatus.PRESENT)


@pytest.mark.django_db
def test_a_list_page_costs_the_same_queries_for_few_and_many(client: Client, rich_world: dict[str, Any]) -> None:
    def costs() -> dict[str, int]:
        out = {}
        for kind in [*LISTS, "body"]:
            url = f"{API}/body" if kind == "body" else f"{W}/{kind}"
            for query in ("", "?modified_since=2000-01-01T00%3A00%3A00Z"):
                with CaptureQueriesContext(connection) as queries:
                    get(client, url + query)
                out[kind + query] = len(queries)
        return out

    few = costs()
    _grow(rich_world, 12)
    many = costs()
    assert many == few
    assert max(many.values()) <= 16, many
