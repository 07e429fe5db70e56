"""The office's page for board and supervisory board: people with terms (ending one asks first), resolutions
of both bodies with an optional signed PDF (type by content, decoded size) that appear in the register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import ROLES
from kitu.core.models import AuditEntry
from kitu.governance.models import BodyMember, Resolution
from kitu.governance.services import assemblies

from .conftest import PDF, pdf

pytestmark = pytest.mark.django_db
READERS = {r for r in ROLES if r not in (None, "supplier_user")}
RESOLUTION = {
    "body": "supervisory",
    "title": "Prüfung der Rechenzentrumsverträge",
    "decided_on": "2026-03-04",
    "text": "Der Aufsichtsrat beauftragt die Prüfung.",
    "rule": "simple",
    "yes": "4",
    "no": "1",
    "abstain": "0",
}


def _state() -> tuple[Any, ...]:
    return (
        sorted(BodyMember.objects.values_list("pk", "full_name", "term_end")),
        sorted(Resolution.objects.values_list("pk", "title", "document")),
    )


@pytest.fixture
def person(world: dict[str, Any]) -> BodyMember:
    return assemblies.body_member_add(
        actor=world["admin"],
        body="board",
        full_name="Petra Lindner",
        function="chair",
        term_start=dt.date(2024, 7, 1),
        affiliation="Stadt Wernigerode",
    )


def test_only_the_office_keeps_the_bodies(
    world: dict[str, Any], person: BodyMember, client_for: Callable[[str | None], Client]
) -> None:
    for role in [r for r in ROLES if r != "coop_admin"] + ["coop_admin"]:
        _requests_as(client_for(role), role, person)


def _requests_as(client: Client, role: str | None, person: BodyMember) -> None:
    before = _state()
    requests = [
        ("get", "/genossenschaft/organe/", {}),
        (
            "post",
            "/genossenschaft/organe/personen/",
            {"body": "board", "full_name": "X", "function": "member", "term_start": "2026-01-01"},
        ),
        (
            "post",
            f"/genossenschaft/organe/personen/{person.pk}/ende/",
            {f"p{person.pk}-term_end": "2026-12-31", "bestaetigung": "ja"},
        ),
        ("post", "/genossenschaft/organe/beschluesse/", {**RESOLUTION, "bestaetigung": "ja"}),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        if role is None:
            assert response.status_code == 302 and "/konto/" in response["Location"]
        elif role == "coop_admin":
            assert response.status_code in (200, 302), (url, response.status_code)
        else:
            assert response.status_code == 403, (url, role, response.status_code)
    if role != "coop_admin":
        assert _state() == before
    else:
        assert BodyMember.objects.get(pk=person.pk).term_end == dt.date(2026, 12, 31)
        assert BodyMember.objects.filter(full_name="X", body="board").exists()
        assert Resolution.objects.filter(title=RESOLUTION["title"], body="supervisory", adopted=True).exists()


def test_ending_a_term_asks_first(
    world: dict[str, Any], person: BodyMember, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("coop_admin")
    url = f"/genossenschaft/organe/personen/{person.pk}/ende/"
    page = client.post(url, {f"p{person.pk}-term_end": "2026-06-30"})
    assert page.status_code == 200 and "Amtszeit beenden?" in page.content.decode()
    assert "Petra Lindner" in page.content.decode() and BodyMember.objects.get(pk=person.pk).term_end is None
    done = client.post(url, {f"p{person.pk}-term_end": "2026-06-30", "bestaetigung": "ja"})
    assert done.status_code == 302 and BodyMember.objects.get(pk=person.pk).term_end == dt.date(2026, 6, 30)
    assert AuditEntry.objects.filter(object_id=str(person.pk), action="update").exists()
    # before the start: refused, nothing changes
    early = client.post(url, {f"p{person.pk}-term_end": "2020-01-01", "bestaetigung": "ja"}, follow=True)
    assert "endet vor ihrem Beginn" in early.content.decode()
    assert BodyMember.objects.get(pk=person.pk).term_end == dt.date(2026, 6, 30)
    bad = client.post(url, {f"p{person.pk}-term_end": "morgen", "bestaetigung": "ja"}, follow=True)
    assert "als Datum" in bad.content.decode()
    assert client.post("/genossenschaft/organe/personen/999999/ende/", {}).status_code == 404


def test_adding_a_person_shows_errors_at_the_field(
    world: dict[str, Any], client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("coop_admin")
    data = {
        "body": "board",
        "full_name": "Jens Hartmann",
        "function": "member",
        "term_start": "2026-01-01",
        "term_end": "2025-01-01",
    }
    response = client.post("/genossenschaft/organe/personen/", data)
    assert response.status_code == 400 and "endet vor ihrem Beginn" in response.content.decode()
    response = client.post("/genossenschaft/organe/personen/", {**data, "function": "king", "term_end": ""})
    assert response.status_code == 400
    assert not BodyMember.objects.exists()
    started = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    ok = client.post("/genossenschaft/organe/personen/", {**data, "term_start": started, "term_end": ""})
    assert ok.status_code == 302
    assert "Jens Hartmann" in client_for("requester").get("/genossenschaft/").content.decode()  # in office today


def test_resolution_with_signed_document_appears_in_the_register(
    world: dict[str, Any], client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("coop_admin")
    url = "/genossenschaft/organe/beschluesse/"
    asked = client.post(url, {**RESOLUTION, "document": pdf("beschluss.pdf")})  # first the consequence
    page = asked.content.decode()
    assert asked.status_code == 200 and "Beschluss ins Beschlussregister eintragen?" in page
    assert "als angenommen eingetragen" in page and "nicht mehr ändern" in page
    assert "4 Ja, 1 Nein, 0 Enthaltungen" in page
    assert 'type="file"' in page and 'name="document"' in page  # the file is chosen again
    assert 'name="bestaetigung" value="ja"' in page and 'value="Prüfung der Rechenzentrumsverträge"' in page
    assert not Resolution.objects.exists()
    response = client.post(url, {**RESOLUTION, "bestaetigung": "ja", "document": pdf("beschluss.pdf")})
    assert response.status_code == 302 and response["Location"] == "/genossenschaft/beschluesse/?body=supervisory"
    resolution = Resolution.objects.get(title=RESOLUTION["title"])
    assert (resolution.yes, resolution.no, resolution.adopted, resolution.decided_on) == (
        4,
        1,
        True,
        dt.date(2026, 3, 4),
    )
    assert resolution.document_name == "beschluss.pdf"
    listed = client_for("requester").get("/genossenschaft/beschluesse/?q=rechenzentrum").content.decode()
    assert RESOLUTION["title"] in listed and f"/genossenschaft/organe/beschluesse/{resolution.pk}/dokument/" in listed
    assert "angenommen" in listed
    by_text = client_for("requester").get("/genossenschaft/beschluesse/?q=beauftragt").content.decode()
    assert RESOLUTION["title"] in by_text
    url = f"/genossenschaft/organe/beschluesse/{resolution.pk}/dokument/"
    for role in ROLES:
        answer = client_for(role).get(url)
        expected = 302 if role is None else 200 if role in READERS else 404
        assert answer.status_code == expected, (role, answer.status_code)
        if expected == 200:
            assert answer["Content-Type"] == "application/pdf"
            assert b"".join(answer.streaming_content) == PDF  # type: ignore[attr-defined]


def test_resolution_upload_is_checked_and_nothing_half_written(
    world: dict[str, Any], client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("coop_admin")
    url = "/genossenschaft/organe/beschluesse/"
    yes = {**RESOLUTION, "bestaetigung": "ja"}
    fake = client.post(url, {**yes, "document": pdf("beschluss.pdf", b"<html>not a pdf</html>")})
    assert fake.status_code == 400 and "keine PDF-Datei" in fake.content.decode()
    big = client.post(url, {**yes, "document": pdf("gross.pdf", PDF + b"0" * (20 * 1024 * 1024))})
    assert big.status_code == 400 and "größer als 20 MB" in big.content.decode()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    later = client.post(url, {**yes, "decided_on": future})
    assert later.status_code == 400 and "in der Zukunft" in later.content.decode()
    negative = client.post(url, {**yes, "no": "-1"})
    assert negative.status_code == 400
    assert not Resolution.objects.exists()
    rejected = client.post(url, {**RESOLUTION, "yes": "1", "no": "3"}).content.decode()
    assert "als abgelehnt eingetragen" in rejected and 'type="file"' not in rejected  # no document: none asked
    assert not Resolution.objects.exists()
    without = client.post(url, yes)  # the document is optional
    assert without.status_code == 302
    resolution = Resolution.objects.get()
    assert not resolution.document
    assert client.get(f"/genossenschaft/organe/beschluesse/{resolution.pk}/dokument/").status_code == 404
