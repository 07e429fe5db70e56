"""The PDF rendition carries the same figures as the XRechnung; both go out by mail on issue."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core import mail

from kitu.billing import pdf, runs, tasks, xrechnung
from kitu.billing.models import Invoice
from kitu.billing.pricing import totals
from kitu.core.money import format_eur

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def issued(billing_world: dict[str, Any], django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    w = billing_world
    w["wernigerode"].invoice_email = "rechnungseingang@wernigerode.example"
    w["wernigerode"].save()
    run = runs.run_create(actor=w["admin"], period="2026-Q1").run
    runs.run_review(actor=w["admin"], run=run)
    with django_capture_on_commit_callbacks(execute=True):
        runs.run_issue(actor=w["admin"], run=run, today=D(2026, 4, 2))
    return {**w, "invoice": Invoice.objects.get(member=w["wernigerode"])}


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf", reason="pypdf (requirements-dev.txt) reads the PDF back")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_has_the_figures_of_the_xrechnung(issued: dict[str, Any]) -> None:
    text = pdf_text(pdf.render(issued["invoice"]))
    for expected in (
        "Rechnung 2026-000001",
        "Stadt Wernigerode",
        "04011000-1234512345-06",
        "02.05.2026",
        "2.000,00 €",
        "1.237,50 €",
        "USt 19 % auf 6.889,12 €",
        "1.308,93 €",
        "USt 7 % auf 960,00 €",
        "67,20 €",
        "USt 0 % auf 591,78 € (Nicht steuerbar: echter Mitgliedsbeitrag)",
        "9.817,03 €",
        "IBAN DE02120300000000202051",
    ):
        assert expected in text.replace("\xa0", " "), expected
    assert pdf.render(issued["invoice"]) == pdf.render(issued["invoice"])  # deterministic


def test_a_long_invoice_goes_on_over_pages_with_the_column_titles_on_each(issued: dict[str, Any]) -> None:
    """60 lines (the invoice's own, repeated): every line once and in order, no line torn over two pages, the
    column titles on every page with lines, the sums after the last line."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf (requirements-dev.txt) reads the PDF back")
    invoice = issued["invoice"]
    own = xrechnung.document_lines(invoice)
    lines = []
    for i in range(60):
        line = copy.copy(own[i % len(own)])
        line.position, line.description = i + 1, f"Zeile {i + 1:02d}: {line.description} (Ende-{i + 1:02d})"
        lines.append(line)
    data = pdf.render(invoice, lines)
    pages = [page.extract_text().replace("\xa0", " ") for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    assert len(pages) >= 3
    with_lines = [page for page in pages if "Zeile " in page]
    assert len(with_lines) >= 3
    for page in with_lines:
        assert all(title in page for title in ("Pos.", "Leistung", "Menge", "Einzelpreis", "USt", "Betrag netto"))
    seen = [int(n) for page in pages for n in re.findall(r"Zeile (\d\d):", page)]
    assert seen == list(range(1, 61))
    for page in with_lines:  # a line's wrapped description ends on the page where it begins
        assert re.findall(r"Zeile (\d\d):", page) == re.findall(r"\(Ende-(\d\d)\)", page)
    net, vat, _breakdown = totals(lines)
    text = "\n".join(pages)
    assert text.index("Gesamtbetrag") > text.index("Zeile 60:")
    assert f"Gesamtbetrag {format_eur(net + vat)}".replace("\xa0", " ") in text.replace("\n", " ")
    assert pdf.render(invoice, lines) == data


def test_issue_mails_xml_and_pdf_once(issued: dict[str, Any]) -> None:
    invoice = issued["invoice"]
    sent = {m.to[0]: m for m in mail.outbox}
    message = sent["rechnungseingang@wernigerode.example"]
    assert message.subject == "Rechnung 2026-000001 der Kommunale IT-UNION eG"
    assert "über 9.817,03\xa0€ für Stadt Wernigerode" in message.body
    (xml_name, xml, xml_type), (pdf_name, _pdf, pdf_type) = message.attachments
    assert (xml_name, xml_type, pdf_name, pdf_type) == (
        "2026-000001.xml",
        "application/xml",
        "2026-000001.pdf",
        "application/pdf",
    )
    assert xml == xrechnung.to_ubl(invoice)
    invoice.refresh_from_db()
    assert invoice.mailed_to == "rechnungseingang@wernigerode.example" and invoice.mailed_at is not None
    assert tasks.send_invoice_mail(invoice.pk) == [] and len(mail.outbox) == 2  # never twice


def test_a_credit_note_is_mailed_with_its_reason(
    issued: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        note = runs.credit_note_create(
            actor=issued["admin"], invoice=issued["invoice"], reason="Falsche Menge", today=D(2026, 4, 9)
        )
    (message,) = mail.outbox
    assert message.subject == "Gutschrift 2026-000003 der Kommunale IT-UNION eG"
    text = pdf_text(pdf.render(note))
    assert "Gutschrift 2026-000003 zur Rechnung 2026-000001" in text and "Grund: Falsche Menge" in text


def test_the_text_written_straight_into_the_page_is_byte_for_byte_what_reportlabs_calls_write(
    issued: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """pdf.FAST_TEXT writes the text operators itself (kept per font and text); with it off reportlab's
    setTextOrigin and textLine write them. One page and several pages, with the kept operators empty and full."""
    invoice = issued["invoice"]
    own = xrechnung.document_lines(invoice)
    long = []
    for i in range(45):
        line = copy.copy(own[i % len(own)])
        line.position, line.description = i + 1, f"Zeile {i + 1:02d} – {line.description} · Ärger ß"
        long.append(line)
    documents = []
    for fast in (True, False):
        monkeypatch.setattr(pdf, "FAST_TEXT", fast)
        pdf._SHOWN.clear()
        documents.append([pdf.render(invoice), pdf.render(invoice, long), pdf.render(invoice, long)])
    assert documents[0] == documents[1]
    assert len(set(documents[0])) == 2
    assert ("Helvetica", "Gesamtbetrag") not in pdf._SHOWN  # filled by the fast path only
    monkeypatch.setattr(pdf, "FAST_TEXT", True)
    pdf.render(invoice)
    assert pdf._SHOWN[("Helvetica-Bold", "Gesamtbetrag")] == "(Gesamtbetrag) Tj T*"


def test_lines_are_broken_where_reportlabs_simple_split_breaks_them() -> None:
    from reportlab.lib.utils import simpleSplit

    words = ["Betriebsführung", "je", "Arbeitsplatz,", "01.03.2026–31.03.2026,", "55", "à", "22,50 €", "Monat"]
    texts = [
        " ".join(words * 3),
        "Zeile eins\nZeile  zwei\twie\n\nsonst " + "Überlangeswortohnepause" * 6,
        "",
        " ",
        "ein",
        "\n".join(words),
    ]
    for text in texts:
        for font, size in (("Helvetica", 9.0), ("Helvetica-Bold", 14.0), ("Helvetica", 7.5)):
            for width in (20.0, 57.1, 197.76, 480.0):
                assert pdf._split(text, font, size, width) == tuple(simpleSplit(text, font, size, width))
