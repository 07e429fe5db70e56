"""Invoices whose mail never went out (the process died between the issuing commit and the mail, or the mail
server kept refusing): the periodic task, the command and the office's button send each of them once; a
refused mail leaves the invoice unmailed for the next try. (Two senders at the same time: test_mails_postgres.)"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import smtplib
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import ROLES
from kitu.billing import mails, pdf, runs, tasks, xrechnung
from kitu.billing.models import BillingRun, Invoice
from kitu.core.confirm import CONFIRM_FIELD, CONFIRM_VALUE
from kitu.core.errors import PermissionDenied
from kitu.core.models import AuditEntry

CONFIRM = {CONFIRM_FIELD: CONFIRM_VALUE}

pytestmark = pytest.mark.django_db
D = dt.date
NOTHING = "Rechnungsversand: 0 verschickt, 0 fehlgeschlagen, 0 ohne Empfänger."
BOTH = "Rechnungsversand: 2 verschickt (2026-000001, 2026-000002), 0 fehlgeschlagen, 0 ohne Empfänger."


@pytest.fixture
def crashed(billing_world: dict[str, Any]) -> dict[str, Any]:
    """The first quarter issued, but the process died before the mails (the on-commit mail never ran)."""
    w = billing_world
    w["wernigerode"].invoice_email = "rechnungseingang@wernigerode.example"
    w["wernigerode"].save()
    run = runs.run_create(actor=w["admin"], period="2026-Q1").run
    runs.run_review(actor=w["admin"], run=run)
    runs.run_issue(actor=w["admin"], run=run, today=D(2026, 4, 2))  # on_commit callbacks are not run here
    assert list(Invoice.objects.unmailed().order_by("number").values_list("number", flat=True)) == [
        "2026-000001",
        "2026-000002",
    ]
    return {**w, "run": run}


def age(minutes: int) -> None:
    Invoice.objects.update(issued_at=F("issued_at") - dt.timedelta(minutes=minutes))


def mailed() -> list[tuple[str | None, str, bool]]:
    return [(i.number, i.mailed_to, i.mailed_at is not None) for i in Invoice.objects.order_by("number")]


def refuse_mail_to(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    send = locmem.EmailBackend.send_messages

    def refusing(self: locmem.EmailBackend, messages: list[Any]) -> int:
        if any(address in m.to for m in messages):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refusing)


def test_the_periodic_task_sends_invoices_left_unmailed_once_and_leaves_young_ones_to_the_mail_on_issue(
    crashed: dict[str, Any],
) -> None:
    issued_at = Invoice.objects.get(number="2026-000001").issued_at
    assert issued_at is not None and timezone.now() - issued_at < dt.timedelta(minutes=1)
    assert tasks.resend_unmailed_invoices() == NOTHING  # just issued: the mail on issue is still on its way
    age(9)
    assert tasks.resend_unmailed_invoices() == NOTHING
    assert mail.outbox == []
    age(2)  # issued 11 minutes ago
    assert tasks.resend_unmailed_invoices() == BOTH
    assert [(m.subject, m.to, [a[0] for a in m.attachments]) for m in mail.outbox] == [
        (
            "Rechnung 2026-000001 der Kommunale IT-UNION eG",
            ["rechnungseingang@wernigerode.example"],
            ["2026-000001.xml", "2026-000001.pdf"],
        ),
        (
            "Rechnung 2026-000002 der Kommunale IT-UNION eG",
            ["memberadmin.zeitz@test.example"],
            ["2026-000002.xml", "2026-000002.pdf"],
        ),
    ]
    assert mailed() == [
        ("2026-000001", "rechnungseingang@wernigerode.example", True),
        ("2026-000002", "memberadmin.zeitz@test.example", True),
    ]
    assert tasks.resend_unmailed_invoices() == NOTHING  # never twice
    assert tasks.send_invoice_mail(Invoice.objects.get(number="2026-000001").pk) == []  # a late mail on issue
    assert len(mail.outbox) == 2
    assert list(
        AuditEntry.objects.filter(object_type="billing.Invoice").order_by("pk").values_list("actor_email", "changes")
    ) == [
        ("system", {"mailed_to": [None, "rechnungseingang@wernigerode.example"]}),
        ("system", {"mailed_to": [None, "memberadmin.zeitz@test.example"]}),
    ]


def test_the_beat_schedule_runs_the_task_every_ten_minutes() -> None:
    assert settings.CELERY_BEAT_SCHEDULE["billing-unmailed-invoices"] == {
        "task": "kitu.billing.tasks.resend_unmailed_invoices",
        "schedule": 600,
    }
    assert tasks.resend_unmailed_invoices.name == "kitu.billing.tasks.resend_unmailed_invoices"
    assert dt.timedelta(minutes=10) == mails.RESEND_AFTER


def test_a_refused_mail_stays_unmailed_for_the_next_try(
    crashed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_mail_to(monkeypatch, "rechnungseingang@wernigerode.example")
    out = io.StringIO()
    call_command("resend_invoice_mails", stdout=out)
    assert out.getvalue() == (
        "Rechnungsversand: 1 verschickt (2026-000002), 1 fehlgeschlagen (2026-000001), 0 ohne Empfänger.\n"
    )
    assert mailed() == [
        ("2026-000001", "", False),
        ("2026-000002", "memberadmin.zeitz@test.example", True),
    ]
    with pytest.raises(smtplib.SMTPServerDisconnected):  # the mail on issue fails too (Celery retries it)
        mails.invoice_mail_send(invoice_id=Invoice.objects.get(number="2026-000001").pk)
    assert mailed()[0] == ("2026-000001", "", False)
    monkeypatch.undo()  # the mail server is back
    out = io.StringIO()
    call_command("resend_invoice_mails", stdout=out)
    assert out.getvalue() == "Rechnungsversand: 1 verschickt (2026-000001), 0 fehlgeschlagen, 0 ohne Empfänger.\n"
    out = io.StringIO()
    call_command("resend_invoice_mails", stdout=out)
    assert out.getvalue() == NOTHING + "\n"
    assert sorted(m.subject for m in mail.outbox) == [
        "Rechnung 2026-000001 der Kommunale IT-UNION eG",
        "Rechnung 2026-000002 der Kommunale IT-UNION eG",
    ]


def test_the_command_can_leave_young_invoices_alone(crashed: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("resend_invoice_mails", "--min-age", "10", stdout=out)
    assert out.getvalue() == NOTHING + "\n"
    age(11)
    out = io.StringIO()
    call_command("resend_invoice_mails", "--min-age", "10", stdout=out)
    assert out.getvalue() == BOTH + "\n"


def test_an_invoice_without_recipient_stays_listed(crashed: dict[str, Any], client_for: Any) -> None:
    crashed["users"]["other_member_admin"].is_active = False  # Zeitz: no invoice address, no active admin
    crashed["users"]["other_member_admin"].save()
    batch = mails.unmailed_send(actor=crashed["admin"])
    assert (batch.sent, batch.failed, batch.no_recipient) == (["2026-000001"], [], ["2026-000002"])
    assert (
        batch.summary()
        == "Rechnungsversand: 1 verschickt (2026-000001), 0 fehlgeschlagen, 1 ohne Empfänger (2026-000002)."
    )
    assert mailed()[1] == ("2026-000002", "", False)
    page = client_for("coop_admin").get("/leistungen/abrechnung/").content.decode()
    assert "1 ausgestellte Rechnung ist noch nicht verschickt" in page
    assert ">2026-000002</a>" in page and "kein Empfänger" in page and ">2026-000001</a>" not in page


def test_the_office_sees_unmailed_invoices_and_sends_them_now(crashed: dict[str, Any], client_for: Any) -> None:
    client = client_for("coop_admin")
    for url in ("/leistungen/abrechnung/", f"/leistungen/abrechnung/{crashed['run'].pk}/"):
        page = client.get(url).content.decode()
        assert "2 ausgestellte Rechnungen sind noch nicht verschickt" in page, url
        assert ">2026-000001</a>" in page and ">2026-000002</a>" in page and "Jetzt verschicken" in page, url
        assert "rechnungseingang@wernigerode.example" in page and "memberadmin.zeitz@test.example" in page
    assert client.get(f"/leistungen/abrechnung/{crashed['run'].pk}/").content.decode().count("noch nicht<") == 2
    response = client.post("/leistungen/abrechnung/versand/", {"run": crashed["run"].pk, **CONFIRM})
    assert response["Location"] == f"/leistungen/abrechnung/{crashed['run'].pk}/"
    assert [m.message for m in response.wsgi_request._messages] == [BOTH]  # type: ignore[attr-defined]
    assert len(mail.outbox) == 2 and [m for _n, _t, m in mailed()] == [True, True]
    page = client.get("/leistungen/abrechnung/").content.decode()
    assert "noch nicht verschickt" not in page and "Jetzt verschicken" not in page
    response = client.post("/leistungen/abrechnung/versand/", CONFIRM)
    assert response["Location"] == "/leistungen/abrechnung/"
    assert [m.message for m in response.wsgi_request._messages] == [NOTHING]  # type: ignore[attr-defined]
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("role", ROLES)
def test_sending_unmailed_invoices_permission_matrix(
    crashed: dict[str, Any], client_for: Any, role: str | None
) -> None:
    """Only the office sends them; every other caller is refused (page and service) and nothing is sent."""
    if role == "coop_admin":
        return  # the flows above
    before = mailed()
    response = client_for(role).post("/leistungen/abrechnung/versand/", CONFIRM)
    if role is None:
        assert response.status_code == 302 and response["Location"].startswith("/konto/anmelden/")
    else:
        assert response.status_code == 403
        assert client_for(role).get("/leistungen/abrechnung/").status_code == 403
        with pytest.raises(PermissionDenied):
            mails.unmailed_send(actor=crashed["users"][role])
    assert mailed() == before and mail.outbox == []


def test_the_migration_dates_earlier_issues(crashed: dict[str, Any]) -> None:
    """Invoices issued before issued_at existed get their run's issue time; credit notes their creation."""
    note = runs.credit_note_create(
        actor=crashed["admin"], invoice=Invoice.objects.get(number="2026-000002"), reason="Test", today=D(2026, 4, 9)
    )
    BillingRun.objects.update(issued_at=timezone.make_aware(dt.datetime(2026, 4, 2, 9, 30)))
    Invoice.objects.update(issued_at=None)
    migration = importlib.import_module("kitu.billing.migrations.0004_invoice_issued_at")
    migration.fill_issued_at(apps, None)
    assert [(i.number, i.issued_at) for i in Invoice.objects.order_by("number")] == [
        ("2026-000001", timezone.make_aware(dt.datetime(2026, 4, 2, 9, 30))),
        ("2026-000002", timezone.make_aware(dt.datetime(2026, 4, 2, 9, 30))),
        ("2026-000003", Invoice.objects.get(pk=note.pk).created_at),
    ]


def test_the_mail_reads_the_lines_once_for_both_documents_and_attaches_what_each_renders_alone(
    crashed: dict[str, Any],
) -> None:
    invoice = Invoice.objects.select_related("member__organisation").get(number="2026-000001")
    with CaptureQueriesContext(connection) as queries:
        to = mails.invoice_mail_send(invoice_id=invoice.pk)
    assert to
    line_reads = [q["sql"] for q in queries.captured_queries if 'FROM "billing_invoiceline"' in q["sql"]]
    assert len(line_reads) == 1, line_reads
    invoice_reads = [q["sql"] for q in queries.captured_queries if 'FROM "billing_invoice" ' in q["sql"]]
    assert len(invoice_reads) == 1, invoice_reads  # the claim; marking it mailed is one UPDATE, no second read
    invoice.refresh_from_db()
    assert invoice.mailed_to == ", ".join(to) and invoice.mailed_at is not None
    (message,) = mail.outbox
    assert [(name, mimetype) for name, _, mimetype in message.attachments] == [
        ("2026-000001.xml", "application/xml"),
        ("2026-000001.pdf", "application/pdf"),
    ]
    assert message.attachments[0][1] == xrechnung.to_ubl(invoice)
    assert message.attachments[1][1] == pdf.render(invoice)


def test_the_mail_of_an_invoice_sends_the_same_statements_however_many_lines_it_has(crashed: dict[str, Any]) -> None:
    """The claim (invoice, member, organisation; compiled once), the lines with service and cost centre, the
    mark as mailed — per invoice, not per line."""
    crashed["zeitz"].invoice_email = "rechnung@zeitz.example"
    crashed["zeitz"].save()
    statements, line_counts = [], []
    for number in ("2026-000001", "2026-000002"):
        invoice = Invoice.objects.get(number=number)
        line_counts.append(invoice.lines.count())
        with CaptureQueriesContext(connection) as queries:
            assert mails.invoice_mail_send(invoice_id=invoice.pk)
        statements.append([q["sql"].split(" ", 1)[0] for q in queries.captured_queries])
    assert line_counts[0] != line_counts[1]
    assert statements[0] == statements[1] == ["SAVEPOINT", "SELECT", "SELECT", "UPDATE", "RELEASE"]
