"""The daily digest: only to users who asked for it, only with tasks, once per day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from config.celery import app
from kitu.accounts.models import User
from kitu.billing.models import BillingRun
from kitu.core.actors import SYSTEM
from kitu.core.errors import PermissionDenied
from kitu.tasks import services, tasks
from kitu.tasks.models import DigestSent


@pytest.fixture
def digest_world(world: dict[str, Any]) -> dict[str, Any]:
    """A billing run to review: a task of the coop admin only."""
    BillingRun.objects.create(period="2026-11", period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 11, 30))
    User.objects.filter(email__in=["admin@test.example", "requester@test.example"]).update(task_digest=True)
    return world


def test_the_digest_goes_once_a_day_to_opted_in_users_with_tasks(digest_world: dict[str, Any]) -> None:
    today = timezone.localdate()
    assert tasks.send_digests.delay().get() == 1  # the requester opted in but has no task
    (message,) = mail.outbox
    assert message.to == ["admin@test.example"]
    assert message.subject == "KITU-Plattform: 1 Aufgabe wartet auf Sie"
    run = BillingRun.objects.get()
    assert "- Abrechnungslauf 2026-11 prüfen\n  seit heute\n" in message.body
    assert f"{settings.KITU_BASE_URL}/leistungen/abrechnung/{run.pk}/\n" in message.body
    assert "/konto/" in message.body  # how to unsubscribe
    assert list(DigestSent.objects.values_list("user__email", "day", "tasks")) == [("admin@test.example", today, 1)]
    # a second run the same day sends nothing, nor does a direct call for the user
    assert services.digests_send(today=today) == 0
    admin = digest_world["users"]["coop_admin"]
    assert services.digest_send(actor=SYSTEM, user=User.objects.get(pk=admin.pk), today=today) is False
    assert len(mail.outbox) == 1
    # the next day again (the task is still open)
    assert services.digests_send(today=today + dt.timedelta(days=1)) == 1
    assert len(mail.outbox) == 2


def test_no_digest_without_opt_in_or_when_inactive(digest_world: dict[str, Any]) -> None:
    User.objects.filter(email="admin@test.example").update(task_digest=False)
    assert services.digests_send() == 0
    User.objects.filter(email="admin@test.example").update(task_digest=True, is_active=False)
    assert services.digests_send() == 0
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_no_digest_when_the_work_is_done(digest_world: dict[str, Any]) -> None:
    BillingRun.objects.update(status="issued")
    assert services.digests_send() == 0
    assert mail.outbox == []


def test_only_the_platform_sends_digests(digest_world: dict[str, Any]) -> None:
    admin = digest_world["users"]["coop_admin"]
    with pytest.raises(PermissionDenied):
        services.digest_send(actor=admin, user=admin)
    assert mail.outbox == []


def test_a_failed_mail_is_tried_again(digest_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr(services, "send_mail", broken)
    with pytest.raises(OSError):
        services.digests_send()
    assert not DigestSent.objects.exists()
    monkeypatch.undo()
    assert services.digests_send() == 1


def test_the_digest_is_scheduled_daily() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["tasks-digest"]
    assert entry["task"] == "kitu.tasks.tasks.send_digests" == tasks.send_digests.name
    assert entry["schedule"] == crontab(hour=6, minute=30)
    assert "kitu.tasks.tasks.send_digests" in app.tasks
