"""Background jobs: states and progress, the progress page (htmx part, reload, result, failure) and who may
see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import ROLES, STAFF, make_user
from kitu.core import jobs
from kitu.core.errors import DomainError
from kitu.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def _job(owner: Any, **extra: Any) -> Job:
    return jobs.job_create(actor=owner, kind="test", title="Rechnungen verschicken", unit="Rechnungen", **extra)


def test_a_job_runs_through_its_states_and_counts(world: dict[str, Any]) -> None:
    job = _job(world["admin"], total=3)
    assert (job.status, job.done, job.total, job.percent) == (JobStatus.QUEUED, 0, 3, 0)
    seen: list[tuple[str, int]] = []

    def work(progress: jobs.Progress) -> jobs.Outcome:
        for _ in range(3):
            progress.advance()
            current = Job.objects.get(pk=job.pk)
            seen.append((current.status, current.done))
        return jobs.Outcome(url="/leistungen/abrechnung/", label="Zum Lauf", message="3 verschickt.")

    finished = jobs.job_run(job.pk, work)
    assert seen == [("running", 1), ("running", 2), ("running", 3)]
    assert finished is not None
    assert (finished.status, finished.done, finished.message, finished.result_url) == (
        "done",
        3,
        "3 verschickt.",
        "/leistungen/abrechnung/",
    )
    assert finished.started_at is not None and finished.finished_at is not None
    assert jobs.job_run(job.pk, work) is None  # delivered twice: done once
    assert seen == [("running", 1), ("running", 2), ("running", 3)]


def test_work_handed_on_to_parallel_tasks_is_ended_once_by_the_task_that_completes_it(world: dict[str, Any]) -> None:
    """Work that fans out (a Celery group) returns None: the job keeps running until a task finds every step
    done; two tasks that both see it complete end it once."""
    job = _job(world["admin"], total=0)

    def fan_out(progress: jobs.Progress) -> None:
        progress.set_total(2)

    running = jobs.job_run(job.pk, fan_out)
    assert running is not None and (running.status, running.done, running.total) == ("running", 0, 2)
    progress = jobs.Progress(job.pk)
    progress.advance()
    assert not progress.complete()
    progress.advance()
    assert progress.complete()
    outcome = jobs.Outcome(url="/leistungen/abrechnung/", label="Zum Lauf", message="2 verschickt.")
    assert jobs.job_finish(job.pk, outcome) is True
    assert jobs.job_finish(job.pk, jobs.Outcome(message="noch einmal")) is False
    finished = Job.objects.get(pk=job.pk)
    assert (finished.status, finished.done, finished.message, finished.result_url) == (
        "done",
        2,
        "2 verschickt.",
        "/leistungen/abrechnung/",
    )
    assert finished.finished_at is not None


def test_a_failing_job_ends_failed_with_the_message(world: dict[str, Any]) -> None:
    job = _job(world["admin"], total=2, back_url="/zurueck/")

    def refused(progress: jobs.Progress) -> jobs.Outcome:
        progress.advance()
        raise DomainError("Der Lauf ist schon ausgestellt.")

    failed = jobs.job_run(job.pk, refused)
    assert failed is not None
    assert (failed.status, failed.done, failed.message, failed.result_url) == (
        "failed",
        1,
        "Der Lauf ist schon ausgestellt.",
        "/zurueck/",
    )

    def broken(progress: jobs.Progress) -> jobs.Outcome:
        raise ZeroDivisionError

    other = jobs.job_run(_job(world["admin"]).pk, broken)
    assert other is not None and other.status == "failed" and "ZeroDivisionError" in other.message


def test_the_progress_page_shows_how_far_and_then_the_result(world: dict[str, Any], client_for: Any) -> None:
    job = _job(world["admin"], total=36, back_url="/leistungen/abrechnung/1/", back_label="Zum Lauf")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=23)
    client = client_for("coop_admin")
    url = f"/fortschritt/{job.pk}/"
    page = client.get(url).content.decode()
    assert "23 von 36 Rechnungen" in page
    assert '<progress id="job-progress" max="36" value="23">' in page
    assert f'hx-get="{url}" hx-trigger="every 1s"' in page  # htmx polls
    assert f'href="{url}">Jetzt aktualisieren' in page  # and a plain reload without JavaScript
    part = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert part.startswith('<div id="job-status"') and "<html" not in part
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, done=36, message="36 Rechnungen ausgestellt, 36 verschickt.", result_label="Zum Lauf"
    )
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done  # polling stops
    assert "36 Rechnungen ausgestellt, 36 verschickt." in done
    assert 'href="/leistungen/abrechnung/1/">Zum Lauf' in done
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="Der Mailserver antwortet nicht.")
    failed = client.get(url).content.decode()
    assert "Fehlgeschlagen" in failed and "Der Mailserver antwortet nicht." in failed


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_and_coop_staff_see_a_job(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    job = _job(world["users"]["member_admin"], total=1)
    response = client_for(role).get(f"/fortschritt/{job.pk}/")
    if role is None:
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
    elif role in STAFF or role == "member_admin":
        assert response.status_code == 200 and "Rechnungen verschicken" in response.content.decode()
    else:
        assert response.status_code == 404
    assert Job.objects.get(pk=job.pk).status == "queued"  # looking changes nothing


def test_an_unknown_job_is_not_found(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(make_user("someone@test.example"))
    assert client.get("/fortschritt/00000000-0000-0000-0000-000000000000/").status_code == 404
