"""The PDF rendition of an issued invoice or credit note for people: the same figures as the XRechnung
(lines, VAT breakdown per rate, totals), the seller's bank account and the payment reference. The XML is the
legally relevant e-invoice; the PDF says so."""

from __future__ import annotations

import functools
import io
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import translation

from kitu.core import units
from kitu.core.money import format_eur

from .models import Invoice, InvoiceKind, InvoiceLine
from .pricing import plain, totals
from .xrechnung import NotIssued, document_lines, payment_terms

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle

DESCRIPTION_WIDTH = 74  # mm, the column of the line descriptions


def _number(value: Decimal) -> str:
    return plain(value).replace(".", ",")


def _rate(value: Decimal) -> str:
    return f"{_number(value)} %"


def title_of(invoice: Invoice) -> str:
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return f"Gutschrift {invoice.number} zur Rechnung {invoice.corrects.number if invoice.corrects else ''}"
    return f"Rechnung {invoice.number}"


def render(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> bytes:
    """The PDF; ``lines`` as :func:`xrechnung.document_lines` gives them (loaded here when None)."""
    if not invoice.number or not invoice.issue_date:
        raise NotIssued(f"invoice {invoice.pk} is a draft: only issued invoices have a PDF")
    with translation.override("de"):  # an invoice is a German document, whoever asks for it
        return _render(invoice, document_lines(invoice) if lines is None else lines)


@functools.cache
def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """Heading, body text and small print, made once per process (never changed once made)."""
    from reportlab.lib.styles import getSampleStyleSheet

    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("invoice", fontSize=9, leading=11.5)
    return styles["Heading2"], body, body.clone("small", fontSize=7.5, leading=9.5)


@functools.lru_cache(maxsize=4096)
def _wrap(text: str, size: float, width: float) -> str:
    """Plain text broken into lines for a table cell of ``width`` mm (less the cell padding), in Helvetica of
    ``size`` points. Kept per text: the same services' descriptions recur on every member's invoice."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit

    return "\n".join(simpleSplit(text, "Helvetica", size, width * mm - 12))


def _render(invoice: Invoice, lines: list[InvoiceLine]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    seller, member = settings.KITU_SELLER, invoice.member
    net, vat, breakdown = totals(lines)
    heading, body, small = _styles()
    out = io.BytesIO()
    title = title_of(invoice)
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=seller["name"],
        lang="de",
        invariant=1,  # the same invoice gives the same bytes
    )

    def p(text: str, style: Any = body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    sender = f"{seller['name']} · {seller['street']} · {seller['postcode']} {seller['city']}"
    address = f"{member.name}\n{member.street}\n{member.postcode} {member.city}"
    facts = [
        ("Rechnungsnummer", invoice.number),
        ("Rechnungsdatum", f"{invoice.issue_date:%d.%m.%Y}"),
        ("Leistungszeitraum", f"{invoice.period_start:%d.%m.%Y} – {invoice.period_end:%d.%m.%Y}"),
        ("Leitweg-ID", invoice.leitweg_id),
        ("Vertrag", invoice.contract_reference),
    ]
    if invoice.kind == InvoiceKind.INVOICE and invoice.due_date:
        facts.append(("fällig am", f"{invoice.due_date:%d.%m.%Y}"))

    fact_table = Table([[_wrap(k, 7.5, 30), _wrap(v, 7.5, 45)] for k, v in facts], colWidths=[30 * mm, 45 * mm])
    fact_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 7.5), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    head = Table(
        [[p(sender, small), ""], [p(address), fact_table]],
        colWidths=[95 * mm, 80 * mm],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("SPAN", (0, 0), (1, 0))]))

    # Plain strings in every cell (far faster to lay out than a Paragraph per cell): the description is
    # broken into lines here, to the width of its column less the cell padding.
    rows: list[list[Any]] = [["Pos.", "Leistung", "Menge", "Einzelpreis", "USt", "Betrag netto"]]
    for line in lines:
        text = _wrap(line.description, 9, DESCRIPTION_WIDTH)
        if line.subscription and line.subscription.cost_centre:
            text += f"\nKostenstelle {line.subscription.cost_centre.code}"
        rows.append(
            [
                str(line.position),
                text,
                units.quantity(line.quantity, line.unit_code),  # the word; the XRechnung keeps the code
                format_eur(line.unit_price.quantize(Decimal("0.01"))),
                _rate(line.vat_rate),
                format_eur(line.net_amount),
            ]
        )
    table = Table(rows, repeatRows=1, colWidths=[11 * mm, DESCRIPTION_WIDTH * mm, 28 * mm, 24 * mm, 14 * mm, 24 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("FONT", (0, 0), (-1, 0), "Helvetica", 7.5),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    sums = [["Summe netto", format_eur(net)]]
    for rate, (taxable, tax) in breakdown.items():
        label = f"USt {_rate(rate)} auf {format_eur(taxable)}"
        if rate == 0:
            label += f" ({seller['vat_exemption_reason']})"
        sums.append([_wrap(label, 9, 120), format_eur(tax)])
    sums.append(["Gesamtbetrag", format_eur(net + vat)])
    summary = Table(sums, colWidths=[120 * mm, 55 * mm])
    summary.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
            ]
        )
    )

    story = [head, Spacer(0, 10 * mm), Paragraph(escape(title), heading)]
    if invoice.note:
        story.append(p(f"Grund: {invoice.note}"))
    story += [Spacer(0, 4 * mm), table, Spacer(0, 4 * mm), summary, Spacer(0, 6 * mm)]
    story.append(p(payment_terms(invoice)))
    story.append(
        p(
            f"Bankverbindung: {seller['bank']}, IBAN {seller['iban']}, BIC {seller['bic']}, "
            f"Verwendungszweck {invoice.number}"
        )
    )
    story.append(Spacer(0, 6 * mm))
    story.append(
        p(
            "Diese PDF-Datei ist eine Lesefassung. Maßgeblich ist die elektronische Rechnung (XRechnung 3.0), "
            "die Sie mit derselben Nummer erhalten.\n"
            f"{seller['name']} · {seller['register']} · USt-IdNr. {seller['vat_id']} · "
            f"Kontakt: {seller['contact_name']}, {seller['contact_phone']}, {seller['contact_email']}",
            small,
        )
    )
    doc.build(story)
    return out.getvalue()
