"""XLSX export of the register: one sheet with every visible entry (filtered like the page) and one with the
matrix products × members. Cells go through kitu.core.exports, so no text becomes a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from kitu.core.exports import xlsx_append

from .models import Procedure
from .selectors import Matrix

MAX_ROWS = 20000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = (
    "Mitglied",
    "Bezeichnung",
    "Hersteller",
    "Produkt",
    "Version",
    "Fachbereich",
    "Betrieb",
    "Lizenzen",
    "Vertragsende",
    "Schutzbedarf",
    "AVV vom",
    "Verarbeitungsverzeichnis",
    "Ansprechperson",
    "E-Mail",
    "Telefon",
    "Ansprechperson Hersteller",
)


def rows(procedures: QuerySet[Procedure]) -> Iterable[tuple[Any, ...]]:
    for p in procedures.select_related("member__organisation")[:MAX_ROWS]:
        yield (
            p.member.name,
            p.name,
            p.vendor,
            p.product,
            p.version,
            p.get_area_display(),
            p.get_operation_display(),
            p.licence_count,
            p.contract_end,
            p.get_protection_need_display(),
            p.dpa_date,
            p.processing_record,
            p.contact_name,
            p.contact_email,
            p.contact_phone,
            p.vendor_contact,
        )


def _sheet(book: Any, title: str, header: Sequence[str], data: Iterable[Sequence[Any]], *, first: bool) -> None:
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    xlsx_append(sheet, header)
    for row in data:
        xlsx_append(sheet, row)
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value or "")) + 2)


def xlsx_response(procedures: QuerySet[Procedure], matrix: Matrix) -> HttpResponse:
    from openpyxl import Workbook  # noqa: PLC0415  (heavy, only for this export)

    book = Workbook()
    _sheet(book, "Fachverfahren", HEADER, rows(procedures), first=True)
    for column in ("I", "K"):
        for cell in book["Fachverfahren"][column][1:]:
            cell.number_format = "DD.MM.YYYY"
    members = [m.name for m in matrix.members]
    matrix_rows = (
        [row.vendor, row.product, row.member_count, *[row.versions.get(m.pk, "") for m in matrix.members]]
        for row in matrix.rows
    )
    _sheet(book, "Matrix", ["Hersteller", "Produkt", "Mitglieder", *members], matrix_rows, first=False)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="fachverfahren-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response
