"""Issuing a run, credit notes, reminders and the mailing of unmailed invoices need the confirmation page:
a POST without it changes nothing and sends nothing; the page says the real count. Issuing runs as a job with
a progress page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db.models import F

from conftest import ROLES
from kitu.billing import runs
from kitu.billing.models import BillingRun, Invoice
from kitu.core.confirm import CONFIRM_FIELD, CONFIRM_VALUE
from kitu.core.models import Job
from kitu.core.money import format_eur

pytestmark = pytest.mark.django_db
CONFIRM = {CONFIRM_FIELD: CONFIRM_VALUE}
D = dt.date


def state() -> Any:
    return (
        list(Invoice.objects.order_by("pk").values_list("number", "status", "reminder_level", "mailed_at", "kind")),
        list(BillingRun.objects.values_list("status", flat=True)),
        Job.objects.count(),
        len(mail.outbox),
    )


@pytest.fixture
def reviewed(billing_world: dict[str, Any]) -> dict[str, Any]:
    run = runs.run_create(actor=billing_world["admin"], period="2026-Q1").run
    runs.run_review(actor=billing_world["admin"], run=run)
    return {**billing_world, "run": run}


def test_issuing_without_confirmation_changes_nothing_and_asks_with_the_count(
    reviewed: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client, run = client_for("coop_admin"), reviewed["run"]
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/leistungen/abrechnung/{run.pk}/issue/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 Rechnungen ausstellen und an 2 Mitglieder senden – das lässt sich nicht rückgängig machen." in page
    assert f'name="{CONFIRM_FIELD}" value="{CONFIRM_VALUE}"' in page
    assert "2 Rechnungen ausstellen und verschicken</span>" in page
    assert state() == before
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/leistungen/abrechnung/{run.pk}/issue/", {CONFIRM_FIELD: "nein"})
    assert state() == before


def test_issuing_runs_as_a_job_with_progress_to_the_result(
    reviewed: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client, run = client_for("coop_admin"), reviewed["run"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/leistungen/abrechnung/{run.pk}/issue/", CONFIRM)
    job = Job.objects.get()
    assert response["Location"] == f"/fortschritt/{job.pk}/"
    assert (job.kind, job.status, job.done, job.total, job.owner_id) == (
        "billing.run_issue",
        "done",
        2,
        2,
        reviewed["admin"].pk,
    )
    assert job.message == "2 Rechnungen ausgestellt, 2 verschickt."
    assert list(Invoice.objects.order_by("number").values_list("number", flat=True)) == ["2026-000001", "2026-000002"]
    assert len(mail.outbox) == 2 and Invoice.objects.unmailed().count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "2 Rechnungen ausgestellt, 2 verschickt." in page
    assert f'href="/leistungen/abrechnung/{run.pk}/"' in page
    # a second confirmed post starts nothing more
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/leistungen/abrechnung/{run.pk}/issue/", CONFIRM)
    assert Job.objects.count() == 1 and len(mail.outbox) == 2


def test_a_mail_failure_is_named_in_the_job_and_left_to_the_periodic_task(
    reviewed: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    send = locmem.EmailBackend.send_messages

    def refuse(self: Any, messages: Any) -> int:
        if any("Wernigerode" in m.body for m in messages):
            raise OSError("mail server down")
        return send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        client_for("coop_admin").post(f"/leistungen/abrechnung/{reviewed['run'].pk}/issue/", CONFIRM)
    job = Job.objects.get()
    assert (job.status, job.done) == ("done", 2)
    unmailed = Invoice.objects.unmailed().get()
    assert job.message.startswith(f"2 Rechnungen ausgestellt, 1 verschickt. Noch nicht verschickt: {unmailed.number}")


@pytest.fixture
def issued(reviewed: dict[str, Any], django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    with django_capture_on_commit_callbacks(execute=True):
        runs.run_issue(actor=reviewed["admin"], run=reviewed["run"], today=D(2026, 4, 2))
    return {**reviewed, "invoice": Invoice.objects.get(member=reviewed["wernigerode"])}


def test_credit_note_and_reminder_need_the_confirmation(
    issued: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client, invoice = client_for("coop_admin"), issued["invoice"]
    mail.outbox.clear()
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/leistungen/rechnungen/{invoice.pk}/gutschrift/", {"reason": "Doppelt berechnet"})
    text = page.content.decode()
    assert page.status_code == 200 and state() == before
    assert f"Eine Gutschrift über {format_eur(invoice.gross_total)} zu Rechnung {invoice.number}" in text
    assert f"zu Rechnung {invoice.number} ausstellen und an Stadt Wernigerode senden" in text
    assert 'name="reason" value="Doppelt berechnet"' in text  # carried to the confirmed post
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/leistungen/rechnungen/{invoice.pk}/gutschrift/", {"reason": "Doppelt berechnet", **CONFIRM})
    assert Invoice.objects.filter(kind="credit_note", corrects=invoice).count() == 1 and len(mail.outbox) == 1

    Invoice.objects.filter(pk__in=[invoice.pk]).update(due_date=D(2026, 1, 1))
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/leistungen/rechnungen/{invoice.pk}/mahnung/")
    assert page.status_code == 200 and state() == before
    assert f"Zahlungserinnerung zu Rechnung {invoice.number}" in page.content.decode()


def test_sending_unmailed_invoices_needs_the_confirmation(
    reviewed: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    runs.run_issue(actor=reviewed["admin"], run=reviewed["run"], today=D(2026, 4, 2))  # mails never ran
    Invoice.objects.update(issued_at=F("issued_at") - dt.timedelta(minutes=20))
    client = client_for("coop_admin")
    before = state()
    page = client.post("/leistungen/abrechnung/versand/", {"run": reviewed["run"].pk})
    assert page.status_code == 200 and state() == before
    assert "2 Rechnungen an 2 Mitglieder senden" in page.content.decode()
    client.post("/leistungen/abrechnung/versand/", {"run": reviewed["run"].pk, **CONFIRM})
    assert Invoice.objects.unmailed().count() == 0 and len(mail.outbox) == 2


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_starts_issuing(
    reviewed: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any, role: str | None
) -> None:
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(role).post(f"/leistungen/abrechnung/{reviewed['run'].pk}/issue/", CONFIRM)
    if role == "coop_admin":
        assert response.status_code == 302 and Job.objects.get().status == "done"
    else:
        assert response.status_code == (302 if role is None else 403)
        assert state() == before
