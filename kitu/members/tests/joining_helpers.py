"""Shared data for the joining-online tests: a valid form, a PDF, links from the mail."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from kitu.members.services import joining
from kitu.members.validators import leitweg_check_digits

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def leitweg(coarse: str = "15085000", fine: str = "0001") -> str:
    return f"{coarse}-{fine}-{leitweg_check_digits(coarse + fine)}"


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Stadt Quedlinburg",
        "member_type": "stadt",
        "leitweg_id": leitweg(),
        "street": "Markt 1",
        "postcode": "06484",
        "city": "Quedlinburg",
        "shares": "2",
        "council_resolution_date": "2026-11-12",
        "contact_name": "Frank Ruch",
        "contact_function": "Oberbürgermeister",
        "contact_email": "buergermeister@quedlinburg.example",
        "contact_phone": "03946 9050",
        "council_resolution": SimpleUploadedFile("beschluss.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def service_input(**overrides: Any) -> joining.ApplicationInput:
    values: dict[str, Any] = {
        "name": "Stadt Quedlinburg",
        "member_type": "stadt",
        "leitweg_id": leitweg(),
        "street": "Markt 1",
        "postcode": "06484",
        "city": "Quedlinburg",
        "shares": 2,
        "council_resolution_date": dt.date(2026, 11, 12),
        "contact_name": "Frank Ruch",
        "contact_email": "buergermeister@quedlinburg.example",
    }
    values.update(overrides)
    return joining.ApplicationInput(**values)


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("beschluss.pdf", PDF, content_type="application/pdf")


def link(kind: str) -> str:
    """The path of the confirmation or withdrawal link in the last mail."""
    body = str(mail.outbox[-1].body)
    word = "bestaetigen" if kind == "confirm" else "zuruecknehmen"
    found = re.search(rf"https?://[^/\s]+(/mitglieder/beitritt/{word}/[^\s]+/)", body)
    assert found, body
    return found.group(1)
