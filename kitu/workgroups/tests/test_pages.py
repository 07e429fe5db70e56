"""Permission matrix of the working-group pages (denied posts change nothing) and registering on the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES, STAFF
from kitu.core.models import AuditEntry
from kitu.workgroups import services
from kitu.workgroups.models import (
    DocumentVersion,
    GroupMembership,
    Meeting,
    MinutesItem,
    NewsItem,
    Registration,
    WorkingGroup,
)

pytestmark = pytest.mark.django_db
IN_GROUP = {"member_admin", "requester", "approver", "other_member_admin", "other_requester"}
STAFF_OF_MEMBERS_OR_COOP = STAFF | IN_GROUP | {"case_worker", "workgroup_member"}


def _state() -> tuple[Any, ...]:
    return (
        tuple(Registration.objects.order_by("pk").values_list("user", "status")),
        tuple(GroupMembership.objects.order_by("pk").values_list("user", "status")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_denied_posts(group_world: dict[str, Any], client_for: Any, role: str | None) -> None:
    w = group_world
    client = client_for(role)
    anonymous = {None: 302}
    sees_all = role in STAFF_OF_MEMBERS_OR_COOP
    assert client.get(reverse("workgroups:list")).status_code == anonymous.get(role, 200)
    group_page = client.get(reverse("workgroups:group", args=[w["group"].pk]))
    assert group_page.status_code == anonymous.get(role, 200 if sees_all else 404)
    meeting_page = client.get(reverse("workgroups:meeting", args=[w["meeting"].pk]))
    assert meeting_page.status_code == anonymous.get(role, 200 if role in STAFF | IN_GROUP else 404)
    training_page = client.get(reverse("workgroups:meeting", args=[w["training"].pk]))
    assert training_page.status_code == anonymous.get(role, 200 if sees_all else 404)
    if role is not None and role not in STAFF:
        # the participant list is for the office and the coordinators only
        assert "Teilnehmende" not in training_page.content.decode()
    if role in STAFF | IN_GROUP:
        return
    before = _state()
    for url in (
        reverse("workgroups:register", args=[w["meeting"].pk]),
        reverse("workgroups:cancel", args=[w["meeting"].pk]),
    ):
        assert client.post(url, {"warteliste": "on"}).status_code in (302, 404)
    if role in (None, "supplier_user"):
        assert client.post(reverse("workgroups:join", args=[w["group"].pk])).status_code in (302, 404)
    assert _state() == before


def test_register_wait_and_move_up_on_the_page(group_world: dict[str, Any], client_for: Any) -> None:
    w = group_world
    url = reverse("workgroups:meeting", args=[w["meeting"].pk])
    register = reverse("workgroups:register", args=[w["meeting"].pk])
    cancel = reverse("workgroups:cancel", args=[w["meeting"].pk])
    for role in ("member_admin", "requester", "other_requester"):
        assert client_for(role).post(register, {}).status_code == 302
    refused = client_for("approver").post(register, {}, follow=True).content.decode()
    assert "Alle 3 Plätze sind vergeben." in refused and not Registration.objects.filter(user=w["users"]["approver"])
    approver = client_for("approver")
    page = approver.post(register, {"warteliste": "on"}, follow=True).content.decode()
    assert "Sie stehen auf Platz 1 der Warteliste." in page
    client_for("requester").post(cancel)
    page = approver.get(url).content.decode()
    assert "Sie sind angemeldet." in page and "3 von 3 belegt" in page
    staff_page = client_for("coop_admin").get(url).content.decode()
    badge = (
        '<span class="kern-badge kern-badge--success kern-badge--small" data-status="registered">'
        '<span class="kern-label">angemeldet</span></span>'
    )
    assert "Teilnehmende" in staff_page and f"(Stadt Zeitz) {badge}" in staff_page


COORDINATOR = "approver"  # made coordinator of the group below
RUNNERS = STAFF | {COORDINATOR}
GROUP_MEMBERS = IN_GROUP


@pytest.fixture
def running_world(group_world: dict[str, Any]) -> dict[str, Any]:
    """group_world plus: the approver coordinates the group; a meeting of last week with a registration,
    minutes and an action item of the member admin; a document; a news item."""
    w = group_world
    u = w["users"]
    services.membership_set(
        actor=w["admin"], group=w["group"], user=u[COORDINATOR], status="active", is_coordinator=True
    )
    services.register(actor=u["requester"], meeting=w["meeting"])
    start = timezone.now() - dt.timedelta(days=7)
    past = services.meeting_save(
        actor=w["admin"],
        kind="meeting",
        group=w["group"],
        title="AK DMS: Wintersitzung",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    Registration.objects.create(
        meeting=past,
        user=u["requester"],
        organisation=w["wernigerode"].organisation,
        status="registered",
        queued_at=start,
    )
    item = services.minutes_item_add(
        actor=w["admin"], meeting=past, kind="action", text="Marktübersicht erstellen", owner=u["member_admin"]
    )
    version = services.document_upload(
        actor=w["admin"], group=w["group"], file=SimpleUploadedFile("Agenda.pdf", b"%PDF"), meeting=past
    )
    news = services.news_save(actor=w["admin"], title="Willkommen", body="Neue Plattform.")
    return {**w, "past": past, "item": item, "document": version.document, "news": news}


def _everything() -> tuple[Any, ...]:
    return (
        tuple(WorkingGroup.objects.order_by("pk").values_list("name", "description", "visibility")),
        tuple(GroupMembership.objects.order_by("pk").values_list("user", "status", "is_coordinator")),
        tuple(Meeting.objects.order_by("pk").values_list("title", "minutes", "invited_at", "capacity")),
        tuple(Registration.objects.order_by("pk").values_list("user", "status", "attended", "billed_at")),
        tuple(MinutesItem.objects.order_by("pk").values_list("text", "done_on")),
        tuple(DocumentVersion.objects.order_by("pk").values_list("document", "number")),
        tuple(NewsItem.objects.order_by("pk").values_list("title", "body")),
        AuditEntry.objects.count(),
        len(mail.outbox),
    )


@pytest.mark.parametrize("role", ROLES)
def test_running_pages_permission_matrix(running_world: dict[str, Any], client_for: Any, role: str | None) -> None:
    w = running_world
    client = client_for(role)
    g, past, item, doc, news = w["group"], w["past"], w["item"], w["document"], w["news"]
    sees_groups = role in STAFF_OF_MEMBERS_OR_COOP
    in_group = role in STAFF | GROUP_MEMBERS

    def expect(runner: int, member: int, outsider: int) -> int:
        """Status for a coordinator's page: runners, other group members, those who cannot see it."""
        if role is None:
            return 302
        return runner if role in RUNNERS else member if in_group else outsider

    office = 200 if role in STAFF else 302 if role is None else 403
    pages = {
        reverse("workgroups:group_create"): office,
        reverse("workgroups:group_edit", args=[g.pk]): 302
        if role is None
        else 200
        if role in STAFF
        else 403
        if sees_groups
        else 404,
        reverse("workgroups:meeting_create"): expect(200, 403, 403),
        reverse("workgroups:meeting_edit", args=[past.pk]): expect(200, 403, 404),
        reverse("workgroups:attendance", args=[past.pk]): expect(200, 403, 404),
        reverse("workgroups:minutes", args=[past.pk]): expect(200, 403, 404),
        reverse("workgroups:news"): 302 if role is None else 200 if sees_groups else 404,
        reverse("workgroups:news_create"): office,
        reverse("workgroups:news_edit", args=[news.pk]): 302
        if role is None
        else 200
        if role in STAFF
        else 403
        if sees_groups
        else 404,
        reverse("workgroups:fees"): office,
        reverse("workgroups:calendar"): 302 if role is None else 200 if sees_groups else 404,
        reverse("workgroups:meeting_ics", args=[w["meeting"].pk]): expect(200, 200, 404),
        "/": 302 if role is None else 200,
    }
    for url, status in pages.items():
        assert client.get(url).status_code == status, (url, role)
    if role in STAFF:
        return
    mail.outbox.clear()
    before = _everything()
    posts = [
        (reverse("workgroups:group_create"), {"name": "AK Neu", "visibility": "open"}),
        (reverse("workgroups:group_edit", args=[g.pk]), {"name": "Umbenannt", "visibility": "open"}),
        (reverse("workgroups:member_action", args=[g.pk, w["users"]["requester"].pk]), {"action": "remove"}),
        (reverse("workgroups:document_remove", args=[g.pk, doc.pk]), {}),
        (reverse("workgroups:meeting_edit", args=[past.pk]), {"title": "X"}),
        (reverse("workgroups:invite", args=[w["meeting"].pk]), {}),
        (reverse("workgroups:attendance", args=[past.pk]), {"attended": [w["users"]["requester"].pk]}),
        (reverse("workgroups:minutes", args=[past.pk]), {"minutes": "geändert"}),
        (reverse("workgroups:minutes_item_add", args=[past.pk]), {"kind": "decision", "text": "Neu"}),
        (reverse("workgroups:minutes_item_remove", args=[past.pk, item.pk]), {}),
        (reverse("workgroups:news_create"), {"title": "T", "body": "B"}),
        (reverse("workgroups:news_edit", args=[news.pk]), {"title": "T", "body": "B"}),
        (reverse("workgroups:news_remove", args=[news.pk]), {}),
        (reverse("workgroups:fees"), {"organisation": w["wernigerode"].organisation.pk, "until": "2030-01-01"}),
    ]
    if role != "member_admin":  # the owner may tick off the action item
        posts.append((reverse("workgroups:action_done", args=[item.pk]), {"done": "1"}))
    if not in_group:
        posts.append(
            (reverse("workgroups:document_upload", args=[g.pk]), {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
        )
    allowed = set()
    if role == COORDINATOR:  # a coordinator runs the group's meetings, members, minutes and documents
        allowed = {2, 3, 4, 5, 6, 7, 8, 9, 14}
    for index, (url, data) in enumerate(posts):
        if index in allowed:
            continue
        response = client.post(url, data)
        assert response.status_code in (302, 403, 404), (url, role, response.status_code)
        if role is not None:
            assert response.status_code != 302 or url == reverse("workgroups:action_done", args=[item.pk]), url
    assert _everything() == before


def test_a_coordinator_runs_the_group_on_the_pages(running_world: dict[str, Any], client_for: Any) -> None:
    w = running_world
    u, g, past = w["users"], w["group"], w["past"]
    coordinator = client_for(COORDINATOR)
    new_meeting = reverse("workgroups:meeting_create")
    assert new_meeting in coordinator.get(reverse("workgroups:list")).content.decode()
    assert new_meeting not in client_for("requester").get(reverse("workgroups:list")).content.decode()
    # approve a request: the group becomes by-request, the case worker asks
    services.group_save(actor=w["admin"], group=g, visibility="request")
    services.group_join(actor=u["case_worker"], group=g)
    page = coordinator.get(reverse("workgroups:group", args=[g.pk])).content.decode()
    assert "Beitrittsanträge" in page and "caseworker" in page
    coordinator.post(reverse("workgroups:member_action", args=[g.pk, u["case_worker"].pk]), {"action": "approve"})
    assert GroupMembership.objects.get(group=g, user=u["case_worker"]).status == "active"
    # a new meeting of the group
    response = coordinator.post(
        reverse("workgroups:meeting_create"),
        {
            "kind": "meeting",
            "group": g.pk,
            "title": "AK DMS: Sommersitzung",
            "starts_at": "2027-06-10T10:00",
            "ends_at": "2027-06-10T09:00",
        },
    )
    assert response.status_code == 400 and "Das Ende liegt vor dem Beginn." in response.content.decode()
    response = coordinator.post(
        reverse("workgroups:meeting_create"),
        {
            "kind": "meeting",
            "group": g.pk,
            "title": "AK DMS: Sommersitzung",
            "starts_at": "2027-06-10T10:00",
            "ends_at": "2027-06-10T15:00",
            "capacity": "20",
            "per_member_limit": "2",
            "video_url": "https://meet.example.org/ak-dms",
        },
    )
    meeting = Meeting.objects.get(title="AK DMS: Sommersitzung")
    assert response["Location"] == reverse("workgroups:meeting", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M") == "10.06.2027 10:00"
    # attendance and minutes of last week's meeting
    coordinator.post(reverse("workgroups:attendance", args=[past.pk]), {"attended": [u["requester"].pk]})
    assert Registration.objects.get(meeting=past, user=u["requester"]).attended is True
    coordinator.post(reverse("workgroups:minutes", args=[past.pk]), {"minutes": "TOP 1: Bericht"})
    coordinator.post(
        reverse("workgroups:minutes_item_add", args=[past.pk]),
        {"kind": "action", "text": "Leitfaden abstimmen", "owner": u["requester"].pk, "due_on": "2027-01-15"},
    )
    page = client_for("requester").get(reverse("workgroups:meeting", args=[past.pk])).content.decode()
    assert "TOP 1: Bericht" in page and "Leitfaden abstimmen" in page and "15.01.2027" in page
    # a new version of the document, uploaded by a group member on the group page
    member = client_for("other_requester")
    member.post(
        reverse("workgroups:document_upload", args=[g.pk]),
        {
            "file": SimpleUploadedFile("Agenda-v2.pdf", b"%PDF 2"),
            "document": w["document"].pk,
            "comment": "TOP 3 ergänzt",
        },
    )
    assert list(w["document"].versions.values_list("number", "filename", "comment")) == [
        (2, "Agenda-v2.pdf", "TOP 3 ergänzt"),
        (1, "Agenda.pdf", ""),
    ]
