"""Attachments through the API (base64, decoded size refused before decoding) and through mail-in (multipart
or base64): the same type and size checks as the page; a refusal is a 4xx naming the file and stores nothing."""

from __future__ import annotations

import base64
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from kitu.servicedesk.models import Attachment, Comment, Ticket
from kitu.servicedesk.services import files

from .conftest import DESK_ROLES, report

pytestmark = pytest.mark.django_db
SECRET = "geheim-für-tests-123"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def pdf(*, js: bool = False, password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if js:
        writer.add_open_action(JavaScript("app.alert('x');"))
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def post_comment(client: Client, ticket: Ticket, attachments: list[dict[str, Any]]) -> Any:
    return client.post(
        f"/api/v1/tickets/{ticket.pk}/comments",
        {"body": "Siehe Anlage", "attachments": attachments},
        content_type="application/json",
    )


@pytest.fixture
def ticket(desk: dict[str, Any]) -> Ticket:
    return report(desk)


def test_api_attachment_is_stored_with_the_sniffed_type(ticket: Ticket, client_for: Any) -> None:
    answer = post_comment(client_for("requester"), ticket, [{"file_name": "foto.jpeg", "content_base64": b64(png())}])
    assert answer.status_code == 201, answer.content
    attachment = Attachment.objects.get()
    assert (attachment.file_name, attachment.mime_type, attachment.size) == ("foto.png", "image/png", len(png()))
    assert attachment.comment_id == answer.json()["id"] and attachment.file.read() == png()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b64(b"MZ\x90\x00 kein Bild"), "Dateityp"),
        (b64(pdf(js=True)), "JavaScript"),
        (b64(pdf(password="x")), "verschlüsselt"),
        ("nicht base64!", "Base64"),
        ("QUJD\nREVG", "Base64"),
        (b64(b""), "leer"),
    ],
)
def test_api_refusal_names_the_file_and_stores_nothing(
    ticket: Ticket, client_for: Any, content: str, words: str
) -> None:
    good = {"file_name": "gut.png", "content_base64": b64(png())}
    answer = post_comment(client_for("requester"), ticket, [good, {"file_name": "böse.pdf", "content_base64": content}])
    assert answer.status_code == 400, answer.content
    data = answer.json()
    assert data["detail"].startswith("„böse.pdf“: ") and words in data["detail"], data
    assert data["field"].startswith("attachments")
    assert not Comment.objects.exists() and not Attachment.objects.exists()


def test_api_size_is_refused_before_decoding(
    ticket: Ticket, client_for: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.KITU_SERVICEDESK_MAX_UPLOAD_BYTES = 1024 * 1024
    decoded: list[str] = []

    def spy(text: str, **kwargs: Any) -> bytes:
        decoded.append(text)
        return base64.b64decode(text, **kwargs)

    monkeypatch.setattr(files, "base64", SimpleNamespace(b64decode=spy))
    big = b64(b"\0" * (1024 * 1024 + 1))
    answer = post_comment(client_for("requester"), ticket, [{"file_name": "gross.pdf", "content_base64": big}])
    assert answer.status_code == 400 and "„gross.pdf“: Die Datei ist zu groß" in answer.json()["detail"]
    assert decoded == [] and not Comment.objects.exists()
    exact = b64(png() + b"\0" * (1024 * 1024 - len(png())))  # exactly the limit: accepted
    assert (
        post_comment(client_for("requester"), ticket, [{"file_name": "a.png", "content_base64": exact}]).status_code
        == 201
    )


def test_decoded_size_from_padding() -> None:
    for n in range(0, 9):
        text = b64(b"x" * n)
        assert len(text) // 4 * 3 - text[-2:].count("=") == n
    with pytest.raises(Exception, match="Base64"):
        files.decode("a.png", "QUJD=A==")


@pytest.mark.parametrize(
    ("attachments", "status", "field"),
    [
        ([{"file_name": "a.png", "content_base64": "QUJD", "mime": "x"}], 422, "attachments[0].mime"),
        ([{"file_name": "", "content_base64": "QUJD"}], 422, "attachments[0].file_name"),
        ([{"file_name": "a.png", "content_base64": b64(png())}] * 6, 422, "attachments"),
    ],
)
def test_api_attachment_shape_is_strict(
    ticket: Ticket, client_for: Any, attachments: list[dict[str, Any]], status: int, field: str
) -> None:
    answer = post_comment(client_for("requester"), ticket, attachments)
    assert answer.status_code == status and answer.json()["field"] == field, answer.content
    assert not Comment.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("role", DESK_ROLES)
def test_api_attachment_permission_matrix(ticket: Ticket, client_for: Any, role: str | None) -> None:
    answer = post_comment(client_for(role), ticket, [{"file_name": "a.png", "content_base64": b64(png())}])
    allowed = role in {"coop_admin", "service_desk", "member_admin", "requester"}
    expected = 201 if allowed else (401 if role is None else 404)
    assert answer.status_code == expected, (role, answer.content)
    assert Attachment.objects.count() == (1 if allowed else 0)


def mail(subject: str, **extra: Any) -> Any:
    return Client().post(
        "/servicedesk/mail-eingang/",
        {"sender": "requester@test.example", "subject": subject, "body": "Anbei das Foto.", **extra},
        headers={"X-Kitu-Mail-Secret": SECRET},
    )


def test_mail_in_multipart_attachments(ticket: Ticket) -> None:
    answer = mail(ticket.mail_token, attachments=[SimpleUploadedFile("foto.png", png(), "image/png")])
    assert answer.status_code == 201, answer.content
    attachment = Attachment.objects.get()
    assert (attachment.file_name, attachment.comment.channel, attachment.is_internal) == ("foto.png", "mail", False)


def test_mail_in_refused_attachment_stores_nothing(ticket: Ticket) -> None:
    answer = mail(
        ticket.mail_token,
        attachments=[
            SimpleUploadedFile("foto.png", png(), "image/png"),
            SimpleUploadedFile("rechnung.pdf", pdf(js=True), "application/pdf"),
        ],
    )
    assert answer.status_code == 400
    assert answer.json() == {"detail": answer.json()["detail"], "field": "attachments"}
    assert answer.json()["detail"].startswith("„rechnung.pdf“: Die PDF-Datei enthält JavaScript")
    assert not Comment.objects.exists() and not Attachment.objects.exists()


def test_mail_in_json_base64(ticket: Ticket, settings: Any) -> None:
    def send(attachments: Any) -> Any:
        return Client().post(
            "/servicedesk/mail-eingang/",
            {"sender": "requester@test.example", "subject": ticket.mail_token, "body": "x", "attachments": attachments},
            content_type="application/json",
            headers={"X-Kitu-Mail-Secret": SECRET},
        )

    assert send([{"file_name": "foto.png", "content_base64": b64(png()), "x": 1}]).json()["field"] == "attachments[0]"
    settings.KITU_SERVICEDESK_MAX_UPLOAD_BYTES = 1000
    big = send([{"file_name": "gross.png", "content_base64": b64(b"\0" * 1001)}])
    assert big.status_code == 400 and big.json()["detail"].startswith("„gross.png“: Die Datei ist zu groß")
    assert not Comment.objects.exists()
    settings.KITU_SERVICEDESK_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    assert send([{"file_name": "foto.png", "content_base64": b64(png())}]).status_code == 201
    assert Attachment.objects.get().mime_type == "image/png"


def test_mail_in_wrong_secret_reads_no_attachment(ticket: Ticket) -> None:
    answer = Client().post(
        "/servicedesk/mail-eingang/",
        {
            "sender": "requester@test.example",
            "subject": ticket.mail_token,
            "body": "x",
            "attachments": [SimpleUploadedFile("foto.png", png(), "image/png")],
        },
        headers={"X-Kitu-Mail-Secret": "falsch"},
    )
    assert answer.status_code == 403 and not Attachment.objects.exists()
