"""The demo's generated PDF files (reportlab), marked as demo data."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf(title: str, paragraphs: list[str] | tuple[str, ...], subtitle: str = "Stadt Wernigerode") -> bytes:
    """A small A4 document with a heading and paragraphs (reportlab), marked as demo data."""
    from reportlab.lib.pagesizes import A4  # noqa: PLC0415 - reportlab loads on first use
    from reportlab.lib.styles import getSampleStyleSheet  # noqa: PLC0415
    from reportlab.lib.units import mm  # noqa: PLC0415
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer  # noqa: PLC0415

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=25 * mm, rightMargin=20 * mm, title=title, author="Stadt Wernigerode (Demo)"
    )
    story: list[Any] = [
        Paragraph(subtitle + " – Demodaten", styles["Normal"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(title), styles["Heading1"]),
    ]
    for paragraph in paragraphs:
        story += [Paragraph(escape(paragraph), styles["BodyText"]), Spacer(1, 2 * mm)]
    doc.build(story)
    return out.getvalue()


def escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")
