"""The OParl 1.1 interface (/oparl/v1/): the entry point, the lists and their paging and filters,
tombstones, files, CORS and errors, the query count of a list page, and above all that nothing
non-public of council_world appears anywhere in a full walk."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import ROLES, login
from kitu.council.models import (
    AgendaItem,
    AgendaResult,
    Attendance,
    AttendanceStatus,
    Body,
    Consultation,
    File,
    FileRole,
    LegislativeTerm,
    Location,
    Meeting,
    MeetingState,
    Membership,
    Organization,
    Paper,
    Person,
)
from kitu.council.visibility import Visibility

from .factories import (
    TZ,
    consult,
    make_agenda_item,
    make_file,
    make_meeting,
    make_membership,
    make_organization,
    make_paper,
    make_person,
    make_term,
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


@pytest.fixture
def rich_world(council_world: dict[str, Any]) -> dict[str, Any]:
    """council_world plus everything an OParl object can carry: a location, files of every role,
    attendance, related papers (one of them secret), a held but unpublished meeting, a cancelled one,
    and deleted objects of every kind (some once public, some never)."""
    w = council_world
    body, council, committee, group = w["body"], w["council"], w["committee"], w["group"]
    town_hall = Location.objects.create(
        body=body,
        description="Rathaus, Großer Sitzungssaal",
        street_address="Marktplatz 1",
        room="Saal 1",
        postal_code="38855",
        locality="Wernigerode",
        sub_locality="Altstadt",
        geojson={"type": "Feature", "geometry": {"type": "Point", "coordinates": [10.785, 51.835]}},
    )
    Organization.objects.filter(pk=committee.pk).update(
        sub_organization_of=council,
        post=["Vorsitz", "Mitglied"],
        start_date=dt.date(2024, 7, 1),
        website="https://www.wernigerode.de/",
        location=town_hall,
        keyword=["Bauen"],
    )
    mayor = w["mayor"]
    Person.objects.filter(pk=mayor.pk).update(form_of_address="Herr", affix="MdL", gender="male")
    published = w["published"]
    Meeting.objects.filter(pk=published.pk).update(location=town_hall)
    for role in (FileRole.INVITATION, FileRole.VERBATIM_PROTOCOL, FileRole.AUXILIARY):
        make_file(meeting=published, role=role, text=f"Sitzung {role}")
    Attendance.objects.create(meeting=published, person=mayor, status=AttendanceStatus.PRESENT)
    Attendance.objects.create(meeting=published, person=w["anna"], status=AttendanceStatus.PRESENT)
    Attendance.objects.create(meeting=published, person=w["bernd"], status=AttendanceStatus.EXCUSED)
    public_item = w["public_item"]
    AgendaItem.objects.filter(pk=public_item.pk).update(
        start=dt.datetime(2026, 3, 12, 17, 5, tzinfo=TZ), end=dt.datetime(2026, 3, 12, 17, 40, tzinfo=TZ)
    )
    make_file(agenda_item=public_item, role=FileRole.RESOLUTION, text="Beschluss Bebauungsplan")
    make_file(agenda_item=public_item, role=FileRole.AUXILIARY, text="Lageplan")
    make_file(agenda_item=w["secret_item"], role=FileRole.AUXILIARY, text="Nur-intern Anlage")
    public_paper = w["public_paper"]
    make_file(paper=public_paper, role=FileRole.AUXILIARY, text="Anlage Umweltbericht")
    public_paper.related_papers.add(w["invited_paper"], w["secret_paper"], w["draft_paper"])
    public_paper.superordinated_papers.add(w["invited_paper"], w["committee_secret"])
    public_paper.originator_persons.add(w["anna"])
    public_paper.originator_organizations.add(group)
    public_paper.under_direction_of.add(council)
    public_paper.locations.add(town_hall)
    Paper.objects.filter(pk=public_paper.pk).update(keyword=["Bauleitplanung"])

    # held, results not yet published: its public item is visible, its result and protocol are not
    held = make_meeting(body, committee, start=dt.datetime(2026, 11, 5, 17, 0, tzinfo=TZ), state=MeetingState.HELD)
    held_item = make_agenda_item(
        held, 1, "Spielplatz Kurpark", result=AgendaResult.REJECTED, resolution_text="GEHEIM-ERGEBNIS", votes_yes=1
    )
    held_paper = make_paper(body, "BV/0090/2026", "Spielplatz Kurpark")
    consult(held_paper, held_item, committee)
    make_file(meeting=held, role=FileRole.RESULTS_PROTOCOL, text="Geheimprotokoll")
    make_file(agenda_item=held_item, role=FileRole.RESOLUTION, text="Geheimprotokoll Beschluss")
    cancelled = make_meeting(body, council, start=dt.datetime(2026, 10, 1, 17, 0, tzinfo=TZ), cancelled=True)

    # deleted, once public: each becomes a tombstone
    gone_paper = make_paper(body, "BV/0046/2026", "Zurückgezogene Vorlage")
    gone_item = make_agenda_item(published, 3, "Zurückgezogene Vorlage")
    consult(gone_paper, gone_item, council)
    gone_file = make_file(paper=public_paper, role=FileRole.AUXILIARY, text="Veraltete Anlage")
    gone_term = make_term(body, "Wahlperiode 2019–2024")
    gone_org = make_organization(body, "Aufgelöster Ausschuss")
    gone_person = make_person(body, "Gerd", "Gegangen")
    gone_membership = make_membership(w["anna"], gone_org)
    gone_location = Location.objects.create(body=body, description="Altes Rathaus")
    gone_meeting = make_meeting(body, council, start=dt.datetime(2026, 2, 1, 17, 0, tzinfo=TZ), state="eingeladen")
    orphan_item = make_agenda_item(gone_meeting, 1, "Punkt einer gelöschten Sitzung")
    for obj in (gone_paper, gone_item, gone_file, gone_term, gone_org, gone_person, gone_location, gone_meeting):
        obj.deleted = True
        obj.save()
    # deleted, never public: stays a 404 and is never listed
    never_paper = make_paper(body, "BV/0047/2026", "Nur-intern Grundstück", public=False)
    never_item = make_agenda_item(published, 4, "Nur-intern Personalsache", public=False)
    consult(never_paper, never_item, council)
    never_file = make_file(paper=never_paper, text="Nur-intern Akte")
    for obj in (never_paper, never_item, never_file):
        obj.deleted = True
        obj.save()

    # the other town has public data of its own
    zeitz = w["zeitz_body"]
    z_council = make_organization(zeitz, "Stadtrat Zeitz")
    z_meeting = make_meeting(zeitz, z_council, start=dt.datetime(2026, 4, 1, 17, 0, tzinfo=TZ), state="veröffentlicht")
    z_item = make_agenda_item(z_meeting, 1, "Zeitzer Punkt")
    z_paper = make_paper(zeitz, "Z/1/2026", "Zeitzer Vorlage")
    consult(z_paper, z_item, z_council)
    z_file = make_file(paper=z_paper, text="Zeitzer Datei")
    return {
        **w,
        "town_hall": town_hall,
        "held": held,
        "held_item": held_item,
        "held_paper": held_paper,
        "cancelled": cancelled,
        "gone": {
            "paper": gone_paper,
            "agendaItem": gone_item,
            "file": gone_file,
            "legislativeTerm": gone_term,
            "organization": gone_org,
            "person": gone_person,
            "membership": gone_membership,
            "location": gone_location,
            "meeting": gone_meeting,
        },
        "orphan_item": orphan_item,
        "never": {"paper": never_paper, "agendaItem": never_item, "file": never_file},
        "zeitz": {
            "meeting": z_meeting,
            "agendaItem": z_item,
            "paper": z_paper,
            "file": z_file,
            "organization": z_council,
        },
    }


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


# --- nothing that is not public ---------------------------------------------------------------------------


def _secret_ids(w: dict[str, Any]) -> dict[str, list[int]]:
    vis = Visibility.public(w["body"])
    out: dict[str, list[int]] = {}
    for kind, (_type, model) in LISTS.items():
        if kind == "membership":
            everything = model.objects.filter(organization__body=w["body"])
        elif kind in ("agendaItem",):
            everything = model.objects.filter(meeting__body=w["body"])
        elif kind == "consultation":
            everything = model.objects.filter(paper__body=w["body"])
        else:
            everything = model.objects.filter(body=w["body"])
        public = {
            "organization": vis.organizations,
            "person": vis.persons,
            "meeting": vis.meetings,
            "paper": vis.papers,
            "agendaItem": vis.agenda_items,
            "consultation": vis.consultations,
            "file": vis.files,
            "membership": vis.memberships,
            "location": vis.locations,
            "legislativeTerm": vis.terms,
        }[kind]()
        once_public = {
            "paper": [w["gone"]["paper"].pk],
            "agendaItem": [w["gone"]["agendaItem"].pk, w["orphan_item"].pk],
            "file": [w["gone"]["file"].pk],
            "consultation": list(
                Consultation.objects.filter(agenda_item=w["gone"]["agendaItem"]).values_list("pk", flat=True)
            ),
        }.get(kind, [])
        gone = [obj.pk for key, obj in w["gone"].items() if key == kind]
        out[kind] = sorted(
            set(everything.values_list("pk", flat=True))
            - set(public.values_list("pk", flat=True))
            - set(once_public)
            - set(gone)
            - ({w["gone"]["membership"].pk} if kind == "membership" else set())
        )
    return out


@pytest.mark.django_db
def test_nothing_non_public_appears_anywhere(client: Client, rich_world: dict[str, Any]) -> None:
    w = rich_world
    secret = _secret_ids(w)
    assert w["secret_item"].pk in secret["agendaItem"] and w["committee_item"].pk in secret["agendaItem"]
    assert {w["secret_paper"].pk, w["committee_secret"].pk, w["draft_paper"].pk} <= set(secret["paper"])
    assert w["secret_file"].pk in secret["file"]
    assert len(secret["consultation"]) >= 3 and len(secret["file"]) >= 5
    texts = [json.dumps(get(client, f"{API}/system")), json.dumps(get(client, f"{API}/body"))]
    for query in ("", "?modified_since=2000-01-01T00%3A00%3A00%2B00%3A00", "?omit_internal=true"):
        lists = walk_all(client, query=query)
        texts.append(json.dumps(lists, ensure_ascii=False))
        for objects in lists.values():
            for obj in objects:
                texts.append(client.get(obj["id"].removeprefix("http://testserver")).content.decode())
        for org in lists["organization"]:
            for key in ("meeting", "consultation"):
                if key in org:
                    texts += [json.dumps(page, ensure_ascii=False) for _url, page in walk(client, org[key] + query)]
    everything = "\n".join(texts)
    for word in SECRETS:
        assert word not in everything, word
    for kind, ids in secret.items():
        for pk in ids:
            assert not re.search(rf"/{kind}/{pk}(?![0-9])", everything), f"{kind} {pk} is named"
            for url in (f"{W}/{kind}/{pk}",) + (
                (f"{W}/file/{pk}/access", f"{W}/file/{pk}/download") if kind == "file" else ()
            ):
                response = client.get(url)
                assert response.status_code == 404, url
                assert response.json() == {
                    "type": SCHEMA + "Error",
                    "message": "Dieses Objekt gibt es nicht oder es ist nicht öffentlich.",
                    "debug": response.json()["debug"],
                }


@pytest.mark.django_db
def test_a_never_public_id_is_answered_like_a_missing_one(client: Client, rich_world: dict[str, Any]) -> None:
    secret = client.get(f"{W}/paper/{rich_world['secret_paper'].pk}")
    deleted_secret = client.get(f"{W}/paper/{rich_world['never']['paper'].pk}")
    missing = client.get(f"{W}/paper/999999")
    huge = client.get(f"{W}/paper/99999999999999999999999")
    for response in (secret, deleted_secret, missing, huge):
        assert response.status_code == 404
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response.json()["message"] == missing.json()["message"]


@pytest.mark.django_db
def test_results_of_a_meeting_appear_once_published(client: Client, rich_world: dict[str, Any]) -> None:
    held, item = rich_world["held"], rich_world["held_item"]
    meeting = get(client, f"{W}/meeting/{held.pk}")
    assert [entry["id"] for entry in meeting["agendaItem"]] == [f"http://testserver{W}/agendaItem/{item.pk}"]
    for obj in (meeting["agendaItem"][0], get(client, f"{W}/agendaItem/{item.pk}")):
        assert not {"result", "resolutionText", "resolutionFile", "kitu:votes"} & set(obj)
    assert "resultsProtocol" not in meeting and "participant" not in meeting
    Meeting.objects.filter(pk=held.pk).update(state=MeetingState.PUBLISHED)
    meeting = get(client, f"{W}/meeting/{held.pk}")
    entry = meeting["agendaItem"][0]
    assert entry["result"] == "abgelehnt" and entry["resolutionText"] == "GEHEIM-ERGEBNIS"
    assert entry["resolutionFile"]["name"] == "Geheimprotokoll Beschluss.pdf"
    assert entry["kitu:votes"] == {"yes": 1, "no": None, "abstain": None}
    assert meeting["resultsProtocol"]["name"] == "Geheimprotokoll.pdf"


@pytest.mark.django_db
def test_meeting_paper_and_person_carry_their_embedded_objects(client: Client, rich_world: dict[str, Any]) -> None:
    w = rich_world
    meeting = get(client, f"{W}/meeting/{w['published'].pk}")
    assert meeting["location"]["description"] == "Rathaus, Großer Sitzungssaal"
    assert meeting["invitation"]["name"] == "Sitzung invitation.pdf"
    assert meeting["resultsProtocol"]["name"] == "Niederschrift oeffentlich.pdf"
    assert meeting["verbatimProtocol"]["name"] == "Sitzung verbatim_protocol.pdf"
    assert [f["name"] for f in meeting["auxiliaryFile"]] == ["Sitzung auxiliary.pdf"]
    assert "meeting" not in meeting["invitation"]  # embedded: no back reference
    assert meeting["participant"] == [
        f"http://testserver{W}/person/{w['mayor'].pk}",
        f"http://testserver{W}/person/{w['anna'].pk}",
    ]
    # only the public items, numbered 0.. without a gap where the non-public item is
    items = meeting["agendaItem"]
    assert [(i["number"], i["order"]) for i in items] == [("1", 0)]
    item = items[0]
    assert "meeting" not in item
    alone = get(client, item["id"].removeprefix("http://testserver"))
    assert alone["order"] == item["order"] and alone["meeting"] == meeting["id"]
    assert {k: v for k, v in alone.items() if k != "meeting"} == item
    assert item["resolutionFile"]["name"] == "Beschluss Bebauungsplan.pdf"
    assert [f["name"] for f in item["auxiliaryFile"]] == ["Lageplan.pdf"]
    assert item["start"] == "2026-03-12T17:05:00+01:00"
    paper = get(client, f"{W}/paper/{w['public_paper'].pk}")
    assert paper["mainFile"]["name"] == "Bebauungsplan Begruendung.pdf"
    assert [f["name"] for f in paper["auxiliaryFile"]] == ["Anlage Umweltbericht.pdf"]  # not the deleted one
    assert paper["relatedPaper"] == [f"http://testserver{W}/paper/{w['invited_paper'].pk}"]
    assert paper["superordinatedPaper"] == [f"http://testserver{W}/paper/{w['invited_paper'].pk}"]
    assert paper["originatorPerson"] == [f"http://testserver{W}/person/{w['anna'].pk}"]
    assert paper["originatorOrganization"] == [f"http://testserver{W}/organization/{w['group'].pk}"]
    assert paper["underDirectionOf"] == [f"http://testserver{W}/organization/{w['council'].pk}"]
    assert [loc["street_address" if False else "streetAddress"] for loc in paper["location"]] == ["Marktplatz 1"]
    assert paper["keyword"] == ["Bauleitplanung"]
    (consultation,) = paper["consultation"]
    assert "paper" not in consultation
    assert consultation["meeting"] == f"http://testserver{W}/meeting/{w['published'].pk}"
    assert consultation["authoritative"] is True
    invited = get(client, f"{W}/paper/{w['invited_paper'].pk}")
    assert invited["subordinatedPaper"] == [f"http://testserver{W}/paper/{w['public_paper'].pk}"]
    anna = get(client, f"{W}/person/{w['anna'].pk}")
    assert anna["email"] == ["anna@example.org"] and anna["phone"] == ["03943 1234"]
    assert {m["organization"].rsplit("/", 1)[1] for m in anna["membership"]} == {
        str(w["council"].pk),
        str(w["committee"].pk),
        str(w["group"].pk),
    }  # not the membership in the deleted organization
    assert all("person" not in m for m in anna["membership"])
    bernd = get(client, f"{W}/person/{w['bernd'].pk}")
    assert "email" not in bernd and "phone" not in bernd  # no consent
    mayor = get(client, f"{W}/person/{w['mayor'].pk}")
    assert (mayor["formOfAddress"], mayor["affix"], mayor["gender"]) == ("Herr", "MdL", "male")
    committee = get(client, f"{W}/organization/{w['committee'].pk}")
    assert committee["subOrganizationOf"] == f"http://testserver{W}/organization/{w['council'].pk}"
    assert committee["post"] == ["Vorsitz", "Mitglied"] and committee["location"]["room"] == "Saal 1"
    cancelled = get(client, f"{W}/meeting/{w['cancelled'].pk}")
    assert cancelled["cancelled"] is True and cancelled["meetingState"] == "terminiert"


@pytest.mark.django_db
def test_an_organizations_meetings_and_consultations(client: Client, rich_world: dict[str, Any]) -> None:
    w = rich_world
    committee = get(client, f"{W}/organization/{w['committee'].pk}")
    meetings = [o for _url, page in walk(client, committee["meeting"] + "?limit=1") for o in page["data"]]
    assert [pk_of(m["id"]) for m in meetings] == sorted([w["invited"].pk, w["held"].pk])
    assert meetings == [get(client, m["id"].removeprefix("http://testserver")) for m in meetings]
    consultations = get(client, committee["consultation"])["data"]
    # the public ones only: not the one of committee_secret on the non-public item
    assert {c["paper"] for c in consultations} == {
        f"http://testserver{W}/paper/{w['invited_paper'].pk}",
        f"http://testserver{W}/paper/{w['held_paper'].pk}",
    }
    gone = w["gone"]["organization"]
    assert client.get(f"{W}/organization/{gone.pk}/meeting").status_code == 404
    assert client.get(f"{W}/organization/{w['zeitz']['organization'].pk}/meeting").status_code == 404
    assert client.get(f"{W}/organization/{w['committee'].pk}/meeting?limit=0").status_code == 400


@pytest.mark.django_db
def test_omit_internal_leaves_out_the_internal_lists(client: Client, rich_world: dict[str, Any]) -> None:
    w = rich_world
    meeting = get(client, f"{W}/meeting/{w['published'].pk}?omit_internal=true")
    assert "agendaItem" not in meeting and "auxiliaryFile" not in meeting and "invitation" in meeting
    paper = get(client, f"{W}/paper/{w['public_paper'].pk}?omit_internal=true")
    assert "auxiliaryFile" not in paper and "location" not in paper and "mainFile" in paper
    person = get(client, f"{W}/person/{w['anna'].pk}?omit_internal=true")
    assert "membership" not in person
    assert len(get(client, f"{W}?omit_internal=true")["legislativeTerm"]) == 1  # obligatory in Body
    page = get(client, f"{W}/meeting?omit_internal=true&limit=1")
    assert "omit_internal=true" in page["links"]["next"]
    assert all("agendaItem" not in m for m in page["data"])


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


# --- parameters, errors, CORS ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=1e3", "limit"),
        ("limit=", "limit"),
        ("limit=99999999999999999999999999", "limit"),
        ("after=abc", "after"),
        ("after=-5", "after"),
        ("after=99999999999999999999", "after"),
        ("created_since=2026-01-01T00%3A00%3A00", "created_since"),
        ("created_until=2026-01-01", "created_until"),
        ("modified_since=yesterday", "modified_since"),
        ("modified_until=2026-13-01T00%3A00%3A00Z", "modified_until"),
        ("modified_since=0000-01-01T00%3A00%3A00%2B01%3A00", "modified_since"),
        ("modified_since=0001-01-01T00%3A00%3A00%2B01%3A00", "modified_since"),
        ("created_since=2026-01-01T00%3A00%3A00%2B25%3A00", "created_since"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(
    client: Client, council_world: dict[str, Any], query: str, parameter: str
) -> None:
    for url in (f"{W}/paper?{query}", f"{API}/body?{query}"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response["Access-Control-Allow-Origin"] == "*"
        data = response.json()
        assert data["type"] == SCHEMA + "Error"
        assert f"„{parameter}“" in data["message"]
        assert data["debug"].startswith(f"parameter {parameter}")


@pytest.mark.django_db
def test_limit_edges(client: Client, rich_world: dict[str, Any]) -> None:
    total = Visibility.public(rich_world["body"]).files().count()
    assert len(get(client, f"{W}/file?limit=1")["data"]) == 1
    assert len(get(client, f"{W}/file?limit=1000")["data"]) == total
    assert get(client, f"{W}/file")["pagination"] == {"elementsPerPage": 100}
    last = get(client, f"{W}/file")["data"][-1]
    assert get(client, f"{W}/file?after={pk_of(last['id'])}")["data"] == []


@pytest.mark.django_db
def test_nul_and_hostile_paths_are_json_errors(client: Client, council_world: dict[str, Any]) -> None:
    for url, status in (
        (f"{W}/paper?created_since=2026%00", 400),
        (f"{W}/paper?limit=1%00", 400),
        (f"{W}/papers", 404),
        (f"{W}/paper/abc", 404),
        (f"{W}/paper/00001", 200),
        (f"{API}/body/../../admin", 404),
        (f"{API}/", 404),
        (f"{API}/body/wernigerode/paper/1/access", 404),
        (f"{API}/body/" + "x" * 300, 404),
        ("/oparl/", 404),
        ("/oparl/v2/system", 404),
    ):
        response = client.get(url)
        assert response["Access-Control-Allow-Origin"] == "*", url
        if status != 200:
            assert response.status_code == status, url
            assert response.json()["type"] == SCHEMA + "Error", url


@pytest.mark.django_db
def test_cors_preflight_and_read_only(client: Client, council_world: dict[str, Any]) -> None:
    paper = council_world["public_paper"]
    before = Paper.objects.get(pk=paper.pk).modified
    response = client.options(f"{W}/paper", HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"{W}/paper/{paper.pk}", data="{}", content_type="application/json")
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response.json()["type"] == SCHEMA + "Error"
    assert Paper.objects.get(pk=paper.pk).modified == before
    assert client.head(f"{W}/paper").status_code == 200


@pytest.mark.django_db
def test_an_error_inside_is_a_json_500(client: Client, council_world: dict[str, Any], monkeypatch: Any) -> None:
    from kitu.council.oparl import render

    def broken(ctx: Any, obj: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(render, "system", broken)
    response = client.get(f"{API}/system")
    assert response.status_code == 500
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["type"] == SCHEMA + "Error"
    assert "boom" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "council_office", "councillor", "committee_councillor", "other_councillor"])
def test_everyone_reads_the_same_public_data(client: Client, rich_world: dict[str, Any], role: str | None) -> None:
    """OParl is the public's interface: a signed-in council office or councillor reads exactly what the
    anonymous public reads (never the non-public items they may see on their own pages), and cannot write."""
    anonymous = walk_all(Client())
    if role is not None:
        login(client, rich_world["users"][role])
    assert walk_all(client) == anonymous
    count = Paper.objects.count()
    assert client.post(f"{W}/paper", data={"name": "x"}).status_code == 405
    assert Paper.objects.count() == count


# --- files ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_file_access_and_download(client: Client, rich_world: dict[str, Any]) -> None:
    doc = rich_world["public_file"]
    meta = get(client, f"{W}/file/{doc.pk}")
    content = File.objects.get(pk=doc.pk).content.read()
    access = client.get(meta["accessUrl"].removeprefix("http://testserver"))
    assert access.status_code == 200
    assert b"".join(access.streaming_content) == content
    assert access["Content-Type"] == "application/pdf"
    assert "attachment" not in access.get("Content-Disposition", "")
    assert access["Access-Control-Allow-Origin"] == "*"
    assert access["ETag"] and access["Last-Modified"]
    download = client.get(meta["downloadUrl"].removeprefix("http://testserver"))
    assert download["Content-Disposition"] == 'attachment; filename="Bebauungsplan Begruendung.pdf"'
    assert b"".join(download.streaming_content) == content
    assert int(download["Content-Length"]) == meta["size"] == len(content)
    assert (
        client.get(meta["accessUrl"].removeprefix("http://testserver"), HTTP_IF_NONE_MATCH=access["ETag"]).status_code
        == 304
    )
    # a type a browser would run is never shown inline
    File.objects.filter(pk=doc.pk).update(mime_type="text/html")
    assert client.get(meta["accessUrl"].removeprefix("http://testserver"))["Content-Type"] == "application/octet-stream"
    # every file of a walk can be fetched, a result file of an unpublished meeting cannot
    for obj in walk_all(client)["file"]:
        assert client.get(obj["downloadUrl"].removeprefix("http://testserver")).status_code == 200
    held_protocol = File.objects.get(meeting=rich_world["held"])
    assert client.get(f"{W}/file/{held_protocol.pk}/access").status_code == 404


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
