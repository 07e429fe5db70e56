"""The council office's tasks in the inbox: invite before the invitation period ends, publish the results of
meetings that took place — for the office of the town only, gone once done."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from conftest import make_user
from kitu.accounts.models import User
from kitu.accounts.roles import Role
from kitu.council.models import AgendaResult, MeetingState
from kitu.council.services import meetings as services
from kitu.council.tests.factories import make_agenda_item, make_meeting
from kitu.tasks import registry

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def tasks_of(user: Any, kind: str) -> list[registry.Task]:
    fresh = User.objects.get(pk=user.pk)
    found = registry.tasks_for(fresh, kind=kind)
    assert registry.count_for(fresh, kind=kind) == len(found)  # the header's count agrees
    return found


def on_day(days: int) -> dt.datetime:
    return dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(17), tzinfo=BERLIN)


def test_invite_task_from_a_week_before_the_deadline_until_invited(
    council_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = council_world
    office = w["users"]["council_office"]
    assert tasks_of(office, "council_invite") == []  # the scheduled meeting in January is far off
    # invitation period 7 days: the last day to invite is the meeting day - 8; the task shows 7 days before
    due = make_meeting(w["body"], w["council"], start=on_day(15), name="Stadtrat in 15 Tagen")
    make_meeting(w["body"], w["council"], start=on_day(16), name="Stadtrat in 16 Tagen")
    make_meeting(w["body"], w["council"], start=on_day(5), name="Abgesagt", cancelled=True)
    (task,) = tasks_of(office, "council_invite")
    deadline = timezone.localdate() + dt.timedelta(days=7)
    assert task.title == (
        f"Zur Sitzung einladen: Stadtrat in 15 Tagen am {on_day(15):%d.%m.%Y} (Stadt Wernigerode), "
        f"Ladungsfrist bis {deadline:%d.%m.%Y}"
    )
    assert task.due == deadline
    assert task.url == f"/sitzungsdienst/wernigerode/sitzungen/{due.pk}/"
    for role in ("councillor", "member_admin", "other_councillor", "case_worker"):
        assert tasks_of(w["users"][role], "council_invite") == [], role
    zeitz_office = make_user("ratsbuero.zeitz@test.example", [(w["zeitz"].organisation, Role.COUNCIL_OFFICE)])
    assert tasks_of(zeitz_office, "council_invite") == []
    make_agenda_item(due, 1, "Haushalt")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invite(actor=office, meeting=due)
    assert tasks_of(office, "council_invite") == []


def test_publish_task_for_meetings_that_took_place(council_world: dict[str, Any]) -> None:
    w = council_world
    office = w["users"]["council_office"]
    assert tasks_of(office, "council_publish") == []  # published and future meetings are no task
    past = make_meeting(
        w["body"], w["council"], start=timezone.now() - dt.timedelta(days=2), state=MeetingState.INVITED
    )
    item = make_agenda_item(past, 1, "Haushalt")
    (task,) = tasks_of(office, "council_publish")
    assert task.title.startswith(f"Ergebnisse erfassen und veröffentlichen: {past.name} vom ")
    assert task.url == f"/sitzungsdienst/wernigerode/sitzungen/{past.pk}/"
    assert tasks_of(w["users"]["councillor"], "council_publish") == []
    services.agenda_item_result(actor=office, item=item, result=AgendaResult.ADOPTED)
    assert len(tasks_of(office, "council_publish")) == 1  # held, not yet published
    services.meeting_publish(actor=office, meeting=past)
    assert tasks_of(office, "council_publish") == []
