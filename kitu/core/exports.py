"""Cells of CSV and XLSX exports, safe against formula injection (CSV injection).

A spreadsheet program reads a text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage
return as a formula (DDE, HYPERLINK, …). Every export writes its cells through this module: such text gets
a leading apostrophe, XLSX text cells are always stored as strings (never as formulas), and numbers,
dates and booleans stay real numbers and dates — a negative amount is a number, not text.

- ``safe_cell(value)``: the value for an XLSX cell (text neutralised, numbers and dates unchanged).
- ``csv_writer(fileobj, **kwargs)``: a ``csv.writer`` (semicolon by default) whose rows are neutralised
  and whose numbers and dates are formatted German style (decimal comma, DD.MM.YYYY) unless told otherwise.
- ``xlsx_append(ws, row)``: ``ws.append`` with safe cells, text stored as strings.
- ``restore(text)``: the inverse of the apostrophe, for imports of sheets we exported.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
# Control characters an XLSX file cannot hold (openpyxl refuses them): dropped rather than failing the export.
_ILLEGAL_XLSX = re.compile(r"[\000-\010\013\014\016-\037]")

Typed = bool | int | float | Decimal | dt.date | dt.datetime | dt.time
TYPED = (bool, int, float, Decimal, dt.date, dt.datetime, dt.time)


# strftime costs ~2-5 µs a call; lists repeat their dates (joined, due, exit days), so the text of a date is
# remembered (bounded; dates are immutable).
_date_text = functools.lru_cache(maxsize=8192)(dt.date.strftime)


def neutralise(text: str) -> str:
    """Text that a spreadsheet would read as a formula, with a leading apostrophe; other text unchanged."""
    return PREFIX + text if text.startswith(FORMULA_STARTS) else text


def restore(text: str) -> str:
    """Undo ``neutralise``: the text of a cell of a sheet we exported, as it was before."""
    return text[1:] if text.startswith(PREFIX) and text[1:].startswith(FORMULA_STARTS) else text


def safe_cell(value: Any) -> Typed | str | None:
    """The value of one cell: None stays empty, numbers, dates and booleans stay as they are, everything else
    is text (``str(value)``, lazy translations included), neutralised."""
    if value is None or isinstance(value, TYPED):
        return value
    return neutralise(str(value))


def csv_cell(value: Any, *, decimal: str = ",", places: int = 2, date_format: str = "%d.%m.%Y") -> str:
    """The text of one CSV field: empty for None, Decimal and float with ``places`` decimals and the
    ``decimal`` separator, dates as ``date_format``, text neutralised."""
    kind = type(value)  # the frequent exact types first, without the isinstance chain (100,000 cells per list)
    if kind is str:
        return neutralise(value)
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if kind is dt.date:
        return _date_text(value, date_format)
    if kind is Decimal:
        return f"{value:.{places}f}".replace(".", decimal)
    value = safe_cell(value)
    if value is None:
        return ""
    if isinstance(value, Decimal | float):
        return f"{value:.{places}f}".replace(".", decimal)
    if isinstance(value, dt.date):  # datetime included
        return value.strftime(date_format)
    return str(value)


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


class SafeCsvWriter:
    """``csv.writer`` with every field passed through ``csv_cell``."""

    def __init__(
        self, fileobj: _Writable, *, decimal: str, places: int, date_format: str, delimiter: str, **kwargs: Any
    ) -> None:
        self._writer = csv.writer(fileobj, delimiter=delimiter, **kwargs)
        self._decimal, self._places, self._date_format = decimal, places, date_format

    def writerow(self, row: Iterable[Any]) -> Any:
        decimal, places, date_format = self._decimal, self._places, self._date_format
        return self._writer.writerow(
            [csv_cell(value, decimal=decimal, places=places, date_format=date_format) for value in row]
        )

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(
    fileobj: _Writable,
    *,
    decimal: str = ",",
    places: int = 2,
    date_format: str = "%d.%m.%Y",
    delimiter: str = ";",
    **kwargs: Any,
) -> SafeCsvWriter:
    """A CSV writer for exports: semicolon-separated, decimal comma, dates DD.MM.YYYY (what German
    spreadsheets and accounting imports expect), text neutralised. Further keywords go to ``csv.writer``."""
    return SafeCsvWriter(
        fileobj, decimal=decimal, places=places, date_format=date_format, delimiter=delimiter, **kwargs
    )


def xlsx_append(ws: Worksheet, row: Iterable[Any]) -> None:
    """Append one row like ``ws.append``, every value through ``safe_cell``; text is stored as a string
    (never a formula or an error code), numbers and dates as numbers and dates."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in row:
        value = safe_cell(value)
        if isinstance(value, str):
            value = _ILLEGAL_XLSX.sub("", value)
        cell = Cell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    ws.append(cells)
