"""Invitations and confirmations with .ics, attendance, minutes with decisions and action items, group
documents with versions (for the group only), news, the personal calendar feed and the training fees."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from kitu.accounts.models import Organisation, User
from kitu.core.errors import DomainError, PermissionDenied
from kitu.workgroups import selectors, services
from kitu.workgroups.models import DocumentVersion, Meeting, MinutesItem, NewsItem, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def mails(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the on-commit mail tasks of the block, with an empty outbox before."""
    mail.outbox.clear()
    return django_capture_on_commit_callbacks


def _events(data: bytes) -> list[Any]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def _make_past(meeting: Meeting, days: int = 7) -> Meeting:
    start = timezone.now() - dt.timedelta(days=days)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=3))
    meeting.refresh_from_db()
    return meeting


def test_invitation_goes_to_the_group_with_an_ics(group_world: dict[str, Any], mails: Any) -> None:
    w = group_world
    u, m = w["users"], w["meeting"]
    with mails(execute=True):
        assert services.meeting_invite(actor=w["admin"], meeting=m) == 5
    assert sorted(msg.to[0] for msg in mail.outbox) == sorted(
        u[r].email for r in ("member_admin", "requester", "approver", "other_member_admin", "other_requester")
    )
    msg = mail.outbox[0]
    assert msg.subject == f"Einladung: AK DMS: Frühjahrssitzung am {timezone.localtime(m.starts_at):%d.%m.%Y}"
    name, content, mimetype = msg.attachments[0]
    assert (name, mimetype) == ("termin.ics", "text/calendar; charset=utf-8; method=PUBLISH")
    (event,) = _events(content)
    assert str(event["summary"]) == "Arbeitskreis DMS: AK DMS: Frühjahrssitzung"
    assert event.decoded("dtstart") == m.starts_at.replace(microsecond=0)
    assert str(event["location"]) == "Magdeburg, Geschäftsstelle"
    assert str(event["uid"]) == f"meeting-{m.pk}@kitu-platform"
    m.refresh_from_db()
    assert m.invited_at is not None
    with pytest.raises(PermissionDenied):
        services.meeting_invite(actor=u["requester"], meeting=m)  # a member, not a coordinator
    services.membership_set(
        actor=w["admin"], group=w["group"], user=u["requester"], status="active", is_coordinator=True
    )
    assert services.meeting_invite(actor=u["requester"], meeting=m) == 5
    # a training goes to the staff of all members and the cooperative (not to the supplier)
    assert services.meeting_invite(actor=w["admin"], meeting=w["training"]) == len(u) - 1


def test_registration_mails_confirm_queue_and_move_up(group_world: dict[str, Any], mails: Any) -> None:
    u, t = group_world["users"], group_world["training"]
    Meeting.objects.filter(pk=t.pk).update(capacity=1)
    t.refresh_from_db()
    with mails(execute=True):
        services.register(actor=u["member_admin"], meeting=t)
        services.register(actor=u["other_requester"], meeting=t, waitlist=True)
        services.cancel(actor=u["member_admin"], meeting=t)
    assert [(msg.to[0], msg.subject.split(":")[0]) for msg in mail.outbox] == [
        (u["member_admin"].email, "Anmeldung bestätigt"),
        (u["other_requester"].email, "Warteliste"),
        (u["other_requester"].email, "Nachgerückt – Ihr Platz"),
    ]
    assert all(msg.attachments[0][0] == "termin.ics" for msg in mail.outbox)


def test_attendance_only_for_the_registered_and_on_the_day(group_world: dict[str, Any]) -> None:
    w = group_world
    u, m = w["users"], w["meeting"]
    for role in ("member_admin", "requester"):
        services.register(actor=u[role], meeting=m)
    with pytest.raises(DomainError, match="erst am Tag"):
        services.attendance_set(actor=w["admin"], meeting=m, attended_user_ids={u["member_admin"].pk})
    m = _make_past(m, days=0)
    with pytest.raises(DomainError, match="Nur angemeldete"):
        services.attendance_set(actor=w["admin"], meeting=m, attended_user_ids={u["approver"].pk})
    with pytest.raises(PermissionDenied):
        services.attendance_set(actor=u["member_admin"], meeting=m, attended_user_ids={u["member_admin"].pk})
    assert services.attendance_set(actor=w["admin"], meeting=m, attended_user_ids={u["member_admin"].pk}) == 1
    assert dict(Registration.objects.filter(meeting=m).values_list("user__email", "attended")) == {
        u["member_admin"].email: True,
        u["requester"].email: False,
    }


def test_minutes_decisions_and_action_items(group_world: dict[str, Any]) -> None:
    w = group_world
    u, m = w["users"], _make_past(group_world["meeting"])
    services.minutes_save(actor=w["admin"], meeting=m, minutes="  TOP 1: Bericht der Geschäftsstelle  ")
    assert Meeting.objects.get(pk=m.pk).minutes == "TOP 1: Bericht der Geschäftsstelle"
    services.minutes_item_add(actor=w["admin"], meeting=m, kind="decision", text="E-Akte-Rahmenvertrag verlängern")
    with pytest.raises(DomainError, match="keine Verantwortlichen"):
        services.minutes_item_add(actor=w["admin"], meeting=m, kind="decision", text="x", owner=u["requester"])
    with pytest.raises(DomainError, match="braucht eine verantwortliche"):
        services.minutes_item_add(actor=w["admin"], meeting=m, kind="action", text="x")
    with pytest.raises(DomainError, match="nur ein Mitglied des Arbeitskreises"):
        services.minutes_item_add(actor=w["admin"], meeting=m, kind="action", text="x", owner=u["case_worker"])
    due = timezone.localdate() + dt.timedelta(days=30)
    action = services.minutes_item_add(
        actor=w["admin"], meeting=m, kind="action", text="Musterkonzept verteilen", owner=u["requester"], due_on=due
    )
    assert [i.text for i in selectors.open_action_items(u["requester"])] == ["Musterkonzept verteilen"]
    with pytest.raises(PermissionDenied):
        services.action_item_done(actor=u["approver"], item=action, done=True)  # neither owner nor coordinator
    services.action_item_done(actor=u["requester"], item=action, done=True, today=dt.date(2026, 11, 2))
    assert MinutesItem.objects.get(pk=action.pk).done_on == dt.date(2026, 11, 2)
    assert list(selectors.open_action_items(u["requester"])) == []
    services.action_item_done(actor=w["admin"], item=action, done=False)
    assert MinutesItem.objects.get(pk=action.pk).done_on is None
    with pytest.raises(PermissionDenied):
        services.minutes_save(actor=u["requester"], meeting=m, minutes="")


def _upload(name: str = "Konzept.pdf", content: bytes = b"%PDF-1.7 demo") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_documents_have_versions_and_only_the_group_sees_them(group_world: dict[str, Any], client_for: Any) -> None:
    w = group_world
    u, g = w["users"], w["group"]
    v1 = services.document_upload(actor=u["requester"], group=g, file=_upload(), title="Musterkonzept E-Akte")
    v2 = services.document_upload(
        actor=u["other_requester"], group=g, file=_upload("Konzept-v2.pdf", b"%PDF v2"), document=v1.document
    )
    assert (v1.number, v2.number, v2.document_id) == (1, 2, v1.document_id)
    assert [v.filename for v in v1.document.versions.all()] == ["Konzept-v2.pdf", "Konzept.pdf"]
    with pytest.raises(DomainError, match="Dateityp nicht erlaubt"):
        services.document_upload(actor=u["requester"], group=g, file=_upload("run.exe"))
    with pytest.raises(DomainError, match="leer"):
        services.document_upload(actor=u["requester"], group=g, file=_upload(content=b""))
    with pytest.raises(PermissionDenied):
        services.document_upload(actor=u["case_worker"], group=g, file=_upload())  # not in the group
    assert DocumentVersion.objects.count() == 2
    url = reverse("workgroups:document_download", args=[v2.pk])
    expected = {None: 302, "coop_admin": 200, "contract_manager": 200, "case_worker": 404, "workgroup_member": 404}
    expected |= {"supplier_user": 404, "requester": 200, "other_member_admin": 200}
    for role, status in expected.items():
        response = client_for(role).get(url)
        assert response.status_code == status, role
        if status == 200:
            assert b"".join(response.streaming_content) == b"%PDF v2"
            assert response["Content-Disposition"] == 'attachment; filename="Konzept-v2.pdf"'
    # leaving the group ends the access
    services.membership_set(actor=w["admin"], group=g, user=u["requester"], status=None)
    assert client_for("requester").get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.document_remove(actor=u["approver"], document=v1.document)
    services.document_remove(actor=w["admin"], document=v1.document)
    assert DocumentVersion.objects.count() == 0


def test_news_for_all_or_for_a_group_and_scheduled(group_world: dict[str, Any], client_for: Any) -> None:
    w = group_world
    u = w["users"]
    services.news_save(actor=w["admin"], title="Neuer Rahmenvertrag Notebooks", body="Ab sofort abrufbar.")
    services.news_save(actor=w["admin"], title="AK DMS: Unterlagen online", body="Siehe Dokumente.", group=w["group"])
    services.news_save(
        actor=w["admin"],
        title="Geplant",
        body="Kommt später.",
        published_at=timezone.now() + dt.timedelta(days=2),
    )
    with pytest.raises(PermissionDenied):
        services.news_save(actor=u["member_admin"], title="x", body="y")

    def titles(role: str) -> list[str]:
        return [n.title for n in selectors.visible_news(u[role])]

    assert titles("requester") == ["AK DMS: Unterlagen online", "Neuer Rahmenvertrag Notebooks"]
    assert titles("case_worker") == ["Neuer Rahmenvertrag Notebooks"]
    assert titles("supplier_user") == []
    assert titles("coop_admin")[0] == "Geplant"  # the office sees what it scheduled
    home = client_for("requester").get("/").content.decode()
    assert "Neuer Rahmenvertrag Notebooks" in home and "AK DMS: Unterlagen online" in home
    assert "Geplant" not in home
    assert NewsItem.objects.count() == 3


def test_start_page_shows_my_groups_meetings_and_open_action_items(
    group_world: dict[str, Any], client_for: Any
) -> None:
    w = group_world
    u = w["users"]
    past = Meeting.objects.create(
        kind="meeting",
        group=w["group"],
        title="AK DMS: Herbstsitzung",
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=30, hours=-2),
    )
    services.minutes_item_add(
        actor=w["admin"], meeting=past, kind="action", text="Umfrage Scanstraßen auswerten", owner=u["requester"]
    )
    page = client_for("requester").get("/").content.decode()
    assert "Meine Aufgaben" in page and "Umfrage Scanstraßen auswerten" in page  # in the task list
    assert "AK DMS: Frühjahrssitzung" in page  # the group's upcoming meeting
    assert "Arbeitskreis DMS" in page
    other = client_for("case_worker").get("/").content.decode()
    assert "Umfrage Scanstraßen auswerten" not in other and "Keine offenen Aufgaben." in other
    assert "Meine offenen Aufgaben" not in client_for("supplier_user").get("/").content.decode()
    # the owner ticks it off from the start page
    item = MinutesItem.objects.get()
    response = client_for("requester").post(
        reverse("workgroups:action_done", args=[item.pk]), {"done": "1", "next": "home"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert MinutesItem.objects.get().done_on == timezone.localdate()


def test_personal_calendar_feed(group_world: dict[str, Any], client_for: Any) -> None:
    w = group_world
    u = w["users"]
    services.register(actor=u["case_worker"], meeting=w["training"])
    client = client_for("case_worker")
    page = client.get(reverse("workgroups:calendar")).content.decode()
    token = services.calendar_token(actor=u["case_worker"])
    feed_url = reverse("workgroups:feed", args=[token])
    assert feed_url in page
    response = client_for(None).get(feed_url)  # calendar programs send no session
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert [str(e["summary"]) for e in _events(response.content)] == ["Schulung E-Akte für Einsteiger"]
    # a group member also gets the group's meetings
    member_feed = client_for(None).get(reverse("workgroups:feed", args=[services.calendar_token(actor=u["requester"])]))
    assert sorted(str(e["summary"]) for e in _events(member_feed.content)) == [
        "Arbeitskreis DMS: AK DMS: Frühjahrssitzung"
    ]
    services.cancel(actor=u["case_worker"], meeting=w["training"])
    assert _events(client_for(None).get(feed_url).content) == []
    assert client.post(reverse("workgroups:calendar")).status_code == 302  # a new address
    assert client_for(None).get(feed_url).status_code == 404
    assert client_for(None).get(reverse("workgroups:feed", args=["nope"])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.calendar_token(actor=u["supplier_user"])
    assert client_for("supplier_user").get(reverse("workgroups:calendar")).status_code == 404


def test_training_fees_are_kept_until_billed(group_world: dict[str, Any], client_for: Any) -> None:
    w = group_world
    u, t = w["users"], w["training"]
    Meeting.objects.filter(pk=t.pk).update(fee=Decimal("149.00"))
    t.refresh_from_db()
    services.register(actor=u["member_admin"], meeting=t)
    services.register(actor=u["other_requester"], meeting=t)
    Meeting.objects.filter(pk=t.pk).update(fee=Decimal("199.00"))  # a later price change keeps the booked fee
    assert list(selectors.unbilled_fees()) == []  # not over yet
    _make_past(t)
    assert [(r["organisation__name"], r["count"], r["total"]) for r in selectors.unbilled_fees_by_organisation()] == [
        ("Stadt Wernigerode", 1, Decimal("149.00")),
        ("Stadt Zeitz", 1, Decimal("149.00")),
    ]
    csv = client_for("coop_admin").get(reverse("workgroups:fees") + "?format=csv").content.decode()
    assert csv.splitlines()[1].startswith("Stadt Wernigerode;Schulung E-Akte für Einsteiger;")
    assert csv.splitlines()[1].endswith(";149,00;nein")
    total = services.fees_mark_billed(
        actor=w["admin"], organisation=w["wernigerode"].organisation, until=timezone.localdate()
    )
    assert total == Decimal("149.00")
    assert [r["organisation__name"] for r in selectors.unbilled_fees_by_organisation()] == ["Stadt Zeitz"]
    with pytest.raises(DomainError, match="Keine offenen"):
        services.fees_mark_billed(actor=w["admin"], organisation=w["wernigerode"].organisation, until=dt.date.today())
    with pytest.raises(PermissionDenied):
        services.fees_mark_billed(actor=u["member_admin"], organisation=w["zeitz"].organisation, until=dt.date.today())


def test_training_fees_csv_neutralises_names_and_keeps_the_fee_a_number(
    group_world: dict[str, Any], client_for: Any
) -> None:
    w = group_world
    u, t = w["users"], w["training"]
    Meeting.objects.filter(pk=t.pk).update(fee=Decimal("149.00"), title="-2+3")
    services.register(actor=u["member_admin"], meeting=t)
    _make_past(t)
    Organisation.objects.filter(pk=w["wernigerode"].organisation_id).update(name='=HYPERLINK("http://x","y")')
    User.objects.filter(pk=u["member_admin"].pk).update(full_name="@SUM(A1)")
    text = client_for("coop_admin").get(reverse("workgroups:fees") + "?format=csv").content.decode()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1] == [
        '\'=HYPERLINK("http://x","y")',
        "'-2+3",
        f"{timezone.localtime(t.starts_at):%d.%m.%Y}",
        "'@SUM(A1)",
        "149,00",
        "nein",
    ]
