"""Task kinds of working-group members (action items, meetings with open registration, join requests for the
office and coordinators) and of case workers (new reports, reports past the town's target time)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.core.errors import DomainError
from kitu.defects import configuration as defect_config
from kitu.defects import services as defect_services
from kitu.defects.models import Report
from kitu.workgroups import services as workgroup_services

from .conftest import tasks_of, titles


def test_an_action_item_is_its_owners_task_until_done(group_world: dict[str, Any]) -> None:
    w = group_world
    users = w["users"]
    meeting = w["meeting"]
    due = timezone.localdate() + dt.timedelta(days=30)
    item = workgroup_services.minutes_item_add(
        actor=users["coop_admin"],
        meeting=meeting,
        kind="action",
        text="Marktübersicht DMS erstellen",
        owner=users["requester"],
        due_on=due,
    )
    (task,) = tasks_of(users["requester"], "action_item")
    assert (task.title, task.due, task.url) == (
        "Aufgabe aus dem Protokoll „AK DMS: Frühjahrssitzung“: Marktübersicht DMS erstellen",
        due,
        f"/arbeitskreise/termine/{meeting.pk}/",
    )
    for role in ("member_admin", "approver", "other_requester", "coop_admin"):
        assert tasks_of(users[role], "action_item") == [], role
    workgroup_services.action_item_done(actor=users["requester"], item=item, done=True)
    assert tasks_of(users["requester"], "action_item") == []


def test_an_invitation_is_a_task_for_the_groups_members_until_they_register(group_world: dict[str, Any]) -> None:
    w = group_world
    users = w["users"]
    meeting = w["meeting"]
    assert tasks_of(users["requester"], "meeting_registration") == []  # no invitation yet
    workgroup_services.meeting_invite(actor=users["coop_admin"], meeting=meeting)
    (task,) = tasks_of(users["requester"], "meeting_registration")
    start = timezone.localtime(meeting.starts_at)
    assert (task.title, task.due) == (
        f"Zum Termin anmelden: Arbeitskreis DMS – AK DMS: Frühjahrssitzung am {start:%d.%m.%Y}",
        start.date(),
    )
    assert len(tasks_of(users["other_requester"], "meeting_registration")) == 1  # a member of the group too
    # not in the group: no task (workgroup_member of Wernigerode did not join; the office is not a member)
    assert tasks_of(users["workgroup_member"], "meeting_registration") == []
    assert tasks_of(users["coop_admin"], "meeting_registration") == []
    workgroup_services.register(actor=users["requester"], meeting=meeting)
    assert tasks_of(users["requester"], "meeting_registration") == []
    workgroup_services.cancel(actor=users["requester"], meeting=meeting)
    assert len(tasks_of(users["requester"], "meeting_registration")) == 1  # cancelled: open again


def test_a_join_request_is_the_offices_and_the_coordinators_task_until_decided(group_world: dict[str, Any]) -> None:
    w = group_world
    users = w["users"]
    closed = workgroup_services.group_save(
        actor=users["coop_admin"], name="AK Informationssicherheit", visibility="request"
    )
    coordinator = users["member_admin"]
    workgroup_services.membership_set(
        actor=users["coop_admin"], group=closed, user=coordinator, status="active", is_coordinator=True
    )
    workgroup_services.group_join(actor=users["workgroup_member"], group=closed)
    expected = "Beitrittswunsch entscheiden: workgroup möchte in den Arbeitskreis AK Informationssicherheit"
    assert titles(users["coop_admin"], "group_join_request") == [expected]
    assert titles(coordinator, "group_join_request") == [expected]
    assert tasks_of(users["requester"], "group_join_request") == []  # a member of another group, no coordinator
    assert tasks_of(users["other_member_admin"], "group_join_request") == []
    workgroup_services.membership_set(actor=coordinator, group=closed, user=users["workgroup_member"], status="active")
    assert tasks_of(users["coop_admin"], "group_join_request") == []
    assert tasks_of(coordinator, "group_join_request") == []


def _report(w: dict[str, Any], **fields: Any) -> Report:
    return defect_services.report_create(
        service=w["w_service"], category_code="strassenschaden", description="Schlagloch", address="Markt 1", **fields
    )


def test_a_new_report_is_the_case_workers_task_until_taken_up(defect_world: dict[str, Any]) -> None:
    w = defect_world
    users = w["users"]
    report = _report(w)
    (task,) = tasks_of(users["case_worker"], "defect_new")
    assert (task.title, task.url, task.since) == (
        f"Neue Mängelmeldung Nr. {report.pk}: Straßenschaden – Markt 1",
        f"/maengel/bearbeitung/{report.pk}/",
        report.requested_at,
    )
    assert task.due == timezone.localdate(report.requested_at) + dt.timedelta(days=10)
    zeitz_worker = make_user("sb.zeitz@test.example", [(w["zeitz"].organisation, Role.CASE_WORKER)])
    assert tasks_of(zeitz_worker) == []
    for role in ("member_admin", "requester", "coop_admin"):
        assert tasks_of(users[role], "defect_new") == [], role
    defect_services.report_update(
        actor=users["case_worker"],
        report=report,
        status="in_progress",
        status_notes="Wir kümmern uns.",
        category=w["road"],
        description=report.description,
        is_published=False,
    )
    assert tasks_of(users["case_worker"], "defect_new") == []
    assert tasks_of(users["case_worker"], "defect_overdue") == []


def test_a_report_past_the_towns_target_time_is_a_task_until_closed(defect_world: dict[str, Any]) -> None:
    w = defect_world
    users = w["users"]
    worker = users["case_worker"]
    report = _report(w)
    Report.objects.filter(pk=report.pk).update(requested_at=timezone.now() - dt.timedelta(days=11))
    assert tasks_of(worker, "defect_new") == []  # no longer new: overdue
    (task,) = tasks_of(worker, "defect_overdue")
    assert task.title == f"Mängelmeldung Nr. {report.pk} über dem Bearbeitungsziel: Straßenschaden – Markt 1"
    # the town's member admin sets a longer target time: not overdue any more
    defect_config.service_save(
        actor=users["member_admin"],
        member=w["wernigerode"],
        is_enabled=True,
        area=w["w_service"].area,
        outside_hint="",
        retention_days=730,
        target_days=20,
    )
    assert tasks_of(worker, "defect_overdue") == []
    assert len(tasks_of(worker, "defect_new")) == 1
    Report.objects.filter(pk=report.pk).update(requested_at=timezone.now() - dt.timedelta(days=21))
    assert len(tasks_of(worker, "defect_overdue")) == 1
    report.refresh_from_db()
    defect_services.report_update(
        actor=worker,
        report=report,
        status="closed",
        status_notes="Repariert.",
        category=w["road"],
        description=report.description,
        is_published=False,
    )
    assert tasks_of(worker, "defect_overdue") == []


def test_the_target_time_is_checked(defect_world: dict[str, Any]) -> None:
    with pytest.raises(DomainError) as refused:
        defect_config.service_save(
            actor=defect_world["users"]["member_admin"],
            member=defect_world["wernigerode"],
            is_enabled=True,
            area=[],
            outside_hint="",
            retention_days=730,
            target_days=0,
        )
    assert refused.value.field == "target_days"
    defect_world["w_service"].refresh_from_db()
    assert defect_world["w_service"].target_days == 10
