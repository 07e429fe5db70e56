"""Public council pages /rat/<slug>/: what each reader sees (the non-public rule on every page, the file
download and the iCal feed), results only once published, dates in words, contact only with consent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import ROLES, login, make_user
from kitu.accounts.roles import Role
from kitu.council.models import MeetingState, Vote, VoteChoice

from .factories import TZ, make_meeting

pytestmark = pytest.mark.django_db

# What only the council (and its office) may ever read, in the council_world.
SECRET_STADTRAT = ("Grundstücksangelegenheit Lindenallee", "BV/0045/2026", "Flurstück 12/3", "120.000 EUR")
SECRET_COMMITTEE = ("Vergabe Winterdienst", "BV/0102/2026")
DRAFT = ("Haushaltssatzung", "BV/0150/2026")
SECRETS = SECRET_STADTRAT + SECRET_COMMITTEE + DRAFT


@pytest.fixture
def readers(council_world: dict[str, Any]) -> dict[str, Any]:
    """Everyone who reads Wernigerode's council pages as the public: anonymous, every role of ``world``,
    a councillor of Zeitz and Zeitz's council office."""
    w = council_world
    zeitz_office = make_user("ratsbuero@zeitz.example", [(w["zeitz"].organisation, Role.COUNCIL_OFFICE)])
    users: dict[str, Any] = {role or "anonymous": (w["users"][role] if role else None) for role in ROLES}
    users["other_councillor"] = w["users"]["other_councillor"]
    users["zeitz_office"] = zeitz_office
    return users


def client_as(user: Any) -> Client:
    client = Client()
    return login(client, user) if user is not None else client


def pages(w: dict[str, Any]) -> list[str]:
    slug = "wernigerode"
    return [
        reverse("council:town", args=[slug]),
        reverse("council:meetings", args=[slug]),
        reverse("council:meetings", args=[slug]) + "?monat=2026-03",
        reverse("council:meetings", args=[slug]) + "?monat=2026-12",
        reverse("council:meeting", args=[slug, w["published"].pk]),
        reverse("council:meeting", args=[slug, w["invited"].pk]),
        reverse("council:meeting", args=[slug, w["scheduled"].pk]),
        reverse("council:papers", args=[slug]),
        reverse("council:paper", args=[slug, w["public_paper"].pk]),
        reverse("council:paper", args=[slug, w["invited_paper"].pk]),
        reverse("council:persons", args=[slug]),
        reverse("council:person", args=[slug, w["anna"].pk]),
        reverse("council:organizations", args=[slug]),
        reverse("council:organization", args=[slug, w["council"].pk]),
        reverse("council:organization", args=[slug, w["committee"].pk]),
    ]


def hidden(w: dict[str, Any]) -> list[str]:
    """Addresses of things the public must not reach."""
    slug = "wernigerode"
    return [
        reverse("council:paper", args=[slug, w["secret_paper"].pk]),
        reverse("council:paper", args=[slug, w["committee_secret"].pk]),
        reverse("council:paper", args=[slug, w["draft_paper"].pk]),
        reverse("council:file", args=[slug, w["secret_file"].pk, "x.pdf"]),
        reverse("council:file", args=[slug, w["committee_secret"].files.get().pk, "x.pdf"]),
    ]


def test_every_public_reader_sees_public_parts_and_nothing_non_public(
    council_world: dict[str, Any], readers: dict[str, Any]
) -> None:
    w = council_world
    for name, user in readers.items():
        client = client_as(user)
        for url in pages(w):
            response = client.get(url)
            assert response.status_code == 200, (name, url)
            text = response.content.decode()
            for secret in SECRETS:
                assert secret not in text, (name, url, secret)
            assert "nicht öffentlich" not in text, (name, url)
        for url in hidden(w):
            assert client.get(url).status_code == 404, (name, url)
        meeting = client.get(reverse("council:meeting", args=["wernigerode", w["published"].pk])).content.decode()
        assert "Bebauungsplan Nr. 44" in meeting
        assert "20 Ja, 3 Nein, 1 Enthaltungen" in meeting
        assert "Der Stadtrat beschließt den Bebauungsplan." in meeting
        public_file = client.get(reverse("council:file", args=["wernigerode", w["public_file"].pk, "a.pdf"]))
        assert public_file.status_code == 200, name


def test_meeting_page_shows_date_in_words_place_bodies_and_numbered_agenda(council_world: dict[str, Any]) -> None:
    w = council_world
    text = Client().get(reverse("council:meeting", args=["wernigerode", w["published"].pk])).content.decode()
    assert "Donnerstag, 12. März 2026, 17:00 Uhr" in text
    assert "TOP 1" in text and "TOP 2" not in text
    assert "Stadtrat" in text
    assert "beschlossen" in text
    assert "Niederschrift oeffentlich.pdf" in text  # the protocol, published
    invited = Client().get(reverse("council:meeting", args=["wernigerode", w["invited"].pk])).content.decode()
    assert "Radweg Nöschenröder Straße" in invited
    assert "Dienstag, 15. Dezember 2026, 17:00 Uhr" in invited
    scheduled = Client().get(reverse("council:meeting", args=["wernigerode", w["scheduled"].pk])).content.decode()
    assert "Die Tagesordnung wird mit der Einladung veröffentlicht." in scheduled


def test_councillor_sees_non_public_items_of_own_bodies_marked(council_world: dict[str, Any]) -> None:
    w = council_world
    anna = client_as(w["users"]["councillor"])  # Stadtrat and committee
    bernd = client_as(w["users"]["committee_councillor"])  # committee only
    url = reverse("council:meeting", args=["wernigerode", w["published"].pk])
    text = anna.get(url).content.decode()
    assert "Grundstücksangelegenheit Lindenallee" in text and "nicht öffentlich" in text
    assert "Verkauf an die Käuferin zum Preis von 120.000 EUR." in text
    text = bernd.get(url).content.decode()
    assert "Grundstücksangelegenheit Lindenallee" not in text and "120.000" not in text
    invited = reverse("council:meeting", args=["wernigerode", w["invited"].pk])
    assert "Vergabe Winterdienst" in bernd.get(invited).content.decode()
    secret_paper = reverse("council:paper", args=["wernigerode", w["secret_paper"].pk])
    secret_file = reverse("council:file", args=["wernigerode", w["secret_file"].pk, "x.pdf"])
    assert anna.get(secret_paper).status_code == 200
    assert anna.get(secret_file).status_code == 200
    assert bernd.get(secret_paper).status_code == 404
    assert bernd.get(secret_file).status_code == 404
    assert bernd.get(reverse("council:paper", args=["wernigerode", w["draft_paper"].pk])).status_code == 404
    # a councillor of Zeitz is the public in Wernigerode, and Anna is the public in Zeitz
    assert client_as(w["users"]["other_councillor"]).get(secret_file).status_code == 404


def test_office_sees_drafts_and_everything_marked(council_world: dict[str, Any]) -> None:
    w = council_world
    office = client_as(w["users"]["council_office"])
    text = office.get(reverse("council:papers", args=["wernigerode"])).content.decode()
    for reference in ("BV/0044/2026", "BV/0045/2026", "BV/0101/2026", "BV/0102/2026", "BV/0150/2026"):
        assert reference in text
    assert office.get(reverse("council:paper", args=["wernigerode", w["draft_paper"].pk])).status_code == 200


def test_results_and_minutes_hidden_until_published(council_world: dict[str, Any]) -> None:
    w = council_world
    meeting = w["published"]
    meeting.state = MeetingState.HELD
    meeting.published_at = None
    meeting.save()
    url = reverse("council:meeting", args=["wernigerode", meeting.pk])
    protocol = reverse("council:file", args=["wernigerode", w["protocol"].pk, "n.pdf"])
    for client in (Client(), client_as(w["users"]["requester"])):
        text = client.get(url).content.decode()
        assert "Bebauungsplan Nr. 44" in text  # the public agenda stays
        for result in ("beschlossen", "20 Ja", "Der Stadtrat beschließt", "Niederschrift oeffentlich"):
            assert result not in text
        assert "sobald die Niederschrift veröffentlicht ist" in text
        assert client.get(protocol).status_code == 404
        paper = client.get(reverse("council:paper", args=["wernigerode", w["public_paper"].pk])).content.decode()
        assert "beschlossen" not in paper.split("Beratungsfolge")[1] and "noch offen" in paper
        town = client.get(reverse("council:town", args=["wernigerode"])).content.decode()
        assert "Noch keine Ergebnisse veröffentlicht." in town
    # a councillor of the town sees the results once the meeting is held
    assert "20 Ja, 3 Nein" in client_as(w["users"]["councillor"]).get(url).content.decode()


def test_paper_page_shows_consultation_history_and_files(council_world: dict[str, Any]) -> None:
    w = council_world
    text = Client().get(reverse("council:paper", args=["wernigerode", w["public_paper"].pk])).content.decode()
    assert "Beschlussvorlage" in text and "2. März 2026" in text
    assert '<th class="kern-table__header" scope="col">Gremium</th>' in text
    assert "Vorberatung (beschließend)" in text
    assert "12. März 2026" in text and "TOP 1" in text
    assert "beschlossen (20 Ja, 3 Nein, 1 Enthaltungen)" in text
    assert reverse("council:file", args=["wernigerode", w["public_file"].pk, "Bebauungsplan Begruendung.pdf"]) in text
    assert "Meine Notiz" not in text


def test_persons_show_contact_only_with_consent(council_world: dict[str, Any]) -> None:
    w = council_world
    text = Client().get(reverse("council:persons", args=["wernigerode"])).content.decode()
    assert "Dr. Anna Schmidt" in text and "anna@example.org" in text and "03943 1234" in text
    assert "Bernd Müller" in text and "bernd@example.org" not in text
    assert "Fraktion Bürgerliste" in text
    person = Client().get(reverse("council:person", args=["wernigerode", w["bernd"].pk])).content.decode()
    assert "bernd@example.org" not in person and "Bau- und Umweltausschuss" in person and "Vorsitz" in person
    org = Client().get(reverse("council:organization", args=["wernigerode", w["committee"].pk])).content.decode()
    assert "Bernd Müller" in org and "Dr. Anna Schmidt" in org and "Tobias Kascha" not in org
    assert "Radweg" not in org and w["invited"].name in org
    orgs = Client().get(reverse("council:organizations", args=["wernigerode"])).content.decode()
    assert orgs.index("Gremium") < orgs.index("Fraktion Bürgerliste")


def test_unknown_disabled_or_other_town_objects_are_404(council_world: dict[str, Any]) -> None:
    w = council_world
    client = Client()
    assert client.get("/rat/gibtsnicht/").status_code == 404
    assert client.get("/rat/gibtsnicht/sitzungen.ics").status_code == 404
    # objects of Wernigerode under Zeitz's address
    assert client.get(reverse("council:meeting", args=["zeitz", w["published"].pk])).status_code == 404
    assert client.get(reverse("council:paper", args=["zeitz", w["public_paper"].pk])).status_code == 404
    assert client.get(reverse("council:file", args=["zeitz", w["public_file"].pk, "a.pdf"])).status_code == 404
    assert client.get(reverse("council:person", args=["zeitz", w["anna"].pk])).status_code == 404
    assert client.get(reverse("council:organization", args=["zeitz", w["council"].pk])).status_code == 404
    body = w["body"]
    body.is_enabled = False
    body.save()
    office = client_as(w["users"]["council_office"])
    for url in [*pages(w), reverse("council:ical", args=["wernigerode"])]:
        assert client.get(url).status_code == 404, url
        assert office.get(url).status_code == 404, url


def test_deleted_objects_are_gone(council_world: dict[str, Any]) -> None:
    w = council_world
    for key in ("public_paper", "published", "anna", "public_file"):
        w[key].deleted = True
        w[key].save()
    client = Client()
    assert client.get(reverse("council:paper", args=["wernigerode", w["public_paper"].pk])).status_code == 404
    assert client.get(reverse("council:meeting", args=["wernigerode", w["published"].pk])).status_code == 404
    assert client.get(reverse("council:person", args=["wernigerode", w["anna"].pk])).status_code == 404
    assert client.get(reverse("council:file", args=["wernigerode", w["public_file"].pk, "a.pdf"])).status_code == 404


def test_file_download_headers(council_world: dict[str, Any]) -> None:
    w = council_world
    f = w["public_file"]
    f.file_name = "Begründung „Entwurf“ 1.pdf"
    f.save()
    response = Client().get(reverse("council:file", args=["wernigerode", f.pk, "egal.pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Begr%C3%BCndung%20%E2%80%9EEntwurf%E2%80%9C%201.pdf" in disposition
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert content.startswith(b"%PDF-1.4")


def test_ical_feed_is_public_whoever_asks(council_world: dict[str, Any]) -> None:
    w = council_world
    url = reverse("council:ical", args=["wernigerode"])
    for user in (None, w["users"]["councillor"], w["users"]["committee_councillor"], w["users"]["council_office"]):
        response = client_as(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        text = response.content.decode().replace("\r\n ", "")
        assert text.count("BEGIN:VEVENT") == 3
        assert "Radweg Nöschenröder Straße" in text and "Bebauungsplan Nr. 44" in text
        for secret in (*SECRETS, "nicht öffentlich", "nichtöffentlich"):
            assert secret not in text, (user, secret)


def test_meetings_by_month_with_previous_and_next(council_world: dict[str, Any]) -> None:
    w = council_world
    url = reverse("council:meetings", args=["wernigerode"])
    text = Client().get(url + "?monat=2026-03").content.decode()
    assert "Sitzungen im März 2026" in text and w["published"].name in text
    assert "?monat=2026-02" in text and "?monat=2026-04" in text
    assert "In diesem Monat gibt es keine Sitzungen." in Client().get(url + "?monat=2026-05").content.decode()
    for odd in ("2026-13", "x", "9999-01", "2026-3", "'; drop table", "🗓️" * 500):
        assert Client().get(url, {"monat": odd}).status_code == 200
    assert Client().get(url, {"monat": "\x00"}).status_code == 400  # the platform refuses NUL everywhere
    december = Client().get(url + "?monat=2026-12").content.decode()
    assert "?monat=2027-01" in december and "?monat=2026-11" in december


def test_cancelled_meeting_is_marked(council_world: dict[str, Any]) -> None:
    w = council_world
    meeting = make_meeting(
        w["body"], w["council"], start=dt.datetime(2027, 2, 4, 17, 0, tzinfo=TZ), name="Sondersitzung", cancelled=True
    )
    text = Client().get(reverse("council:meeting", args=["wernigerode", meeting.pk])).content.decode()
    assert "Diese Sitzung ist abgesagt." in text


def test_pages_are_get_only(council_world: dict[str, Any]) -> None:
    client = Client()
    assert client.post(reverse("council:town", args=["wernigerode"])).status_code == 405
    assert client.post(reverse("council:papers", args=["wernigerode"]), {"q": "x"}).status_code == 405


def test_named_votes_shown_with_the_results_only(council_world: dict[str, Any]) -> None:
    w = council_world
    item = w["public_item"]
    item.named_vote = True
    item.save()
    Vote.objects.create(agenda_item=item, person=w["anna"], choice=VoteChoice.YES)
    Vote.objects.create(agenda_item=item, person=w["mayor"], choice=VoteChoice.NO)
    url = reverse("council:meeting", args=["wernigerode", w["published"].pk])
    text = Client().get(url).content.decode()
    assert "Namentliche Abstimmung" in text
    assert "Dr. Anna Schmidt: Ja" in text and "Tobias Kascha: Nein" in text
    meeting = w["published"]
    meeting.state = MeetingState.HELD
    meeting.save()
    assert "Dr. Anna Schmidt: Ja" not in Client().get(url).content.decode()


def test_files_are_named_in_words(council_world: dict[str, Any]) -> None:
    w = council_world
    text = Client().get(reverse("council:paper", args=["wernigerode", w["public_paper"].pk])).content.decode()
    assert "(Hauptdokument, PDF, " in text
    assert "application/pdf" not in text


def test_councillor_and_office_find_their_way_on(council_world: dict[str, Any]) -> None:
    w = council_world
    town = reverse("council:town", args=["wernigerode"])
    anna = client_as(w["users"]["councillor"]).get(town).content.decode()
    assert reverse("council:councillor_home") in anna
    office = client_as(w["users"]["council_office"]).get(town).content.decode()
    assert reverse("council:office", args=["wernigerode"]) in office
    public = Client().get(town).content.decode()
    assert reverse("council:councillor_home") not in public and "/sitzungsdienst/" not in public


def test_ical_feed_follows_every_change(council_world: dict[str, Any]) -> None:
    w = council_world
    url = reverse("council:ical", args=["wernigerode"])
    assert b"Vergabe Winterdienst" not in Client().get(url).content
    item = w["committee_item"]
    item.public = True
    item.save()
    assert "Vergabe Winterdienst" in Client().get(url).content.decode().replace("\r\n ", "")
    meeting = w["invited"]
    meeting.name = "Sondersitzung Bauausschuss"
    meeting.save()
    assert "Sondersitzung Bauausschuss" in Client().get(url).content.decode().replace("\r\n ", "")
    meeting.deleted = True
    meeting.save()
    assert "Sondersitzung" not in Client().get(url).content.decode().replace("\r\n ", "")
