"""The department's mail of a new report through the outbox: stored pending, sent by a sweep, tried again when
it failed, and at most one queued sweep per web process and SWEEP_WINDOW."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import TestCase

from kitu.defects import services, tasks
from kitu.defects.models import Report

pytestmark = pytest.mark.django_db


def _report(w: dict[str, Any], description: str = "Laterne aus") -> Report:
    return services.report_create(
        service=w["w_service"], category_code="beleuchtung", description=description, address="Markt 1"
    )


def test_a_new_report_is_pending_until_the_sweep_mails_it(defect_world: dict[str, Any]) -> None:
    with TestCase.captureOnCommitCallbacks(execute=False):  # nothing queued: the report waits in the outbox
        first, second = _report(defect_world, "eins"), _report(defect_world, "zwei")
    assert list(Report.objects.filter(department_mail_pending=True).order_by("pk")) == [first, second]
    assert mail.outbox == []
    assert tasks.send_new_report_mails() == 2
    assert [m.to for m in mail.outbox] == [["licht@wernigerode.example"]] * 2
    assert "eins" in mail.outbox[0].body and "zwei" in mail.outbox[1].body
    assert not Report.objects.filter(department_mail_pending=True).exists()
    assert tasks.send_new_report_mails() == 0 and len(mail.outbox) == 2  # each mail once


def test_a_failed_mail_stays_pending_for_the_next_sweep(
    defect_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=False):
        broken, fine = _report(defect_world, "eins"), _report(defect_world, "zwei")
    real = tasks.send_report_mail

    def flaky(report_id: int, kind: str) -> int:
        if report_id == broken.pk:
            raise ConnectionRefusedError("SMTP down")
        return real(report_id, kind)

    monkeypatch.setattr(tasks, "send_report_mail", flaky)
    assert tasks.send_new_report_mails() == 1  # the other report's mail is not held back, the broken one once
    assert list(Report.objects.filter(department_mail_pending=True)) == [broken]
    monkeypatch.setattr(tasks, "send_report_mail", real)
    assert tasks.send_new_report_mails() == 1
    assert ["eins" in m.body for m in mail.outbox] == [False, True]
    assert fine.pk != broken.pk and not Report.objects.filter(department_mail_pending=True).exists()


def test_a_web_process_queues_one_sweep_per_window(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    queued: list[float | None] = []
    clock = [1000.0]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(tasks, "_sweep_due", 0.0)
    monkeypatch.setattr(tasks.time, "time", lambda: clock[0])
    monkeypatch.setattr(tasks.send_new_report_mails, "apply_async", lambda countdown=None: queued.append(countdown))
    tasks.queue_new_report_mails()  # the first report: a sweep at once
    assert queued == [None]
    clock[0] += 0.1
    tasks.queue_new_report_mails()  # that sweep may have started: the next one a window after it
    assert queued[1] == pytest.approx(tasks.SWEEP_WINDOW - 0.1)
    for _ in range(50):  # every report until then is found by that sweep: nothing more queued
        clock[0] += 0.01
        tasks.queue_new_report_mails()
    assert len(queued) == 2
    clock[0] = 1000.0 + tasks.SWEEP_WINDOW + 5  # long after: at once again
    tasks.queue_new_report_mails()
    assert queued[2:] == [None]


def test_a_broker_that_does_not_answer_leaves_the_report_to_beat(
    defect_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    def refused(countdown: float | None = None) -> None:
        raise ConnectionRefusedError("redis down")

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(tasks, "_sweep_due", 0.0)
    monkeypatch.setattr(tasks.send_new_report_mails, "apply_async", refused)
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = _report(defect_world)  # stored, no exception
    assert tasks._sweep_due == 0.0  # not counted as queued: the next report tries again
    assert list(Report.objects.filter(department_mail_pending=True)) == [report]
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["kitu.defects.tasks.send_new_report_mails"] <= 60  # beat sweeps every minute


def test_a_sweep_that_dies_while_sending_leaves_the_report_pending(
    defect_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim and the mail are one transaction: a worker killed mid-send (here: an exception no handler
    takes) does not lose the mail — the next sweep sends it."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        report = _report(defect_world, "eins")

    def killed(report_id: int, kind: str) -> int:
        raise SystemExit("worker killed")

    monkeypatch.setattr(tasks, "send_report_mail", killed)
    with pytest.raises(SystemExit):
        tasks.send_new_report_mails()
    assert list(Report.objects.filter(department_mail_pending=True)) == [report]
    monkeypatch.undo()
    assert tasks.send_new_report_mails() == 1
    assert not Report.objects.filter(department_mail_pending=True).exists()
