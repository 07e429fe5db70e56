"""OParl and the public: nothing non-public of council_world appears anywhere in a full walk, results only
once published, and the embedded objects every public object carries."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from kitu.council.models import Consultation, Meeting, MeetingState
from kitu.council.visibility import Visibility

from .oparl_client import API, LISTS, SCHEMA, SECRETS, W, get, pk_of, walk, walk_all

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
