"""The council office's meeting services: the state table, agenda, invitation (period, mails, .ics, only
public attachments), attendance, results and votes, publishing, cancelling and deleting."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.models import AuditEntry
from kitu.council.models import (
    AgendaItem,
    AgendaResult,
    Attendance,
    AttendanceStatus,
    Consultation,
    Location,
    Meeting,
    MeetingState,
    Vote,
)
from kitu.council.services import meetings as services
from kitu.council.tests.factories import (
    consult,
    make_file,
    make_membership,
    make_organization,
    make_paper,
    make_person,
)

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
S, INV, H, P = MeetingState.SCHEDULED, MeetingState.INVITED, MeetingState.HELD, MeetingState.PUBLISHED


@pytest.fixture
def w(council_world: dict[str, Any]) -> dict[str, Any]:
    return council_world


@pytest.fixture
def office(w: dict[str, Any]) -> Any:
    return w["users"]["council_office"]


def make_location(body: Any) -> Location:
    return Location.objects.create(body=body, description="Rathaus, Ratssaal", street_address="Marktplatz 1")


def future(days: int, hour: int = 17) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=BERLIN)


def plan(w: dict[str, Any], office: Any, *, days: int = 20, organizations: list[Any] | None = None) -> Meeting:
    return services.meeting_create(
        actor=office,
        body=w["body"],
        name="Stadtrat",
        start=future(days),
        end=future(days, 20),
        organizations=organizations or [w["council"]],
    )


def with_agenda(w: dict[str, Any], office: Any, **kwargs: Any) -> Meeting:
    meeting = plan(w, office, **kwargs)
    services.agenda_item_add(actor=office, meeting=meeting, name="Einwohnerfragestunde")
    return meeting


# --- the state table -----------------------------------------------------------------------------------------

EXPECTED = {
    # action: states in which it is allowed (never for a cancelled meeting, except delete)
    "edit": {S, INV},
    "agenda": {S, INV},
    "invite": {S},
    "cancel": {S, INV},
    "delete": {S},
    "record": {INV, H},
    "publish": {H},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("state", [S, INV, H, P])
@pytest.mark.parametrize("cancelled", [False, True])
def test_transition_table(w: dict[str, Any], action: str, state: str, cancelled: bool) -> None:
    meeting = w["scheduled"]
    meeting.state, meeting.cancelled = state, cancelled
    now = meeting.start  # on the meeting day
    expected = state in EXPECTED[action] and (not cancelled or action == "delete")
    assert services.allowed(meeting, action, now) is expected
    if expected:
        services.transition(meeting, action, now)
        target = services.TRANSITIONS[action].target
        assert meeting.state == (target or state)
    else:
        with pytest.raises(DomainError) as exc:
            services.transition(meeting, action, now)
        assert exc.value.field == "state"
        assert meeting.state == state


def test_table_covers_the_expected_steps() -> None:
    assert set(services.TRANSITIONS) == set(EXPECTED)
    assert services.TRANSITIONS["invite"].target == INV
    assert services.TRANSITIONS["record"].target == H
    assert services.TRANSITIONS["publish"].target == P


def test_results_not_before_the_meeting_day(w: dict[str, Any], office: Any) -> None:
    meeting = w["invited"]
    day_before = meeting.start - dt.timedelta(days=1)
    with pytest.raises(DomainError, match="Tag der Sitzung"):
        services.attendance_record(actor=office, meeting=meeting, statuses={}, now=day_before)
    assert Meeting.objects.get(pk=meeting.pk).state == INV


@pytest.mark.parametrize("meeting_key", ["published", "invited"])
def test_illegal_service_calls_change_nothing(w: dict[str, Any], office: Any, meeting_key: str) -> None:
    meeting = w[meeting_key]
    before = Meeting.objects.filter(pk=meeting.pk).values().get()
    with pytest.raises(DomainError):
        services.meeting_invite(actor=office, meeting=meeting, reason="x")
    with pytest.raises(DomainError):
        services.meeting_delete(actor=office, meeting=meeting)
    if meeting_key == "published":
        with pytest.raises(DomainError):
            services.meeting_cancel(actor=office, meeting=meeting)
        with pytest.raises(DomainError):
            services.agenda_item_add(actor=office, meeting=meeting, name="Neu")
        with pytest.raises(DomainError):
            services.meeting_publish(actor=office, meeting=meeting)
        with pytest.raises(DomainError):
            services.meeting_update(actor=office, meeting=meeting, name="Neu")
    else:
        with pytest.raises(DomainError):
            services.meeting_publish(actor=office, meeting=meeting)
    assert Meeting.objects.filter(pk=meeting.pk).values().get() == before


# --- planning ---------------------------------------------------------------------------------------------


def test_create_and_update(w: dict[str, Any], office: Any) -> None:
    location = make_location(w["body"])
    meeting = services.meeting_create(
        actor=office,
        body=w["body"],
        name="Bauausschuss",
        start=future(30),
        end=future(30, 19),
        location=location,
        organizations=[w["committee"]],
    )
    assert meeting.state == S and list(meeting.organizations.all()) == [w["committee"]]
    services.meeting_update(
        actor=office, meeting=meeting, name="Bau- und Umweltausschuss", organizations=[w["council"]]
    )
    meeting.refresh_from_db()
    assert meeting.name == "Bau- und Umweltausschuss"
    assert list(meeting.organizations.all()) == [w["council"]]
    entries = AuditEntry.objects.filter(object_type="council.Meeting", object_id=str(meeting.pk))
    assert [e.action for e in entries.order_by("pk")] == ["create", "update"]
    assert entries.order_by("pk").last().changes["organizations"] == [[w["committee"].pk], [w["council"].pk]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": dt.datetime(2027, 1, 1, 17, 0)}, "start"),
        ({"end": future(5, 10)}, "end"),
        ({"name": "  "}, "name"),
        ({"organizations": []}, "organizations"),
        ({"organizations": "zeitz"}, "organizations"),
        ({"location": "zeitz"}, "location"),
        ({"state": P}, "state"),
    ],
)
def test_create_refuses_bad_input(w: dict[str, Any], office: Any, change: dict[str, Any], field: str) -> None:
    data: dict[str, Any] = {"name": "Sitzung", "start": future(5), "organizations": [w["council"]], **change}
    if data.get("organizations") == "zeitz":
        data["organizations"] = [make_organization(w["zeitz_body"], "Stadtrat Zeitz")]
    if data.get("location") == "zeitz":
        data["location"] = make_location(w["zeitz_body"])
    count = Meeting.objects.count()
    with pytest.raises(DomainError) as exc:
        services.meeting_create(actor=office, body=w["body"], **data)
    assert exc.value.field == field
    assert Meeting.objects.count() == count


@pytest.mark.parametrize("role", ["councillor", "member_admin", "other_councillor", "coop_admin"])
def test_only_the_office_of_the_town(w: dict[str, Any], office: Any, role: str) -> None:
    meeting = with_agenda(w, office)
    user = w["users"][role]
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=user, body=w["body"], name="x", start=future(3), organizations=[w["council"]])
    with pytest.raises(PermissionDenied):
        services.meeting_invite(actor=user, meeting=meeting, reason="x")
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(actor=user, meeting=meeting, name="x")
    with pytest.raises(PermissionDenied):
        services.meeting_publish(actor=user, meeting=w["invited"])
    assert Meeting.objects.get(pk=meeting.pk).state == S
    assert meeting.agenda_items.count() == 1


# --- agenda -----------------------------------------------------------------------------------------------


def numbers(meeting: Meeting) -> list[tuple[str, str]]:
    return [(i.number, i.name) for i in services.agenda(meeting)]


def test_agenda_add_reorder_remove(w: dict[str, Any], office: Any) -> None:
    meeting = plan(w, office)
    a = services.agenda_item_add(actor=office, meeting=meeting, name="A")
    b = services.agenda_item_add(actor=office, meeting=meeting, name="B")
    c = services.agenda_item_add(actor=office, meeting=meeting, name="C", public=False)
    assert numbers(meeting) == [("1", "A"), ("2", "B"), ("3", "C")]
    services.agenda_reorder(actor=office, meeting=meeting, item_ids=[c.pk, a.pk, b.pk])
    assert numbers(meeting) == [("1", "C"), ("2", "A"), ("3", "B")]
    services.agenda_item_move(actor=office, item=a, step=-1)
    assert numbers(meeting) == [("1", "A"), ("2", "C"), ("3", "B")]
    services.agenda_item_move(actor=office, item=a, step=-1)  # already first: stays
    assert numbers(meeting) == [("1", "A"), ("2", "C"), ("3", "B")]
    services.agenda_item_remove(actor=office, item=c)
    assert numbers(meeting) == [("1", "A"), ("2", "B")]
    assert AgendaItem.objects.get(pk=c.pk).deleted
    d = services.agenda_item_add(actor=office, meeting=meeting, name="D")
    assert d.number == "3"
    assert numbers(meeting) == [("1", "A"), ("2", "B"), ("3", "D")]
    orders = list(meeting.agenda_items.values_list("order", flat=True))
    assert len(orders) == len(set(orders))


@pytest.mark.parametrize("ids", ["missing", "twice", "foreign"])
def test_reorder_needs_every_item_once(w: dict[str, Any], office: Any, ids: str) -> None:
    meeting = plan(w, office)
    a = services.agenda_item_add(actor=office, meeting=meeting, name="A")
    b = services.agenda_item_add(actor=office, meeting=meeting, name="B")
    given = {"missing": [a.pk], "twice": [a.pk, a.pk, b.pk], "foreign": [a.pk, b.pk, w["invited_item"].pk]}[ids]
    with pytest.raises(DomainError) as exc:
        services.agenda_reorder(actor=office, meeting=meeting, item_ids=given)
    assert exc.value.field == "order"
    assert numbers(meeting) == [("1", "A"), ("2", "B")]


def test_agenda_from_paper_uses_the_planned_consultation(w: dict[str, Any], office: Any) -> None:
    meeting = plan(w, office)
    planned = Consultation.objects.get(paper=w["draft_paper"])
    item = services.agenda_item_add(actor=office, meeting=meeting, paper=w["draft_paper"])
    planned.refresh_from_db()
    assert planned.agenda_item == item
    assert item.name == w["draft_paper"].name
    assert Consultation.objects.filter(paper=w["draft_paper"]).count() == 1
    with pytest.raises(DomainError) as exc:
        services.agenda_item_add(actor=office, meeting=meeting, paper=w["draft_paper"])
    assert exc.value.field == "paper"
    # removing it puts the paper back to planned
    services.agenda_item_remove(actor=office, item=item)
    planned.refresh_from_db()
    assert planned.agenda_item is None


def test_agenda_from_paper_without_planned_consultation(w: dict[str, Any], office: Any) -> None:
    meeting = plan(w, office, organizations=[w["committee"]])
    paper = make_paper(w["body"], "BV/0200/2026", "Spielplatz Kirchstraße")
    consult(paper, None, w["council"])  # planned for another body: not used
    item = services.agenda_item_add(actor=office, meeting=meeting, paper=paper, name="Spielplatz")
    made = Consultation.objects.get(paper=paper, agenda_item=item)
    assert list(made.organizations.all()) == [w["committee"]]
    assert Consultation.objects.filter(paper=paper, agenda_item__isnull=True).count() == 1


def test_agenda_refuses_foreign_and_non_public_papers(w: dict[str, Any], office: Any) -> None:
    meeting = plan(w, office)
    foreign = make_paper(w["zeitz_body"], "BV/1/2026", "Zeitz")
    with pytest.raises(DomainError) as exc:
        services.agenda_item_add(actor=office, meeting=meeting, paper=foreign)
    assert exc.value.field == "paper"
    closed = make_paper(w["body"], "BV/0300/2026", "Personalsache", public=False)
    with pytest.raises(DomainError) as exc:
        services.agenda_item_add(actor=office, meeting=meeting, paper=closed, public=True)
    assert exc.value.field == "public"
    item = services.agenda_item_add(actor=office, meeting=meeting, paper=closed, public=False)
    with pytest.raises(DomainError) as exc:
        services.agenda_item_update(actor=office, item=item, public=True)
    assert exc.value.field == "public"
    with pytest.raises(DomainError) as exc:
        services.agenda_item_add(actor=office, meeting=meeting, name=" ")
    assert exc.value.field == "name"
    assert numbers(meeting) == [("1", "Personalsache")]


# --- invitation -----------------------------------------------------------------------------------------


def text(content: str | bytes) -> str:
    return content.decode() if isinstance(content, bytes) else content


def invite(meeting: Meeting, office: Any, capture: Any, **kwargs: Any) -> int:
    with capture(execute=True):
        return services.meeting_invite(actor=office, meeting=meeting, **kwargs)


def test_invitation_period_boundary(w: dict[str, Any], office: Any) -> None:
    meeting = plan(w, office, days=20)
    day = services.meeting_day(meeting)
    assert w["body"].invitation_days == 7
    in_time = dt.datetime.combine(day - dt.timedelta(days=8), dt.time(23, 59), tzinfo=BERLIN)
    late = dt.datetime.combine(day - dt.timedelta(days=7), dt.time(0, 1), tzinfo=BERLIN)
    assert services.invitation_deadline(meeting) == day - dt.timedelta(days=8)
    assert not services.invitation_late(meeting, in_time)
    assert services.invitation_late(meeting, late)


def test_late_invitation_needs_a_reason_and_is_recorded(
    w: dict[str, Any], office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = with_agenda(w, office, days=3)
    with pytest.raises(DomainError) as exc:
        invite(meeting, office, django_capture_on_commit_callbacks, reason="  ")
    assert exc.value.field == "reason"
    assert Meeting.objects.get(pk=meeting.pk).state == S
    assert not Attendance.objects.filter(meeting=meeting).exists()
    assert mail.outbox == []
    invite(meeting, office, django_capture_on_commit_callbacks, reason="Dringlichkeit: Fördermittelfrist")
    meeting.refresh_from_db()
    assert meeting.state == INV and meeting.invited_at is not None
    assert meeting.invitation_late and meeting.invitation_late_reason == "Dringlichkeit: Fördermittelfrist"
    entry = AuditEntry.objects.filter(object_type="council.Meeting", object_id=str(meeting.pk)).order_by("pk").last()
    assert entry.changes["invitation_late"] == [False, True]
    assert entry.changes["state"] == [S, INV]
    assert "verkürzt" in mail.outbox[0].body and "Fördermittelfrist" in mail.outbox[0].body


def test_in_time_invitation_records_no_reason(
    w: dict[str, Any], office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = with_agenda(w, office, days=20)
    invite(meeting, office, django_capture_on_commit_callbacks, reason="wird nicht gebraucht")
    meeting.refresh_from_db()
    assert not meeting.invitation_late and meeting.invitation_late_reason == ""
    assert "verkürzt" not in mail.outbox[0].body


def test_invitation_mail_to_the_members_with_ics_and_only_public_papers(
    w: dict[str, Any], office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    body, council = w["body"], w["council"]
    # members on the meeting day: mayor (no address), anna (e-mail), login-only person; former member out
    login_only = make_person(body, "Lena", "Login", user=w["users"]["requester"])
    make_membership(login_only, council)
    former = make_person(body, "Fritz", "Früher", email="fritz@example.org")
    make_membership(former, council, end_date=dt.date(2025, 1, 1))
    no_vote = make_person(body, "Sven", "Sachkundig", email="sven@example.org")
    make_membership(no_vote, council, voting_right=False)
    meeting = plan(w, office, days=20)
    public_paper = make_paper(body, "BV/0400/2026", "Sanierung Rathausdach")
    public_pdf = make_file(paper=public_paper, text="Rathausdach")
    make_file(paper=public_paper, text="Anlage Rathausdach", role="auxiliary")
    closed_paper = make_paper(body, "BV/0401/2026", "Grundstückskauf Lindenallee")
    closed_pdf = make_file(paper=closed_paper, text="Kaufpreis geheim")
    services.agenda_item_add(actor=office, meeting=meeting, paper=public_paper)
    services.agenda_item_add(actor=office, meeting=meeting, paper=closed_paper, public=False)
    count = invite(meeting, office, django_capture_on_commit_callbacks)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert count == 3
    assert recipients == sorted(["anna@example.org", "requester@test.example", "sven@example.org"])
    invited = set(Attendance.objects.filter(meeting=meeting).values_list("person__family_name", "status"))
    assert invited == {("Kascha", ""), ("Schmidt", ""), ("Login", ""), ("Sachkundig", "")}
    message = mail.outbox[0]
    names = [a[0] for a in message.attachments]
    assert names == ["sitzung.ics", public_pdf.file_name]
    ics_text = text(message.attachments[0][1])
    assert "BEGIN:VEVENT" in ics_text and "Sanierung Rathausdach" in ics_text
    assert "Grundstück" not in ics_text and "Kaufpreis" not in ics_text
    assert closed_pdf.file_name not in names
    assert "Grundstückskauf" not in message.body and "Grundstückskauf" not in message.subject
    assert "Nichtöffentlicher Teil: Punkt 2" in message.body
    assert "/ratsarbeit/" in message.body
    assert "1. Sanierung Rathausdach" in message.body


def test_invitation_refused_without_members_or_agenda(
    w: dict[str, Any], office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    empty = make_organization(w["body"], "Neuer Beirat")
    meeting = with_agenda(w, office, organizations=[empty])
    with pytest.raises(DomainError) as exc:
        invite(meeting, office, django_capture_on_commit_callbacks)
    assert exc.value.field == "organizations"
    no_agenda = plan(w, office)
    with pytest.raises(DomainError) as exc:
        invite(no_agenda, office, django_capture_on_commit_callbacks)
    assert exc.value.field == "agenda"
    assert mail.outbox == []


def test_cancel_mails_the_invited_and_delete_only_before_invitation(
    w: dict[str, Any], office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = with_agenda(w, office)
    invite(meeting, office, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_cancel(actor=office, meeting=meeting) == 1
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert "abgesagt" in mail.outbox[0].body
    assert "STATUS:CANCELLED" in text(mail.outbox[0].attachments[0][1])
    with pytest.raises(DomainError):
        services.meeting_delete(actor=office, meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).cancelled

    draft = plan(w, office)
    item = services.agenda_item_add(actor=office, meeting=draft, paper=w["draft_paper"])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_cancel(actor=office, meeting=draft) == 0
    services.meeting_delete(actor=office, meeting=draft)
    draft.refresh_from_db()
    assert draft.deleted
    assert AgendaItem.objects.get(pk=item.pk).deleted
    assert Consultation.objects.get(paper=w["draft_paper"]).agenda_item is None


# --- attendance, votes, publishing -------------------------------------------------------------------------


@pytest.fixture
def held(w: dict[str, Any], office: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """An invited Stadtrat meeting with a public item 1 and a non-public item 2, members mayor, anna and
    a member without voting right; mayor and anna present, the other one too."""
    guest = make_person(w["body"], "Gerd", "Gast")
    make_membership(guest, w["council"], voting_right=False)
    meeting = plan(w, office)
    public = services.agenda_item_add(actor=office, meeting=meeting, name="Haushalt")
    closed = services.agenda_item_add(actor=office, meeting=meeting, name="Personal", public=False)
    invite(meeting, office, django_capture_on_commit_callbacks)
    day = meeting.start
    services.attendance_record(
        actor=office,
        meeting=meeting,
        statuses={
            w["mayor"].pk: AttendanceStatus.PRESENT,
            w["anna"].pk: AttendanceStatus.PRESENT,
            guest.pk: AttendanceStatus.PRESENT,
        },
        now=day,
    )
    return {"meeting": meeting, "public": public, "closed": closed, "guest": guest, "day": day}


def test_attendance_moves_to_held_and_refuses_strangers(w: dict[str, Any], office: Any, held: dict[str, Any]) -> None:
    meeting = held["meeting"]
    meeting.refresh_from_db()
    assert meeting.state == H
    assert list(services.voters(meeting)) == [w["mayor"], w["anna"]]
    with pytest.raises(DomainError) as exc:
        services.attendance_record(
            actor=office, meeting=meeting, statuses={w["bernd"].pk: AttendanceStatus.PRESENT}, now=held["day"]
        )
    assert exc.value.field == "attendance"
    with pytest.raises(DomainError) as exc:
        services.attendance_record(actor=office, meeting=meeting, statuses={w["anna"].pk: "maybe"}, now=held["day"])
    assert exc.value.field == "attendance"
    assert Attendance.objects.get(meeting=meeting, person=w["anna"]).status == AttendanceStatus.PRESENT


def test_vote_counts_not_above_the_present_voters(w: dict[str, Any], office: Any, held: dict[str, Any]) -> None:
    item, day = held["public"], held["day"]
    with pytest.raises(DomainError) as exc:
        services.agenda_item_result(
            actor=office, item=item, result=AgendaResult.ADOPTED, votes_yes=2, votes_no=1, now=day
        )
    assert exc.value.field == "votes_yes"
    with pytest.raises(DomainError) as exc:
        services.agenda_item_result(actor=office, item=item, result=AgendaResult.ADOPTED, votes_yes=-1, now=day)
    assert exc.value.field == "votes_yes"
    with pytest.raises(DomainError) as exc:
        services.agenda_item_result(actor=office, item=item, result="vielleicht", now=day)
    assert exc.value.field == "result"
    assert AgendaItem.objects.get(pk=item.pk).result == ""
    services.agenda_item_result(
        actor=office, item=item, result=AgendaResult.ADOPTED, votes_yes=1, votes_no=1, votes_abstain=0, now=day
    )
    item.refresh_from_db()
    assert (item.result, item.votes_yes, item.votes_no, item.votes_abstain) == (AgendaResult.ADOPTED, 1, 1, 0)


def test_named_votes(w: dict[str, Any], office: Any, held: dict[str, Any]) -> None:
    item, day = held["public"], held["day"]
    mayor, anna = w["mayor"].pk, w["anna"].pk
    with pytest.raises(DomainError) as exc:  # everyone present with a voting right votes
        services.agenda_item_result(
            actor=office, item=item, result=AgendaResult.ADOPTED, named_votes={mayor: "yes"}, now=day
        )
    assert exc.value.field == "votes" and "Schmidt" in exc.value.message
    with pytest.raises(DomainError) as exc:  # no voting right
        services.agenda_item_result(
            actor=office,
            item=item,
            result=AgendaResult.ADOPTED,
            named_votes={mayor: "yes", anna: "yes", held["guest"].pk: "no"},
            now=day,
        )
    assert exc.value.field == "votes"
    with pytest.raises(DomainError) as exc:
        services.agenda_item_result(
            actor=office, item=item, result=AgendaResult.ADOPTED, named_votes={mayor: "yes", anna: "ja"}, now=day
        )
    assert exc.value.field == "votes"
    assert not Vote.objects.exists()
    services.agenda_item_result(
        actor=office,
        item=item,
        result=AgendaResult.REJECTED,
        votes_yes=99,  # ignored: the counts follow the named votes
        named_votes={mayor: "yes", anna: "no"},
        now=day,
    )
    item.refresh_from_db()
    assert item.named_vote and (item.votes_yes, item.votes_no, item.votes_abstain) == (1, 1, 0)
    assert sorted(Vote.objects.filter(agenda_item=item).values_list("person_id", "choice")) == sorted(
        [(mayor, "yes"), (anna, "no")]
    )
    # a later open vote replaces the named one
    services.agenda_item_result(actor=office, item=item, result=AgendaResult.ADOPTED, votes_yes=2, now=day)
    assert not Vote.objects.filter(agenda_item=item).exists()


def test_publish_refused_with_unrecorded_public_results(w: dict[str, Any], office: Any, held: dict[str, Any]) -> None:
    meeting, day = held["meeting"], held["day"]
    with pytest.raises(DomainError) as exc:
        services.meeting_publish(actor=office, meeting=meeting, now=day)
    assert exc.value.field == "result" and "TOP 1 Haushalt" in exc.value.message
    assert "Personal" not in exc.value.message  # non-public items need no result to publish
    assert Meeting.objects.get(pk=meeting.pk).state == H
    services.agenda_item_result(actor=office, item=held["public"], result=AgendaResult.NOTED, now=day)
    services.meeting_publish(actor=office, meeting=meeting, now=day)
    meeting.refresh_from_db()
    assert meeting.state == P and meeting.published_at == day
    with pytest.raises(DomainError):
        services.agenda_item_result(actor=office, item=held["public"], result=AgendaResult.ADOPTED, now=day)


def test_organizations_fixed_after_the_invitation(w: dict[str, Any], office: Any) -> None:
    meeting = w["invited"]
    services.meeting_update(actor=office, meeting=meeting, name="Bauausschuss (neu)", organizations=[w["committee"]])
    with pytest.raises(DomainError) as exc:
        services.meeting_update(actor=office, meeting=meeting, organizations=[w["council"]])
    assert exc.value.field == "organizations"
    assert list(Meeting.objects.get(pk=meeting.pk).organizations.all()) == [w["committee"]]
