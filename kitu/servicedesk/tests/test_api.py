"""The tickets API: exact answers, strict input, paging, scoping (another member's ticket is 404) and internal
notes hidden from members; permission matrix over every role with nothing changed on a refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kitu.servicedesk import services
from kitu.servicedesk.models import Comment, Ticket

from .conftest import DESK_ROLES, at, report

pytestmark = pytest.mark.django_db
BODY = {
    "subject": "Drucker im Bürgerbüro druckt nicht",
    "description": "Seit dem Update kommt nur leeres Papier.",
    "kind": "incident",
    "impact": "medium",
    "urgency": "high",
}
# who may report (201), who sees which of the three tickets (own member's requester, member admin, Zeitz)
REPORTERS = {
    "member_admin",
    "requester",
    "approver",
    "case_worker",
    "workgroup_member",
    "other_member_admin",
    "other_requester",
}
SEES = {
    "coop_admin": {"req", "adm", "zeitz"},
    "service_desk": {"req", "adm", "zeitz"},
    "member_admin": {"req", "adm"},
    "requester": {"req"},
    "other_member_admin": {"zeitz"},
    # other_requester: Zeitz's ticket was reported by its member admin, so none
}


@pytest.fixture
def tickets(desk: dict[str, Any]) -> dict[str, Ticket]:
    req = report(desk)
    services.comment_add(actor=desk["desk_user"], ticket=req, body="GEHEIM: Server neu starten", internal=True)
    services.comment_add(actor=desk["desk_user"], ticket=req, body="Wir kümmern uns.")
    return {"req": req, "adm": report(desk, role="member_admin"), "zeitz": report(desk, role="other_member_admin")}


def test_post_answers_201_with_the_agreed_fields(desk: dict[str, Any], client_for: Any) -> None:
    answer = client_for("requester").post(
        "/api/v1/tickets", {**BODY, "service_id": desk["hosting"].pk}, content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    data = answer.json()
    ticket = Ticket.objects.get()
    assert set(data) == {"id", "number", "priority", "status", "response_due", "resolution_due"}
    assert (data["id"], data["number"], data["priority"], data["status"]) == (ticket.pk, ticket.number, "high", "new")
    assert ticket.channel == "api" and ticket.service == desk["hosting"]


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"colour": "red"}, "colour", 422),
        ({"kind": "complaint"}, "kind", 422),
        ({"impact": None}, "impact", 422),
        ({"service_id": 0}, "service_id", 422),
        ({"service_id": 424242}, "service_id", 400),
        ({"subject": " "}, "subject", 400),
    ],
)
def test_bad_input_is_refused_with_the_field(
    desk: dict[str, Any], client_for: Any, change: dict[str, Any], field: str, status: int
) -> None:
    answer = client_for("requester").post("/api/v1/tickets", {**BODY, **change}, content_type="application/json")
    assert answer.status_code == status and answer.json()["field"] == field
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("role", DESK_ROLES)
def test_post_permission_matrix(desk: dict[str, Any], client_for: Any, role: str | None) -> None:
    answer = client_for(role).post("/api/v1/tickets", BODY, content_type="application/json")
    expected = 201 if role in REPORTERS else (401 if role is None else 400)
    assert answer.status_code == expected, answer.content
    assert Ticket.objects.count() == (1 if role in REPORTERS else 0)


@pytest.mark.parametrize("role", DESK_ROLES)
def test_read_and_comment_permission_matrix(tickets: dict[str, Ticket], client_for: Any, role: str | None) -> None:
    client: Client = client_for(role)
    seen = SEES.get(role or "", set())
    listing = client.get("/api/v1/tickets?page_size=2")
    if role is None:
        assert listing.status_code == 401
        return
    assert listing.status_code == 200
    assert listing.json()["count"] == len(seen) and len(listing.json()["items"]) == min(2, len(seen))
    for key, ticket in tickets.items():
        comments = Comment.objects.count()
        detail = client.get(f"/api/v1/tickets/{ticket.pk}")
        posted = client.post(
            f"/api/v1/tickets/{ticket.pk}/comments", {"body": "Danke"}, content_type="application/json"
        )
        if key in seen:
            assert detail.status_code == 200 and posted.status_code == 201
            assert Comment.objects.count() == comments + 1
        else:
            assert detail.status_code == 404 and posted.status_code == 404
            assert Comment.objects.count() == comments


@pytest.mark.parametrize("role", ["requester", "member_admin", "service_desk"])
def test_members_never_see_internal_notes(tickets: dict[str, Ticket], client_for: Any, role: str) -> None:
    client = client_for(role)
    data = client.get(f"/api/v1/tickets/{tickets['req'].pk}").json()
    bodies = [comment["body"] for comment in data["comments"]]
    expected = ["GEHEIM: Server neu starten", "Wir kümmern uns."] if role == "service_desk" else ["Wir kümmern uns."]
    assert bodies == expected
    answer = client.post(
        f"/api/v1/tickets/{tickets['req'].pk}/comments",
        {"body": "x", "internal": True},
        content_type="application/json",
    )
    assert answer.status_code == (201 if role == "service_desk" else 400)


def test_paging_and_filters(tickets: dict[str, Ticket], client_for: Any) -> None:
    client = client_for("service_desk")
    second = client.get("/api/v1/tickets?page=2&page_size=2").json()
    assert (second["count"], second["page"], second["page_size"], len(second["items"])) == (3, 2, 2, 1)
    assert client.get("/api/v1/tickets?status=closed").json()["count"] == 0
    assert client.get("/api/v1/tickets?page_size=1000").status_code == 422


def test_due_times_in_the_answer(desk: dict[str, Any], client_for: Any) -> None:
    ticket = report(desk, service_id=desk["hosting"].pk, now=at(2026, 3, 26, 9))
    data = client_for("requester").get(f"/api/v1/tickets/{ticket.pk}").json()
    assert data["response_due"] == "2026-03-26T09:00:00Z" and data["resolution_due"] == "2026-03-26T16:00:00Z"
