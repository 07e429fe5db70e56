"""The booking list of approved inbound invoices for the member's finance system: one row per invoice line
with the account assignment (cost centre) taken from the order line it bills, CSV or XLSX."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from kitu.core.exports import csv_writer, xlsx_append

from .models import InboundInvoice, InboundInvoiceLine, InvoiceKind

MAX_ROWS = 20000
HEADER = (
    "Mitglied",
    "Rechnungsnummer",
    "Art",
    "Rechnungsdatum",
    "fällig am",
    "Lieferant",
    "USt-IdNr.",
    "IBAN",
    "BIC",
    "Bestellnummer",
    "Pos.",
    "Bezeichnung",
    "Menge",
    "Betrag (EUR netto)",
    "USt-Satz (%)",
    "Kostenstelle",
    "Kostenstelle (Bezeichnung)",
    "sachlich richtig",
    "rechnerisch richtig",
    "freigegeben am",
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(invoices: QuerySet[InboundInvoice]) -> Iterable[tuple[Any, ...]]:
    lines = (
        InboundInvoiceLine.objects.filter(invoice__in=invoices)
        .select_related(
            "invoice__member__organisation",
            "invoice__order",
            "invoice__factual_by",
            "invoice__approved_by",
            "order_line__cost_centre",
        )
        .order_by("invoice__approved_at", "invoice_id", "position")
    )
    for line in lines[:MAX_ROWS]:
        invoice = line.invoice
        sign = -1 if invoice.kind == InvoiceKind.CREDIT_NOTE else 1
        centre = line.order_line.cost_centre if line.order_line else None
        yield (
            invoice.member.name,
            invoice.number,
            invoice.get_kind_display(),
            invoice.issue_date,
            invoice.due_date,
            invoice.seller_name,
            invoice.seller_vat_id,
            invoice.iban,
            invoice.bic,
            invoice.order.number if invoice.order else "",
            line.position,
            line.name,
            line.quantity.normalize(),
            line.net_amount * sign,
            line.vat_rate,
            centre.code if centre else "",
            centre.name if centre else "",
            invoice.factual_by.full_name if invoice.factual_by else "",
            invoice.approved_by.full_name if invoice.approved_by else "",
            timezone.localtime(invoice.approved_at).date() if invoice.approved_at else None,
        )


def _filename(ext: str) -> str:
    return f'attachment; filename="buchungsliste-{timezone.localdate():%Y-%m-%d}.{ext}"'


def csv_response(invoices: QuerySet[InboundInvoice]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename("csv")
    writer = csv_writer(response)
    writer.writerow(HEADER)
    writer.writerows(rows(invoices))
    return response


def xlsx_response(invoices: QuerySet[InboundInvoice]) -> HttpResponse:
    from openpyxl import Workbook  # noqa: PLC0415  (heavy, only for this export)
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Buchungsliste"
    xlsx_append(sheet, HEADER)
    for row in rows(invoices):
        xlsx_append(sheet, row)
    for column, name in enumerate(HEADER, 1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = max(12, len(name) + 2)
        if "EUR" in name:
            for cell in sheet[letter][1:]:
                cell.number_format = "#,##0.00"
        elif name in ("Rechnungsdatum", "fällig am", "freigegeben am"):
            for cell in sheet[letter][1:]:
                cell.number_format = "DD.MM.YYYY"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _filename("xlsx")
    return response
