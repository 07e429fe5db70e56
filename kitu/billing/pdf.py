"""The PDF rendition of an issued invoice or credit note for people: the same figures as the XRechnung
(lines, VAT breakdown per rate, totals), the seller's bank account and the payment reference. The XML is the
legally relevant e-invoice; the PDF says so."""

from __future__ import annotations

import functools
import io
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation

from kitu.core import units
from kitu.core.money import format_eur

from .models import Invoice, InvoiceKind, InvoiceLine
from .pricing import plain, totals
from .xrechnung import NotIssued, document_lines, payment_terms

DESCRIPTION_WIDTH = 74  # mm, the column of the line descriptions

# The page, drawn straight onto reportlab's canvas (no platypus: laying out ~40 small tables and paragraphs per
# invoice cost more than the drawing). All lengths in points, y upwards from the foot of the page.
MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM  # A4
PAD_X, PAD_Y = 6.0, 3.0  # a cell's padding left and right, top and bottom
LEFT = 20 * MM  # the left edge of the tables; text begins a padding further in
WIDTH = 175 * MM  # the tables' width
TEXT_X, TEXT_WIDTH = LEFT + PAD_X, WIDTH - 2 * PAD_X  # running text
TOP, BOTTOM = PAGE_HEIGHT - 15 * MM - PAD_X, 18 * MM + PAD_X  # what a page holds
FUZZ = 1e-6

HELVETICA, BOLD = "Helvetica", "Helvetica-Bold"
# (font, size, leading): the heading, running text, small print, the lines table and its header
HEADING = (BOLD, 14.0, 18.0)
BODY = (HELVETICA, 9.0, 11.5)
SMALL = (HELVETICA, 7.5, 9.5)
CELL = (HELVETICA, 9.0, 10.8)
CELL_BOLD = (BOLD, 9.0, 10.8)
HEADER = (HELVETICA, 7.5, 9.0)

COLUMNS = (11 * MM, DESCRIPTION_WIDTH * MM, 28 * MM, 24 * MM, 14 * MM, 24 * MM)  # Pos. … Betrag netto
COLUMN_X = tuple(LEFT + sum(COLUMNS[:i]) for i in range(len(COLUMNS)))
RIGHT_ALIGNED = 2  # the columns from "Menge" on are right-aligned
TITLES = ("Pos.", "Leistung", "Menge", "Einzelpreis", "USt", "Betrag netto")
FACT_X, FACT_LABEL, FACT_VALUE = LEFT + 95 * MM + PAD_X, 30 * MM, 45 * MM  # the facts beside the address
SUM_LABEL = 120 * MM  # the label column of the sums
GREY = (0.827451, 0.827451, 0.827451)  # the rules between the lines

# The text operators are written straight into the page's text object, as its setTextOrigin and textLine would
# write them, each line's operator kept per font and text (_Pages._shown): reportlab's own calls cost a third of
# the PDF. False: reportlab's calls (the tests compare both byte for byte).
FAST_TEXT = True
_SHOWN: dict[tuple[str, str], str] = {}


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


# A line's cells, kept per value (its text, so 10 and 10.000 stay apart); the PDF is always German (render).
@functools.lru_cache(maxsize=4096)
def _quantity(quantity: str, unit_code: str) -> str:
    return units.quantity(Decimal(quantity), unit_code)


@functools.lru_cache(maxsize=4096)
def _eur(amount: str, cents: bool = False) -> str:
    value = Decimal(amount)
    return format_eur(value.quantize(Decimal("0.01")) if cents else value)


@functools.lru_cache(maxsize=64)
def _rate_text(rate: str) -> str:
    return _rate(Decimal(rate))


@functools.lru_cache(maxsize=16384)
def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)


@functools.lru_cache(maxsize=4096)
def _split(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """``text`` broken into lines of at most ``width`` points (at its line breaks, then between words): what
    reportlab's ``simpleSplit`` gives, the same sums in the same order, with each word's width kept (the
    same words recur in every description). Kept per text: the same services' descriptions recur on every
    member's invoice."""
    space, lines = _width(" ", font, size), []
    for paragraph in text.split("\n"):
        words: list[str] = []
        used = -space
        for word in paragraph.split():
            word_width = _width(word, font, size)
            if used + space + word_width <= width or not words:
                words.append(word)
                used = used + space + word_width
            else:
                lines.append(" ".join(words))
                words, used = [word], word_width
        if words:
            lines.append(" ".join(words))
    return tuple(lines)


def _cell(text: str, style: tuple[str, float, float], width: float) -> tuple[str, ...]:
    """The lines of a table cell ``width`` points wide (less its padding)."""
    return _split(text, style[0], style[1], width - 2 * PAD_X)


class _Pages:
    """Places blocks top-down on A4 pages as a flow: the space asked for above a block overlaps the space
    left below the block before it and is dropped at the top of a page; what does not fit goes on a new
    page. Text is gathered into one text object per page, the rules drawn after it."""

    def __init__(self, canvas: Any) -> None:
        from reportlab.lib.rl_accel import fp_str

        self.canvas, self.fp_str = canvas, fp_str
        self.y, self.at_top, self.after = TOP, True, 0.0
        self.text = canvas.beginText()
        self.font: tuple[str, float, float] | None = None
        self.rules: list[tuple[float, tuple[float, float, float], float, float]] = []  # width, colour, y, x

    def new_page(self) -> None:
        self.finish_page()
        self.canvas.showPage()
        self.y, self.at_top, self.after = TOP, True, 0.0
        self.text, self.font = self.canvas.beginText(), None

    def finish_page(self) -> None:
        canvas = self.canvas
        canvas.drawText(self.text)
        if self.rules:
            canvas.setLineCap(1)
            canvas.setLineJoin(1)
            current = None
            for width, colour, y, x in self.rules:
                if current != (width, colour):
                    canvas.setStrokeColorRGB(*colour)
                    canvas.setLineWidth(width)
                    current = (width, colour)
                canvas.line(x, y, x + WIDTH, y)
            self.rules = []

    def gap(self, before: float) -> float:
        return 0.0 if self.at_top else max(before - self.after, 0.0)

    def room(self, before: float = 0.0) -> float:
        """The height left on this page below the space ``before``."""
        return self.y - self.gap(before) - BOTTOM

    def place(self, height: float, before: float = 0.0, after: float = 0.0) -> float:
        """The top of a block of ``height`` that is never split: here, or at the top of a new page."""
        if height > self.room(before) + FUZZ and not self.at_top:
            self.new_page()
        top = self.y - self.gap(before)
        self.y, self.after, self.at_top = top - height - after, after, False
        return top

    def space(self, height: float) -> None:
        """Empty space; where it does not fit, the page ends (and the next one does not begin with it)."""
        if height > self.room() + FUZZ:
            self.new_page()
        elif not self.at_top:
            self.y, self.after = self.y - height, 0.0

    def lines(self, x: float, baseline: float, lines: tuple[str, ...], style: tuple[str, float, float]) -> None:
        """``lines`` from ``x``, the first on ``baseline``, the next one leading below each."""
        self._font(style)
        if not FAST_TEXT:
            self.text.setTextOrigin(x, baseline)
            for line in lines:
                self.text.textLine(line)  # the cursor moves down by the leading (no width to measure)
            return
        code = self.text._code
        code.append(f"1 0 0 1 {self.fp_str(x, baseline)} Tm")  # what setTextOrigin writes (bottom up)
        for line in lines:
            code.append(self._shown(line))

    def right(self, x: float, baseline: float, value: str, style: tuple[str, float, float]) -> None:
        """``value`` ending at ``x`` (one line)."""
        self.lines(x - _width(value, style[0], style[1]), baseline, (value,), style)

    def _shown(self, line: str) -> str:
        """What ``textLine(line)`` writes in the current font, kept per font and text: the same words and
        amounts recur on every invoice. A text the font cannot show alone (reportlab switches fonts for it,
        naming them per document) is not kept."""
        key = (self.text._fontname, line)
        shown = _SHOWN.get(key)
        if shown is None:
            shown = f"{self.text._formatText(line)} T*"
            if " Tf " in shown:
                return shown
            if len(_SHOWN) >= 20_000:
                _SHOWN.clear()
            _SHOWN[key] = shown
        return shown

    def _font(self, style: tuple[str, float, float]) -> None:
        if self.font != style:
            self.text.setFont(*style)
            self.font = style

    def rule(self, y: float, width: float, colour: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> None:
        self.rules.append((width, colour, y, LEFT))

    def paragraph(self, text: str, style: tuple[str, float, float] = BODY) -> None:
        """Running text (6 pt above it), split over two pages only if each part gets two lines or more."""
        lines, leading = _split(text, style[0], style[1], TEXT_WIDTH), style[2]
        fits = int((self.room(6.0) + FUZZ) // leading)
        if len(lines) > fits >= 2:
            top = self.place(fits * leading, before=6.0)
            self.lines(TEXT_X, top - style[1], lines[:fits], style)
            lines = lines[fits:]
            self.new_page()
        top = self.place(len(lines) * leading, before=6.0)
        self.lines(TEXT_X, top - style[1], lines, style)


def _render(invoice: Invoice, lines: list[InvoiceLine]) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    seller, member = settings.KITU_SELLER, invoice.member
    net, vat, breakdown = totals(lines)
    title = title_of(invoice)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, lang="de")  # same invoice, same bytes
    canvas.setTitle(title)
    canvas.setAuthor(seller["name"])
    pages = _Pages(canvas)

    # The head: the sender in small print above the address; beside the address the invoice's facts.
    sender = _split(
        f"{seller['name']} · {seller['street']} · {seller['postcode']} {seller['city']}", *SMALL[:2], TEXT_WIDTH
    )
    address = _split(f"{member.name}\n{member.street}\n{member.postcode} {member.city}", *BODY[:2], 95 * MM - 2 * PAD_X)
    facts = [
        ("Rechnungsnummer", invoice.number),
        ("Rechnungsdatum", f"{invoice.issue_date:%d.%m.%Y}"),
        ("Leistungszeitraum", f"{invoice.period_start:%d.%m.%Y} – {invoice.period_end:%d.%m.%Y}"),
        ("Leitweg-ID", invoice.leitweg_id),
        ("Vertrag", invoice.contract_reference),
    ]
    if invoice.kind == InvoiceKind.INVOICE and invoice.due_date:
        facts.append(("fällig am", f"{invoice.due_date:%d.%m.%Y}"))
    fact_lines = [(_cell(k, SMALL, FACT_LABEL), _cell(v or "", SMALL, FACT_VALUE)) for k, v in facts]
    fact_heights = [max(len(k), len(v)) * HEADER[2] + 2 * PAD_Y for k, v in fact_lines]
    sender_height = max(len(sender) * SMALL[2] + 2 * PAD_Y, 18.0)
    address_height = max(len(address) * BODY[2], sum(fact_heights)) + 2 * PAD_Y
    top = pages.place(sender_height + address_height)
    pages.lines(TEXT_X, top - PAD_Y - SMALL[1], sender, SMALL)
    top -= sender_height
    pages.lines(TEXT_X, top - PAD_Y - BODY[1], address, BODY)
    top -= PAD_Y
    for (label, value), height in zip(fact_lines, fact_heights, strict=True):
        pages.lines(FACT_X + PAD_X, top - PAD_Y - HEADER[1], label, HEADER)
        pages.lines(FACT_X + FACT_LABEL + PAD_X, top - PAD_Y - HEADER[1], value, HEADER)
        top -= height

    pages.space(10 * MM)
    heading = _split(title, *HEADING[:2], TEXT_WIDTH)
    top = pages.place(len(heading) * HEADING[2], before=12.0, after=6.0)
    pages.lines(TEXT_X, top - HEADING[1], heading, HEADING)
    if invoice.note:
        pages.paragraph(f"Grund: {invoice.note}")
    pages.space(4 * MM)

    # The lines, row by row; a row that does not fit begins a new page, under the column titles again.
    header_height = HEADER[2] + 2 * PAD_Y
    rows = []
    for line in lines:
        text = line.description
        if line.cost_centre_code is not None:
            text += f"\nKostenstelle {line.cost_centre_code}"
        cells = (
            (str(line.position),),
            _cell(text, CELL, COLUMNS[1]),
            _quantity(str(line.quantity), line.unit_code),  # the word; the XRechnung keeps the code
            _eur(str(line.unit_price), cents=True),
            _rate_text(str(line.vat_rate)),
            _eur(str(line.net_amount)),
        )
        rows.append((cells, max(len(cells[0]), len(cells[1])) * CELL[2] + 2 * PAD_Y))
    while rows:
        room, height, count = pages.room() - header_height, 0.0, 0
        for _cells, row_height in rows:
            if height + row_height > room + FUZZ:
                break
            height, count = height + row_height, count + 1
        if count == 0:
            if not pages.at_top:
                pages.new_page()
                continue
            count, height = 1, rows[0][1]  # a row higher than a page: drawn anyway
        top = pages.place(header_height + height)
        for x, width, title_text in zip(COLUMN_X, COLUMNS, TITLES, strict=True):
            if x >= COLUMN_X[RIGHT_ALIGNED]:
                pages.right(x + width - PAD_X, top - PAD_Y - HEADER[1], title_text, HEADER)
            else:
                pages.lines(x + PAD_X, top - PAD_Y - HEADER[1], (title_text,), HEADER)
        top -= header_height
        pages.rule(top, 0.5)
        for cells, row_height in rows[:count]:
            baseline = top - PAD_Y - CELL[1]
            pages.lines(COLUMN_X[0] + PAD_X, baseline, cells[0], CELL)
            pages.lines(COLUMN_X[1] + PAD_X, baseline, cells[1], CELL)
            for i in range(RIGHT_ALIGNED, len(COLUMNS)):
                pages.right(COLUMN_X[i] + COLUMNS[i] - PAD_X, baseline, cells[i], CELL)  # type: ignore[arg-type]
            top -= row_height
            pages.rule(top, 0.25, GREY)
        rows = rows[count:]
        if rows:
            pages.new_page()

    # The sums, kept together.
    pages.space(4 * MM)
    sums: list[tuple[tuple[str, ...], str, tuple[str, float, float]]] = [(("Summe netto",), format_eur(net), CELL)]
    for rate, (taxable, tax) in breakdown.items():
        text = f"USt {_rate(rate)} auf {format_eur(taxable)}"
        if rate == 0:
            text += f" ({seller['vat_exemption_reason']})"
        sums.append((_cell(text, CELL, SUM_LABEL), format_eur(tax), CELL))
    sums.append((("Gesamtbetrag",), format_eur(net + vat), CELL_BOLD))
    heights = [len(label) * CELL[2] + 2 * PAD_Y for label, _amount, _style in sums]
    top = pages.place(sum(heights))
    for (label, amount, style), height in zip(sums, heights, strict=True):
        if style is CELL_BOLD:
            pages.rule(top, 0.5)
        pages.lines(TEXT_X, top - PAD_Y - style[1], label, style)
        pages.right(LEFT + WIDTH - PAD_X, top - PAD_Y - style[1], amount, style)
        top -= height

    pages.space(6 * MM)
    pages.paragraph(payment_terms(invoice))
    pages.paragraph(
        f"Bankverbindung: {seller['bank']}, IBAN {seller['iban']}, BIC {seller['bic']}, "
        f"Verwendungszweck {invoice.number}"
    )
    pages.space(6 * MM)
    pages.paragraph(
        "Diese PDF-Datei ist eine Lesefassung. Maßgeblich ist die elektronische Rechnung (XRechnung 3.0), "
        "die Sie mit derselben Nummer erhalten.\n"
        f"{seller['name']} · {seller['register']} · USt-IdNr. {seller['vat_id']} · "
        f"Kontakt: {seller['contact_name']}, {seller['contact_phone']}, {seller['contact_email']}",
        SMALL,
    )
    pages.finish_page()
    canvas.save()
    return out.getvalue()
