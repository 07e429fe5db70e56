"""XLSX files of the bundling: the tender volumes, the offer template and its import, the award result.

The offer sheet "Angebote" has one row per price tier: Lieferant | Pos.-Nr. | Mindestmenge | Höchstmenge |
Staffel ab Menge | Stückpreis (EUR, netto). Rows of the same supplier and position form one offer (their
minimum and maximum must agree). The optional sheet "Lose" has Lieferant | Los | Pos.-Nr. (comma-separated):
items that supplier offers only together. Every error names sheet, row and column."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any
from zipfile import BadZipFile

from django.utils.translation import gettext as _

from kitu.contracts.models import Supplier
from kitu.core.errors import DomainError
from kitu.core.exports import restore, xlsx_append

from .models import Campaign, CampaignItem
from .selectors import Aggregate, RunReport
from .services import OfferInput, OfferLotInput

if TYPE_CHECKING:
    from openpyxl import Workbook

OFFER_SHEET = "Angebote"
LOT_SHEET = "Lose"
OFFER_HEADER = (
    "Lieferant",
    "Pos.-Nr.",
    "Mindestmenge",
    "Höchstmenge",
    "Staffel ab Menge",
    "Stückpreis (EUR, netto)",
)
LOT_HEADER = ("Lieferant", "Los", "Pos.-Nr.")
MAX_ERRORS = 20
STATUS_LABELS = {"open": "keine Meldung", "no_demand": "kein Bedarf", "reported": "gemeldet"}


def _sheet(wb: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, first: bool) -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    ws = wb.active if first else wb.create_sheet()
    assert isinstance(ws, Worksheet)
    ws.title = title
    xlsx_append(ws, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(ws, row)
    ws.freeze_panes = "A2"
    for column in ws.columns:
        width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def tender_workbook(campaign: Campaign, agg: Aggregate) -> bytes:
    """The tender volumes: per position the estimate and the maximum (estimate × factor), by quarter,
    and per member its quantities (the contracting entities of the joint tender)."""
    from openpyxl import Workbook

    wb = Workbook()
    factor = campaign.max_factor
    _sheet(
        wb,
        "Mengen",
        (
            "Pos.-Nr.",
            "Bezeichnung",
            "Leistungsbeschreibung",
            "Einheit",
            "Schätzmenge",
            f"Höchstmenge ({factor} %)",
            "Q1",
            "Q2",
            "Q3",
            "Q4",
            "davon Haushaltsmittel gesichert",
            "meldende Mitglieder",
            "Schätzpreis (EUR)",
            "geschätzter Wert (EUR)",
            "Höchstwert (EUR)",
        ),
        (
            [
                t.item.code,
                t.item.title,
                t.item.description,
                t.item.unit,
                t.quantity,
                t.max_quantity,
                *t.by_quarter,
                t.budget_secured,
                t.members,
                t.item.reference_price,
                t.estimated_value,
                t.max_value,
            ]
            for t in agg.items
        ),
        first=True,
    )
    _sheet(
        wb,
        "Mitglieder",
        ("Mitglied", "Status", *(t.item.code for t in agg.items)),
        ([row.member.name, STATUS_LABELS[row.status], *row.quantities] for row in agg.members),
        first=False,
    )
    return _bytes(wb)


def offer_template(campaign: Campaign, suppliers: Sequence[Supplier]) -> bytes:
    """The offer sheet to fill in: one row per supplier and position, tiers added as further rows."""
    from openpyxl import Workbook

    wb = Workbook()
    items = list(campaign.items.order_by("code"))
    _sheet(
        wb,
        OFFER_SHEET,
        OFFER_HEADER,
        ([s.name, item.code, 0, None, 1, None] for s in suppliers for item in items),
        first=True,
    )
    _sheet(wb, LOT_SHEET, LOT_HEADER, (), first=False)
    _sheet(
        wb,
        "Positionen",
        ("Pos.-Nr.", "Bezeichnung", "Einheit"),
        ((i.code, i.title, i.unit) for i in items),
        first=False,
    )
    return _bytes(wb)


class _Errors(list[str]):
    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        self.append(
            _("Blatt %(sheet)s, Zeile %(row)s, Spalte %(column)s: %(message)s")
            % {"sheet": sheet, "row": row, "column": column, "message": message}
        )


def _int(value: Any, *, required: bool) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(_("fehlt"))
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ValueError(_("„%(value)s“ ist keine ganze Zahl") % {"value": value}) from exc
    if number < 0:
        raise ValueError(_("darf nicht negativ sein"))
    return number


def _price(value: Any) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(_("fehlt"))
    try:
        price = Decimal(str(value).strip().replace(",", ".")) if isinstance(value, str) else Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(_("„%(value)s“ ist kein Betrag") % {"value": value}) from exc
    if price < 0 or price != price.quantize(Decimal("0.01")):
        raise ValueError(_("„%(value)s“: ein Betrag ≥ 0 mit höchstens zwei Nachkommastellen") % {"value": value})
    return price


def read_offers(
    campaign: Campaign, file: IO[bytes]
) -> tuple[list[tuple[str, OfferInput]], list[tuple[str, OfferLotInput]]]:
    """Parse the offer workbook against the campaign's positions and the registered suppliers; raise
    one DomainError listing every problem (at most 20) with sheet, row and column."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DomainError(_("Die Datei ist keine lesbare XLSX-Datei."), field="file") from exc
    if OFFER_SHEET not in wb.sheetnames:
        raise DomainError(_("Das Blatt „%(sheet)s“ fehlt.") % {"sheet": OFFER_SHEET}, field="file")
    items = {item.code: item for item in CampaignItem.objects.filter(campaign=campaign)}
    suppliers = {s.name.casefold(): s for s in Supplier.objects.select_related("organisation")}
    errors = _Errors()
    offers: dict[tuple[int, str], dict[str, Any]] = {}

    def supplier_and_item(sheet: str, row: int, name: Any, code: Any) -> tuple[Supplier | None, str]:
        # names and codes as the template wrote them: without the apostrophe against formulas
        supplier = suppliers.get(restore(str(name or "")).strip().casefold())
        if supplier is None:
            errors.add(sheet, row, "Lieferant", _("„%(name)s“ ist kein erfasster Lieferant") % {"name": name or ""})
        return supplier, restore(str(code or "")).strip()

    for number, values in enumerate(wb[OFFER_SHEET].iter_rows(min_row=2, values_only=True), start=2):
        cells = (list(values) + [None] * 6)[:6]
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        supplier, code = supplier_and_item(OFFER_SHEET, number, cells[0], cells[1])
        if code not in items:
            errors.add(OFFER_SHEET, number, "Pos.-Nr.", _("„%(code)s“ ist keine Position der Abfrage") % {"code": code})
        parsed: dict[str, Any] = {}
        for column, key, parse in (
            ("Mindestmenge", "min", lambda v: _int(v, required=False) or 0),
            ("Höchstmenge", "max", lambda v: _int(v, required=False)),
            ("Staffel ab Menge", "low", lambda v: _int(v, required=True)),
            ("Stückpreis (EUR, netto)", "price", _price),
        ):
            try:
                parsed[key] = parse(cells[OFFER_HEADER.index(column)])
            except ValueError as exc:
                errors.add(OFFER_SHEET, number, column, str(exc))
        if supplier is None or code not in items or len(parsed) < 4:
            continue
        offer = offers.setdefault(
            (supplier.pk, code),
            {
                "supplier": supplier,
                "item": items[code],
                "min": parsed["min"],
                "max": parsed["max"],
                "tiers": {},
                "row": number,
            },
        )
        if (offer["min"], offer["max"]) != (parsed["min"], parsed["max"]):
            errors.add(
                OFFER_SHEET,
                number,
                "Mindestmenge",
                _("weicht von Zeile %(row)s desselben Angebots ab") % {"row": offer["row"]},
            )
        if parsed["low"] in offer["tiers"]:
            errors.add(
                OFFER_SHEET,
                number,
                "Staffel ab Menge",
                _("diese Staffel steht schon in Zeile %(row)s") % {"row": offer["tiers"][parsed["low"]][1]},
            )
        offer["tiers"].setdefault(parsed["low"], (parsed["price"], number))
    lots: list[tuple[str, OfferLotInput]] = []
    if LOT_SHEET in wb.sheetnames:
        for number, values in enumerate(wb[LOT_SHEET].iter_rows(min_row=2, values_only=True), start=2):
            cells = (list(values) + [None] * 3)[:3]
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            supplier, codes = supplier_and_item(LOT_SHEET, number, cells[0], cells[2])
            name = str(cells[1] or "").strip()
            if not name:
                errors.add(LOT_SHEET, number, "Los", _("fehlt"))
            wanted = [c.strip() for c in codes.replace(";", ",").split(",") if c.strip()]
            unknown = [c for c in wanted if c not in items]
            if unknown or len(set(wanted)) < 2:
                errors.add(
                    LOT_SHEET,
                    number,
                    "Pos.-Nr.",
                    _("unbekannt: %(codes)s") % {"codes": ", ".join(unknown)}
                    if unknown
                    else _("ein Los umfasst mindestens zwei Positionen"),
                )
            elif supplier is not None and name:
                lots.append(
                    (f"{LOT_SHEET} {number}", OfferLotInput(supplier, name, [items[c] for c in dict.fromkeys(wanted)]))
                )
    wb.close()
    if errors:
        more = len(errors) - MAX_ERRORS
        message = " · ".join(errors[:MAX_ERRORS]) + (_(" · und %(n)s weitere Fehler") % {"n": more} if more > 0 else "")
        raise DomainError(message, field="file")
    result = [
        (
            f"{OFFER_SHEET} {o['row']}",
            OfferInput(
                o["supplier"], o["item"], o["min"], o["max"], [(low, p) for low, (p, _r) in sorted(o["tiers"].items())]
            ),
        )
        for o in offers.values()
    ]
    return result, lots


def result_workbook(campaign: Campaign, report: RunReport) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    _sheet(
        wb,
        "Zuschlag",
        ("Lieferant", "Pos.-Nr.", "Bezeichnung", "Menge", "Stückpreis (EUR)", "Summe (EUR)"),
        (
            [a.supplier, a.code, a.item.title if a.item else "", a.quantity, a.unit_price, a.total]
            for a in report.awards
        ),
        first=True,
    )
    _sheet(
        wb,
        "Mitglieder",
        (
            "Mitglied",
            "Kosten allein (EUR)",
            "Kosten gebündelt (EUR)",
            "Einsparung (EUR)",
            "Anteil an der Gesamteinsparung nach Ausgaben (EUR)",
        ),
        ([m.member, m.spend_alone, m.spend, m.savings, m.share] for m in report.members),
        first=False,
    )
    return _bytes(wb)
