"""The service desk's pages: permission matrix over every role (nothing changed on a refusal), internal notes
never on a member's page, the report form, the desk's actions and the dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kitu.servicedesk import services
from kitu.servicedesk.models import Comment, Ticket, TimeEntry

from .conftest import DESK_ROLES, report

pytestmark = pytest.mark.django_db
MEMBER_USERS = {
    "member_admin",
    "requester",
    "approver",
    "case_worker",
    "workgroup_member",
    "other_member_admin",
    "other_requester",
}
STAFF = {"coop_admin", "service_desk"}


@pytest.fixture
def ticket(desk: dict[str, Any]) -> Ticket:
    ticket = report(desk)
    services.comment_add(actor=desk["desk_user"], ticket=ticket, body="GEHEIM: Passwort zurücksetzen", internal=True)
    services.comment_add(actor=desk["desk_user"], ticket=ticket, body="Wir melden uns.")
    return ticket


@pytest.mark.parametrize("role", DESK_ROLES)
def test_page_permission_matrix(ticket: Ticket, client_for: Any, role: str | None) -> None:
    client = client_for(role)
    base = f"/servicedesk/tickets/{ticket.pk}/"
    pages = {
        "/servicedesk/": 200 if role in STAFF | MEMBER_USERS else 403,
        "/servicedesk/neu/": 200 if role in MEMBER_USERS else 403,
        "/servicedesk/uebersicht/": 200 if role in STAFF else 403,
        base: 200 if role in STAFF | {"member_admin", "requester"} else 404,
    }
    for url, expected in pages.items():
        answer = client.get(url)
        if role is None:
            assert answer.status_code == 302 and "/konto/" in answer["Location"], url
        else:
            assert answer.status_code == expected, (url, answer.status_code)
    before = (Comment.objects.count(), TimeEntry.objects.count(), Ticket.objects.get().status)
    client.post(base + "nachricht/", {"body": "Hallo"})
    client.post(base + "zeit/", {"minutes": "30", "worked_on": "26.03.2026", "billable": "on"})
    client.post(base + "status/", {"status": "resolved"})
    after = (Comment.objects.count(), TimeEntry.objects.count(), Ticket.objects.get().status)
    if role in STAFF:
        assert after == (before[0] + 1, before[1] + 1, "resolved")
    elif role in {"member_admin", "requester"}:
        assert after == (before[0] + 1, before[1], "new")  # a reply, but no time and no desk step
    else:
        assert after == before


@pytest.mark.parametrize("role", ["requester", "member_admin", "service_desk"])
def test_internal_notes_only_for_the_desk(ticket: Ticket, client_for: Any, role: str) -> None:
    page = client_for(role).get(f"/servicedesk/tickets/{ticket.pk}/").content.decode()
    assert ("GEHEIM" in page) is (role == "service_desk")
    assert "Wir melden uns." in page


def test_member_reports_a_ticket_on_the_page(desk: dict[str, Any], client_for: Any) -> None:
    client = client_for("requester")
    form = {
        "subject": "Scanner",
        "description": "Scanner im Bürgeramt scannt nicht.",
        "kind": "incident",
        "impact": "low",
        "urgency": "high",
    }
    refused = client.post("/servicedesk/neu/", {**form, "subject": ""})
    assert refused.status_code == 400 and not Ticket.objects.exists()
    answer = client.post("/servicedesk/neu/", {**form, "service_id": str(desk["hosting"].pk)})
    ticket = Ticket.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/servicedesk/tickets/{ticket.pk}/"
    assert (ticket.priority, ticket.service, ticket.channel) == (3, desk["hosting"], "page")


def test_attachment_type_is_checked_by_content(desk: dict[str, Any], client_for: Any) -> None:
    client = client_for("requester")
    form = {"subject": "Fehler", "description": "Siehe Anlage.", "kind": "question", "impact": "low", "urgency": "low"}
    fake = SimpleUploadedFile("bild.png", b"MZ\x90\x00 not a png", content_type="image/png")
    answer = client.post("/servicedesk/neu/", {**form, "file": fake})
    assert answer.status_code == 400 and "Dateityp" in answer.content.decode() and not Ticket.objects.exists()


def test_queue_and_dashboard_show_the_figures(ticket: Ticket, client_for: Any) -> None:
    client = client_for("service_desk")
    queue = client.get("/servicedesk/?priority=2").content.decode()
    assert ticket.number in queue and "1 Ticket" in queue
    dashboard = client.get("/servicedesk/uebersicht/").content.decode()
    assert "<svg" in dashboard and "Fachverfahren" in dashboard


@pytest.mark.parametrize("role", DESK_ROLES)
def test_navigation_entry(desk: dict[str, Any], client_for: Any, role: str | None) -> None:
    if role is None:
        return
    nav = client_for(role).get("/").context["nav_items"]
    has = any(item["label"] == "Servicedesk" and item["url"] == "/servicedesk/" for item in nav)
    assert has == (role in STAFF | MEMBER_USERS), role
