"""The member list per § 30 GenG as CSV, XLSX and PDF."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kitu.core.exports import csv_writer, xlsx_append

from .selectors import RegisterRow


def _fmt_date(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def header() -> list[str]:
    return [
        _("Mitgliedsnummer"),
        _("Name (Firma)"),
        _("Anschrift"),
        _("Art"),
        _("Beitritt"),
        _("Geschäftsanteile"),
        _("Geschäftsguthaben (EUR)"),
        _("Ausscheiden zum"),
        _("ausgeschieden am"),
    ]


def _values(row: RegisterRow) -> list[Any]:
    return [
        row.member_number,
        row.name,
        row.address,
        row.member_type,
        row.joined_on,
        row.shares,
        row.paid_in,
        row.exit_date,
        row.left_on,
    ]


def _pdf_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return _fmt_date(value)
    return "" if value is None else str(value)


def _cells(row: RegisterRow) -> list[str]:
    """The row as text for the PDF."""
    return [_pdf_text(v) for v in _values(row)]


def register_csv(rows: Sequence[RegisterRow]) -> str:
    out = io.StringIO()
    writer = csv_writer(out, decimal=".", lineterminator="\n")
    writer.writerow(header())
    writer.writerows(_values(row) for row in rows)
    return out.getvalue()


def register_xlsx(rows: Sequence[RegisterRow], day: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Mitgliederliste")[:31]
    xlsx_append(ws, [_("Mitgliederliste gemäß § 30 GenG, Stand %(date)s") % {"date": _fmt_date(day)}])
    xlsx_append(ws, header())
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(ws, _values(row))
    for col, width in zip("ABCDEFGHI", (10, 45, 45, 22, 12, 10, 14, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    for cells in ws.iter_rows(min_row=3):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
        cells[6].number_format = "#,##0.00"
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def register_pdf(rows: Sequence[RegisterRow], day: dt.date) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    out = io.BytesIO()
    title = _("Mitgliederliste gemäß § 30 GenG, Stand %(date)s") % {"date": _fmt_date(day)}
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        author=settings.KITU_COOPERATIVE_NAME,
        lang="de",
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    data = [[Paragraph(f"<b>{h}</b>", small) for h in header()]]
    for row in rows:
        data.append([Paragraph(str(c), small) for c in _cells(row)])
    table = Table(
        data, repeatRows=1, colWidths=[16 * mm, 62 * mm, 62 * mm, 30 * mm, 20 * mm, 18 * mm, 24 * mm, 20 * mm, 20 * mm]
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6ECF2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    doc.build(
        [Paragraph(settings.KITU_COOPERATIVE_NAME, styles["Heading2"]), Paragraph(title, styles["Heading3"]), table]
    )
    return out.getvalue()
