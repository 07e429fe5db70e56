"""The API of the general assembly: lists, detail with resolutions, casting and changing votes by token;
403 for non-representatives, 409 when closed, strict input; nothing changes on a refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kitu.accounts.services import api_token_create
from kitu.core.actors import SYSTEM
from kitu.governance.models import Ballot, Participation
from kitu.governance.rules import PollStatus
from kitu.governance.services import voting

pytestmark = pytest.mark.django_db


def token_client(user: Any) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _url(w: dict[str, Any], poll: Any) -> str:
    return f"/api/v1/assemblies/{w['assembly'].pk}/resolutions/{poll.pk}/votes"


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _state() -> tuple[list[Any], list[Any]]:
    return (
        sorted(Participation.objects.values_list("resolution_id", "member_id", "choice")),
        sorted(Ballot.objects.values_list("key_hash", "choice")),
    )


def test_list_and_detail(gov: dict[str, Any]) -> None:
    w = gov
    client = token_client(w["rep_z"])
    listed = client.get("/api/v1/assemblies").json()
    assert [a["title"] for a in listed] == ["Ordentliche Generalversammlung 2027"]
    detail = client.get(f"/api/v1/assemblies/{w['assembly'].pk}").json()
    assert [i["title"] for i in detail["agenda"]] == ["Jahresabschluss 2026"]
    resolutions = detail["agenda"][0]["resolutions"]
    assert [(r["title"], r["rule"], r["status"], r["result"]) for r in resolutions] == [
        ("Feststellung", "simple", "open", None),
        ("Satzungsänderung § 5", "three_quarters", "open", None),
        ("Entlastung", "simple", "draft", None),
    ]
    assert set(resolutions[0]) >= {"id", "title", "rule", "status", "result"}
    assert client.get("/api/v1/assemblies/999999").status_code == 404


def test_result_appears_when_counted(gov: dict[str, Any]) -> None:
    w, poll = gov, gov["open_poll"]
    voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["wernigerode"], choice="yes")
    voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.CLOSED)
    voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.COUNTED)
    detail = token_client(w["rep_z"]).get(f"/api/v1/assemblies/{w['assembly'].pk}").json()
    assert detail["resolutions"][0]["result"] == {"yes": 1, "no": 0, "abstain": 0, "adopted": True}


def test_cast_201_change_200_closed_409(gov: dict[str, Any]) -> None:
    w, poll = gov, gov["open_poll"]
    rep, rep2 = token_client(w["rep_w"]), token_client(w["rep_w2"])
    first = _post(rep, _url(w, poll), {"choice": "no"})
    assert first.status_code == 201, first.content
    assert first.json()["changed"] is False and first.json()["member"] == w["wernigerode"].pk
    second = _post(rep2, _url(w, poll), {"choice": "yes"})
    assert second.status_code == 200 and second.json()["changed"] is True
    assert Participation.objects.get(resolution=poll).choice == "yes"
    voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.CLOSED)
    before = _state()
    closed = _post(rep, _url(w, poll), {"choice": "no"})
    assert closed.status_code == 409
    assert _state() == before


def test_secret_change_needs_the_receipt(gov: dict[str, Any]) -> None:
    w, poll = gov, gov["secret_poll"]
    rep, rep2 = token_client(w["rep_w"]), token_client(w["rep_w2"])
    first = _post(rep, _url(w, poll), {"choice": "no"})
    assert first.status_code == 201
    receipt = first.json()["receipt"]
    before = _state()
    again = _post(rep2, _url(w, poll), {"choice": "yes"})
    assert again.status_code == 409 and again.json()["field"] == "receipt"
    wrong = _post(rep2, _url(w, poll), {"choice": "yes", "receipt": "x" * 20})
    assert wrong.status_code == 400 and wrong.json()["field"] == "receipt"
    assert _state() == before
    changed = _post(rep2, _url(w, poll), {"choice": "yes", "receipt": receipt})
    assert changed.status_code == 200 and changed.json()["receipt"] == ""
    assert voting.secret_choice(poll, receipt) == "yes"


@pytest.mark.parametrize(
    "role",
    ["coop_admin", "contract_manager", "member_admin", "requester", "approver", "supplier_user", "other_requester"],
)
def test_non_representatives_get_403_and_nothing_changes(gov: dict[str, Any], role: str) -> None:
    w = gov
    before = _state()
    response = _post(token_client(w["users"][role]), _url(w, w["open_poll"]), {"choice": "yes"})
    assert response.status_code == 403, response.content
    assert _state() == before


def test_anonymous_gets_401(gov: dict[str, Any]) -> None:
    assert _post(Client(), _url(gov, gov["open_poll"]), {"choice": "yes"}).status_code == 401
    assert Client().get("/api/v1/assemblies").status_code == 401
    assert not Participation.objects.exists()


def test_another_members_representative_cannot_vote_for_us(gov: dict[str, Any]) -> None:
    w = gov
    response = _post(token_client(w["rep_z"]), _url(w, w["open_poll"]), {"choice": "no", "member": w["wernigerode"].pk})
    assert response.status_code == 403
    assert not Participation.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"choice": "maybe"}, "choice"),
        ({"choice": "yes", "weight": 5}, "weight"),
        ({}, "choice"),
        ({"choice": "yes", "member": 0}, "member"),
        ({"choice": "yes", "receipt": "x" * 65}, "receipt"),
    ],
)
def test_strict_input(gov: dict[str, Any], body: dict[str, Any], field: str) -> None:
    response = _post(token_client(gov["rep_w"]), _url(gov, gov["open_poll"]), body)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not Participation.objects.exists()


def test_at_assembly_poll_without_check_in_is_403_and_unknown_poll_404(gov: dict[str, Any]) -> None:
    w = gov
    attendance_free = _post(token_client(w["rep_w"]), _url(w, w["at_assembly"]), {"choice": "yes"})
    assert attendance_free.status_code == 403  # at the assembly: only checked-in members
    missing = _post(
        token_client(w["rep_w"]), f"/api/v1/assemblies/{w['assembly'].pk}/resolutions/999999/votes", {"choice": "yes"}
    )
    assert missing.status_code == 404
