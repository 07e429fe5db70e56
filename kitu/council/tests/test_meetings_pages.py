"""The council office's meeting pages: who may open and post them (nothing changes on a refusal), the work
flow plan → agenda → invite (confirmation, late reason) → attendance → results → minutes → publish, and bad
input answered with 400 naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login, make_user
from kitu.accounts.roles import Role
from kitu.core.models import AuditEntry
from kitu.council.models import (
    AgendaItem,
    Attendance,
    Consultation,
    File,
    FileRole,
    Meeting,
    MeetingState,
    Vote,
)
from kitu.council.services import meetings as services
from kitu.council.tests.factories import make_agenda_item, make_meeting, minimal_pdf

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def w(council_world: dict[str, Any]) -> dict[str, Any]:
    zeitz_office = make_user(
        "ratsbuero.zeitz@test.example", [(council_world["zeitz"].organisation, Role.COUNCIL_OFFICE)]
    )
    council_world["users"]["other_council_office"] = zeitz_office
    return council_world


def client_as(w: dict[str, Any], role: str | None) -> Client:
    client = Client()
    if role is not None:
        login(client, w["users"][role])
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"council:{name}", args=["wernigerode", *args])


def fingerprint() -> list[Any]:
    """Everything a meeting page could change."""
    return [
        list(Meeting.objects.order_by("pk").values()),
        list(AgendaItem.objects.order_by("pk").values()),
        list(Attendance.objects.order_by("pk").values()),
        list(Consultation.objects.order_by("pk").values("pk", "agenda_item")),
        list(Vote.objects.order_by("pk").values()),
        File.objects.count(),
        AuditEntry.objects.count(),
        len(mail.outbox),
    ]


def soon(days: int, hour: int = 17) -> dt.datetime:
    return dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour), tzinfo=BERLIN)


OTHERS = [
    None,
    "coop_admin",
    "contract_manager",
    "member_admin",
    "requester",
    "approver",
    "case_worker",
    "workgroup_member",
    "supplier_user",
    "other_member_admin",
    "other_requester",
    "councillor",
    "committee_councillor",
    "other_councillor",
    "other_council_office",
]


def endpoints(w: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    scheduled, invited, item = w["scheduled"], w["invited"], w["invited_item"]
    return [
        ("get", url("office_meetings"), {}),
        ("get", url("office_meeting_new"), {}),
        (
            "post",
            url("office_meeting_new"),
            {"name": "X", "start": "2027-02-01T17:00", "organizations": [w["council"].pk]},
        ),
        ("get", url("office_meeting", invited.pk), {}),
        ("get", url("office_meeting_edit", scheduled.pk), {}),
        (
            "post",
            url("office_meeting_edit", scheduled.pk),
            {"name": "X", "start": "2027-02-01T17:00", "organizations": [w["council"].pk]},
        ),
        (
            "post",
            url("office_meeting_agenda_add", scheduled.pk),
            {"kind": "free", "free-name": "X", "free-public": "on"},
        ),
        ("get", url("office_meeting_item", invited.pk, item.pk), {}),
        ("post", url("office_meeting_item", invited.pk, item.pk), {"name": "X"}),
        ("post", url("office_meeting_item_move", invited.pk, item.pk), {"direction": "down"}),
        ("post", url("office_meeting_item_public", invited.pk, item.pk), {"public": "0"}),
        ("post", url("office_meeting_item_remove", invited.pk, item.pk), {"bestaetigung": "ja"}),
        ("post", url("office_meeting_invite", scheduled.pk), {"bestaetigung": "ja", "reason": "x"}),
        ("post", url("office_meeting_cancel", invited.pk), {"bestaetigung": "ja"}),
        ("post", url("office_meeting_delete", scheduled.pk), {"bestaetigung": "ja"}),
        ("get", url("office_meeting_attendance", invited.pk), {}),
        ("post", url("office_meeting_attendance", invited.pk), {}),
        ("get", url("office_meeting_result", invited.pk, item.pk), {}),
        ("post", url("office_meeting_result", invited.pk, item.pk), {"result": "beschlossen"}),
        ("post", url("office_meeting_minutes", invited.pk), {}),
        ("post", url("office_meeting_publish", invited.pk), {"bestaetigung": "ja"}),
    ]


@pytest.mark.parametrize("role", OTHERS)
def test_only_the_town_office_and_nothing_changes(w: dict[str, Any], role: str | None) -> None:
    client = client_as(w, role)
    before = fingerprint()
    for method, address, data in endpoints(w):
        response = getattr(client, method)(address, data)
        if role is None:
            assert response.status_code == 302, address
            assert response["Location"].startswith(resolve_url(settings.LOGIN_URL)), address
        else:
            assert response.status_code == 403, (address, response.status_code)
    assert fingerprint() == before


def test_office_opens_every_page(w: dict[str, Any]) -> None:
    client = client_as(w, "council_office")
    for method, address, _data in endpoints(w):
        if method == "get":
            assert client.get(address).status_code == 200, address
    page = client.get(url("office_meetings")).content.decode()
    assert w["invited"].name in page and w["published"].name in page
    assert client.get(url("office_meeting", 999999)).status_code == 404
    zeitz_meeting = make_meeting(w["zeitz_body"], w["council"], start=soon(5))
    assert client.get(url("office_meeting", zeitz_meeting.pk)).status_code == 404


def test_the_whole_flow(w: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    client = client_as(w, "council_office")
    response = client.post(
        url("office_meeting_new"),
        {"name": "Stadtrat Januar", "start": soon(3).strftime("%Y-%m-%dT%H:%M"), "organizations": [w["council"].pk]},
    )
    meeting = Meeting.objects.get(name="Stadtrat Januar")
    assert response.status_code == 302 and response["Location"] == url("office_meeting", meeting.pk)
    assert timezone.localtime(meeting.start, BERLIN).hour == 17

    client.post(
        url("office_meeting_agenda_add", meeting.pk),
        {"kind": "paper", "paper-paper": w["draft_paper"].pk, "paper-public": "on"},
    )
    client.post(
        url("office_meeting_agenda_add", meeting.pk),
        {"kind": "free", "free-name": "Einwohnerfragestunde", "free-public": "on"},
    )
    client.post(url("office_meeting_agenda_add", meeting.pk), {"kind": "free", "free-name": "Personalsache"})
    items = list(services.agenda(meeting))
    assert [(i.number, i.name, i.public) for i in items] == [
        ("1", "Haushaltssatzung 2027", True),
        ("2", "Einwohnerfragestunde", True),
        ("3", "Personalsache", False),
    ]
    client.post(url("office_meeting_item_move", meeting.pk, items[1].pk), {"direction": "up"})
    assert [i.name for i in services.agenda(meeting)][:2] == ["Einwohnerfragestunde", "Haushaltssatzung 2027"]

    # invitation: a confirmation page with the count and the late warning, then the reason is needed
    page = client.post(url("office_meeting_invite", meeting.pk))
    text = page.content.decode()
    assert page.status_code == 200 and "Ladungsfrist von 7 Tagen ist unterschritten" in text
    assert "1 Person erhält die Einladung" in text and "1 Mitglied hat keine E-Mail-Adresse" in text
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.SCHEDULED
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url("office_meeting_invite", meeting.pk), {"bestaetigung": "ja", "reason": ""})
    assert refused.status_code == 400 and 'id="id_reason-error"' in refused.content.decode()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url("office_meeting_invite", meeting.pk), {"bestaetigung": "ja", "reason": "Eilbedürftig"})
    assert done.status_code == 302
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    detail = client.get(url("office_meeting", meeting.pk)).content.decode()
    assert "Verkürzte Ladung" in detail and "Eilbedürftig" in detail

    # the meeting day: attendance, results (named vote on item 2), minutes, publish
    meeting.refresh_from_db()
    meeting.start = timezone.now() - dt.timedelta(hours=1)
    meeting.end = None
    meeting.save()
    mayor, anna = w["mayor"], w["anna"]
    client.post(
        url("office_meeting_attendance", meeting.pk), {f"person_{mayor.pk}": "present", f"person_{anna.pk}": "present"}
    )
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.HELD
    first, second, _third = services.agenda(meeting)
    refused = client.post(url("office_meeting_publish", meeting.pk), {"bestaetigung": "ja"})
    assert refused.status_code == 400 and "TOP 1 Einwohnerfragestunde" in refused.content.decode()
    client.post(url("office_meeting_result", meeting.pk, first.pk), {"result": "zur Kenntnis genommen"})
    too_many = client.post(
        url("office_meeting_result", meeting.pk, second.pk), {"result": "beschlossen", "votes_yes": "3"}
    )
    assert too_many.status_code == 400 and 'id="id_votes_yes-error"' in too_many.content.decode()
    response = client.post(
        url("office_meeting_result", meeting.pk, second.pk),
        {
            "result": "beschlossen",
            "resolution_text": "Die Haushaltssatzung wird beschlossen.",
            "named_vote": "on",
            f"vote_{mayor.pk}": "yes",
            f"vote_{anna.pk}": "abstain",
            "resolution_file": SimpleUploadedFile("beschluss.pdf", minimal_pdf("Beschluss"), "application/pdf"),
        },
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.votes_yes, second.votes_no, second.votes_abstain, second.named_vote) == (1, 0, 1, True)
    assert second.files.get(role=FileRole.RESOLUTION, deleted=False).file_name == "beschluss.pdf"
    upload = SimpleUploadedFile("protokoll.pdf", minimal_pdf("Protokoll"), "application/pdf")
    assert client.post(url("office_meeting_minutes", meeting.pk), {"minutes-file": upload}).status_code == 302
    assert meeting.files.get(role=FileRole.RESULTS_PROTOCOL).file_name == "protokoll.pdf"
    confirm = client.post(url("office_meeting_publish", meeting.pk))
    assert confirm.status_code == 200 and "Ergebnisse veröffentlichen?" in confirm.content.decode()
    assert client.post(url("office_meeting_publish", meeting.pk), {"bestaetigung": "ja"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PUBLISHED and meeting.published_at is not None


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("office_meeting_new", {"name": "X", "start": "morgen", "organizations": ["council"]}, "start"),
        ("office_meeting_new", {"name": "X", "start": "2027-02-01T17:00", "organizations": []}, "organizations"),
        (
            "office_meeting_new",
            {"name": "X", "start": "2027-02-01T17:00", "end": "2027-02-01T16:00", "organizations": ["council"]},
            "end",
        ),
        (
            "office_meeting_new",
            {"name": "X", "start": "2027-02-01T17:00", "organizations": ["99999999999999999999"]},
            "organizations",
        ),
    ],
)
def test_bad_meeting_input(w: dict[str, Any], name: str, data: dict[str, Any], field: str) -> None:
    data = {**data, "organizations": [w["council"].pk if o == "council" else o for o in data["organizations"]]}
    client = client_as(w, "council_office")
    before = fingerprint()
    response = client.post(url(name), data)
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()
    assert fingerprint() == before


def test_bad_agenda_input(w: dict[str, Any]) -> None:
    client = client_as(w, "council_office")
    scheduled = w["scheduled"]
    foreign = make_meeting(w["zeitz_body"], w["council"], start=soon(5))
    before = fingerprint()
    response = client.post(url("office_meeting_agenda_add", scheduled.pk), {"kind": "free", "free-name": ""})
    assert response.status_code == 400 and 'id="id_free-name-error"' in response.content.decode()
    response = client.post(url("office_meeting_agenda_add", scheduled.pk), {"kind": "paper", "paper-paper": "x"})
    assert response.status_code == 400 and 'id="id_paper-paper-error"' in response.content.decode()
    item = make_agenda_item(foreign, 1, "Zeitz")
    assert client.post(url("office_meeting_item_move", scheduled.pk, item.pk), {"direction": "up"}).status_code == 404
    after_item = fingerprint()
    own = make_agenda_item(scheduled, 1, "Eins")
    before = fingerprint()
    assert (
        client.post(url("office_meeting_item_move", scheduled.pk, own.pk), {"direction": "sideways"}).status_code == 400
    )
    assert (
        client.post(url("office_meeting_item_public", scheduled.pk, own.pk), {"public": "vielleicht"}).status_code
        == 400
    )
    assert fingerprint() == before
    assert after_item  # (the foreign item was only created by the test)


def test_held_meeting_shows_no_agenda_actions(w: dict[str, Any]) -> None:
    client = client_as(w, "council_office")
    published = w["published"]
    page = client.get(url("office_meeting", published.pk)).content.decode()
    assert "Einladen" not in page and "nach oben" not in page and "Ergebnis erfassen" not in page
    before = fingerprint()
    response = client.post(
        url("office_meeting_agenda_add", published.pk), {"kind": "free", "free-name": "Nachtrag", "free-public": "on"}
    )
    assert response.status_code == 400
    assert fingerprint() == before
    response = client.post(url("office_meeting_invite", published.pk))
    assert response.status_code == 400
    assert fingerprint() == before


def test_bad_files_change_nothing(w: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    client = client_as(w, "council_office")
    meeting = make_meeting(w["body"], w["council"], start=timezone.now() - dt.timedelta(hours=1), state="eingeladen")
    item = make_agenda_item(meeting, 1, "Haushalt")
    before = fingerprint()
    fake = SimpleUploadedFile("protokoll.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = client.post(url("office_meeting_minutes", meeting.pk), {"minutes-file": fake})
    assert response.status_code == 400 and 'id="id_minutes-file-error"' in response.content.decode()
    fake = SimpleUploadedFile("beschluss.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = client.post(
        url("office_meeting_result", meeting.pk, item.pk), {"result": "beschlossen", "resolution_file": fake}
    )
    assert response.status_code == 400 and 'id="id_resolution_file-error"' in response.content.decode()
    assert fingerprint() == before  # neither the result nor the state changed
