"""XLSX export of the asset list (filtered like the page). Cells go through kitu.core.exports."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from kitu.core import eclass
from kitu.core.exports import xlsx_append

from . import lifecycle
from .models import Asset

MAX_ROWS = 50000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = (
    "Mitglied",
    "Bezeichnung",
    "Hersteller",
    "ECLASS",
    "Seriennummer",
    "Inventarnummer",
    "Status",
    "Zugang am",
    "Garantie bis",
    "Austausch fällig",
    "Preis (EUR netto)",
    "Lieferant",
    "Bestellung",
    "Standort",
    "Kostenstelle",
    "verantwortlich",
    "Herkunft",
)
DATE_COLUMNS = ("H", "I", "J")


def rows(assets: QuerySet[Asset]) -> Iterable[tuple[Any, ...]]:
    for a in assets[:MAX_ROWS]:
        yield (
            a.member.name,
            a.description,
            a.manufacturer,
            eclass.label(a.eclass_group),
            a.serial_number,
            a.inventory_number,
            a.get_status_display(),
            a.acquired_on,
            a.warranty_end,
            lifecycle.replacement_due(a.acquired_on, a.eclass_group),
            a.price,
            a.supplier.organisation.name if a.supplier else "",
            a.order.number if a.order else "",
            a.site.name if a.site else "",
            str(a.cost_centre) if a.cost_centre else "",
            a.responsible,
            a.get_source_display(),
        )


def xlsx_response(assets: QuerySet[Asset]) -> HttpResponse:
    from openpyxl import Workbook  # noqa: PLC0415  (heavy, only for this export)

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Geräte"
    xlsx_append(sheet, HEADER)
    for row in rows(assets):
        xlsx_append(sheet, row)
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) + 2)
    for column in DATE_COLUMNS:
        for cell in sheet[column][1:]:
            cell.number_format = "DD.MM.YYYY"
    for cell in sheet["K"][1:]:
        cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="geraete-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response
