"""The inbound-mail endpoint: the gateway's secret (constant-time compare), the ticket by its token, the sender
must see the ticket; nothing stored on any refusal. Reply mails carry the token and never internal notes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from kitu.servicedesk import services
from kitu.servicedesk.models import Comment

from .conftest import report

pytestmark = pytest.mark.django_db
URL = "/servicedesk/mail-eingang/"


def post(secret: str | None, **data: str) -> Any:
    headers = {} if secret is None else {"X-Kitu-Mail-Secret": secret}
    return Client().post(URL, data, headers=headers)


def test_reply_by_mail_is_added_to_its_ticket(desk: dict[str, Any]) -> None:
    ticket = report(desk)
    answer = post(
        "geheim-für-tests-123",
        sender="Requester@Test.example",
        subject=f"AW: {ticket.mail_token} {ticket.subject}",
        body="Es geht wieder, danke.",
    )
    assert answer.status_code == 201, answer.content
    comment = Comment.objects.get()
    assert (comment.ticket, comment.author, comment.channel, comment.is_internal) == (
        ticket,
        desk["users"]["requester"],
        "mail",
        False,
    )


@pytest.mark.parametrize("secret", [None, "", "falsch", "geheim-für-tests-12", "geheim-für-tests-1234"])
def test_wrong_secret_is_403_and_stores_nothing(desk: dict[str, Any], secret: str | None) -> None:
    ticket = report(desk)
    answer = post(secret, sender="requester@test.example", subject=ticket.mail_token, body="x")
    assert answer.status_code == 403 and not Comment.objects.exists()


def test_no_secret_configured_refuses_everything(desk: dict[str, Any], settings: Any) -> None:
    settings.KITU_MAIL_IN_SECRET = ""
    ticket = report(desk)
    assert post("", sender="requester@test.example", subject=ticket.mail_token, body="x").status_code == 403


@pytest.mark.parametrize(
    ("sender", "token", "status"),
    [
        ("requester@test.example", "[KITU-T-2026-999999]", 404),  # unknown ticket
        ("nobody@example.org", None, 404),  # unknown sender
        ("requester.zeitz@test.example", None, 404),  # another member's user
        ("supplier@test.example", None, 404),
        ("requester@test.example", "Ihre Anfrage", 400),  # no ticket number
    ],
)
def test_unknown_ticket_or_sender_stores_nothing(
    desk: dict[str, Any], sender: str, token: str | None, status: int
) -> None:
    ticket = report(desk)
    answer = post("geheim-für-tests-123", sender=sender, subject=token or ticket.mail_token, body="x")
    assert answer.status_code == status and not Comment.objects.exists()


def test_reply_mail_has_the_token_and_never_an_internal_note(
    desk: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    ticket = report(desk)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(actor=desk["desk_user"], ticket=ticket, body="GEHEIM intern", internal=True)
        services.comment_add(actor=desk["desk_user"], ticket=ticket, body="Bitte Browser neu starten.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith(ticket.mail_token) and message.to == ["requester@test.example"]
    assert "Bitte Browser neu starten." in message.body and "GEHEIM" not in message.body
