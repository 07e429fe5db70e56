"""The order history as CSV (orders) or XLSX (one sheet of orders, one of their lines), with the filters
of the order list applied."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from kitu.core.exports import csv_writer, xlsx_append
from kitu.core.replica import for_reporting

from .models import Order, OrderLine

MAX_ROWS = 10000
ORDER_HEADER = (
    "Bestellnummer",
    "Datum",
    "Mitglied",
    "Rahmenvertrag",
    "Lieferant",
    "Status",
    "Summe (EUR netto)",
    "Ersparnis (EUR netto)",
    "Liefertermin",
)
LINE_HEADER = (
    "Bestellnummer",
    "Pos.",
    "Artikelnummer",
    "Bezeichnung",
    "Menge",
    "Einheit",
    "Einzelpreis (EUR netto)",
    "Gesamt (EUR netto)",
    "Ersparnis (EUR netto)",
    "Kostenstelle",
    "geliefert",
    "eingegangen",
    "abgelehnt, weil",
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def order_rows(orders: QuerySet[Order]) -> Iterable[tuple[Any, ...]]:
    for o in for_reporting(orders)[:MAX_ROWS]:  # a report: from the read replica where there is one
        yield (
            o.number,
            timezone.localtime(o.created_at).date(),
            o.member.name,
            o.contract.number,
            o.supplier.organisation.name,
            o.get_status_display(),
            o.total,
            o.savings,
            o.delivery_date,
        )


def line_rows(orders: QuerySet[Order]) -> Iterable[tuple[Any, ...]]:
    orders = for_reporting(orders)
    lines = (
        OrderLine.objects.using(orders.db)
        .filter(order__in=orders.values("pk")[:MAX_ROWS])
        .select_related("order", "cost_centre")
        .order_by("-order__created_at", "order__pk", "position")
    )
    for ln in lines:
        yield (
            ln.order.number,
            ln.position,
            ln.supplier_pid,
            ln.description,
            ln.quantity,
            ln.order_unit,
            ln.unit_price,
            ln.total,
            ln.savings,
            ln.cost_centre.code if ln.cost_centre else "",
            ln.shipped_quantity,
            ln.received_quantity,
            ln.rejected_reason,
        )


def _filename(ext: str) -> str:
    return f'attachment; filename="bestellungen-{timezone.localdate():%Y-%m-%d}.{ext}"'


def csv_response(orders: QuerySet[Order]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename("csv")
    writer = csv_writer(response)
    writer.writerow(ORDER_HEADER)
    writer.writerows(order_rows(orders))
    return response


def xlsx_response(orders: QuerySet[Order]) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheets: list[tuple[Any, str, tuple[str, ...], Iterable[tuple[Any, ...]]]] = [
        (book.active, "Bestellungen", ORDER_HEADER, order_rows(orders)),
        (book.create_sheet(), "Positionen", LINE_HEADER, line_rows(orders)),
    ]
    for sheet, title, header, rows in sheets:
        assert sheet is not None
        sheet.title = title
        xlsx_append(sheet, header)
        for row in rows:
            xlsx_append(sheet, row)
        for column, name in enumerate(header, 1):
            letter = get_column_letter(column)
            sheet.column_dimensions[letter].width = max(12, len(name) + 2)
            if "EUR" in name:
                for cell in sheet[letter][1:]:
                    cell.number_format = "#,##0.00"
            elif name in ("Datum", "Liefertermin"):
                for cell in sheet[letter][1:]:
                    cell.number_format = "DD.MM.YYYY"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _filename("xlsx")
    return response
