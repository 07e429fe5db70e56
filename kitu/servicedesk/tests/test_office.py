"""The office's settings pages: teams, service levels, canned replies. Permission matrix over every role (the
office changes, the service desk reads, everybody else 403, anonymous to the login; nothing changed on a
refusal); retiring a canned reply asks first, keeps the row and stops offering it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kitu.core.models import AuditEntry
from kitu.servicedesk.models import CannedReply, ServiceLevel, Team

from .conftest import DESK_ROLES, report

pytestmark = pytest.mark.django_db
URL = "/servicedesk/einstellungen/"


def state() -> tuple[Any, ...]:
    return (
        sorted(Team.objects.values_list("name", flat=True)),
        sorted(
            ServiceLevel.objects.values_list("service_id", "priority", "response_minutes", "resolution_minutes"),
            key=str,
        ),
        sorted(CannedReply.objects.values_list("title", "body", "retired_at"), key=str),
        sorted(Team.objects.get(code="fachverfahren").members.values_list("pk", flat=True)),
    )


@pytest.fixture
def reply(desk: dict[str, Any]) -> CannedReply:
    return CannedReply.objects.create(title="Neustart", body="Bitte starten Sie den Rechner neu.")


@pytest.mark.parametrize("role", DESK_ROLES)
def test_permission_matrix(desk: dict[str, Any], reply: CannedReply, client_for: Any, role: str | None) -> None:
    client = client_for(role)
    team = desk["teams"][0]
    reads = {URL: role in {"coop_admin", "service_desk"}}
    edits = [
        URL + "teams/neu/",
        URL + f"teams/{team.pk}/",
        URL + "servicelevel/",
        URL + "textbausteine/neu/",
        URL + f"textbausteine/{reply.pk}/",
    ]
    for url, allowed in [*reads.items(), *((url, role == "coop_admin") for url in edits)]:
        answer = client.get(url)
        if role is None:
            assert answer.status_code == 302 and "/konto/" in answer["Location"], url
        else:
            assert answer.status_code == (200 if allowed else 403), (url, answer.status_code)
    before = state()
    posts = [
        (URL + "teams/neu/", {"name": "Telefonie"}),
        (URL + f"teams/{team.pk}/", {"name": "Fachverfahren", "members": []}),
        (URL + "servicelevel/", {"priority": "1", "response_hours": "0,5", "resolution_hours": "4"}),
        (URL + "textbausteine/neu/", {"title": "Danke", "body": "Danke für die Rückmeldung."}),
        (URL + f"textbausteine/{reply.pk}/", {"title": "Neustart", "body": "Anders."}),
        (URL + f"textbausteine/{reply.pk}/ausser-gebrauch/", {"bestaetigung": "ja"}),
    ]
    answers = [client.post(url, data) for url, data in posts]
    if role == "coop_admin":
        assert [a.status_code for a in answers] == [302] * 6
        assert state() != before
    else:
        expected = 302 if role is None else 403
        assert [a.status_code for a in answers] == [expected] * 6
        assert state() == before


def test_team_members_and_services(desk: dict[str, Any], client_for: Any) -> None:
    admin = desk["users"]["coop_admin"]
    answer = client_for("coop_admin").post(
        URL + "teams/neu/", {"name": " Telefonie ", "members": [str(admin.pk)], "services": [str(desk["hosting"].pk)]}
    )
    assert answer.status_code == 302 and answer["Location"] == URL
    team = Team.objects.get(name="Telefonie")
    assert (team.code, list(team.members.all()), list(team.services.all())) == ("telefonie", [admin], [desk["hosting"]])
    assert AuditEntry.objects.filter(object_type="servicedesk.Team", object_id=str(team.pk)).count() == 1


def test_team_refusals_name_the_field(desk: dict[str, Any], client_for: Any) -> None:
    client = client_for("coop_admin")
    before = state()
    duplicate = client.post(URL + "teams/neu/", {"name": "fachverfahren"})
    assert duplicate.status_code == 400 and "Ein Team dieses Namens gibt es schon." in duplicate.content.decode()
    outsider = client.post(URL + "teams/neu/", {"name": "X", "members": [str(desk["users"]["requester"].pk)]})
    assert outsider.status_code == 400  # a member's user is no choice at all
    assert state() == before


def test_service_level_in_hours_for_new_tickets_only(desk: dict[str, Any], client_for: Any) -> None:
    old = report(desk, service_id=desk["hosting"].pk)  # priority 2: 60 / 480 minutes
    client = client_for("coop_admin")
    form = {"service": str(desk["hosting"].pk), "priority": "2", "response_hours": "0,5", "resolution_hours": "6"}
    assert client.post(URL + "servicelevel/", form).status_code == 302
    level = ServiceLevel.objects.get(service=desk["hosting"], priority=2)
    assert (level.response_minutes, level.resolution_minutes) == (30, 360)
    old.refresh_from_db()
    assert (old.response_minutes, old.resolution_minutes) == (60, 480)
    assert report(desk, service_id=desk["hosting"].pk).response_minutes == 30
    page = client.get(URL).content.decode()
    assert "<td>0,5</td><td>6</td>" in page
    bad = client.post(URL + "servicelevel/", {**form, "response_hours": "8", "resolution_hours": "2"})
    assert bad.status_code == 400 and "nicht kürzer als die Reaktionszeit" in bad.content.decode()
    assert client.post(URL + "servicelevel/", {**form, "response_hours": "0"}).status_code == 400
    assert ServiceLevel.objects.get(service=desk["hosting"], priority=2).response_minutes == 30


def test_retire_asks_first_and_keeps_the_reply(desk: dict[str, Any], reply: CannedReply, client_for: Any) -> None:
    client = client_for("coop_admin")
    ticket = report(desk)
    retire = URL + f"textbausteine/{reply.pk}/ausser-gebrauch/"
    question = client.post(retire)
    assert question.status_code == 200 and "Das lässt sich nicht rückgängig machen." in question.content.decode()
    reply.refresh_from_db()
    assert reply.retired_at is None
    assert "Neustart" in client.get(f"/servicedesk/tickets/{ticket.pk}/").content.decode()
    assert client.post(retire, {"bestaetigung": "ja"}).status_code == 302
    reply.refresh_from_db()
    assert reply.retired_at is not None and CannedReply.objects.count() == 1
    assert "Bitte starten Sie den Rechner neu." not in client.get(f"/servicedesk/tickets/{ticket.pk}/").content.decode()
    assert client.post(retire, {"bestaetigung": "ja"}).status_code == 404
    assert client.get(URL + f"textbausteine/{reply.pk}/").status_code == 404  # no editing once retired


@pytest.mark.parametrize("role", ["service_desk", "member_admin", "requester"])
def test_services_check_permission_themselves(desk: dict[str, Any], reply: CannedReply, role: str) -> None:
    from kitu.core.errors import PermissionDenied
    from kitu.servicedesk.services import office

    actor = desk["users"][role]
    before = state()
    calls = [
        lambda: office.team_save(actor=actor, team=None, name="Telefonie", members=[], services=[]),
        lambda: office.level_save(
            actor=actor, service=None, priority=1, response_hours=Decimal(1), resolution_hours=Decimal(2)
        ),
        lambda: office.canned_save(actor=actor, reply=None, title="x", body="y", team=None),
        lambda: office.canned_retire(actor=actor, reply=reply),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert state() == before
