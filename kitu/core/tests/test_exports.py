import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from kitu.core.exports import csv_cell, csv_writer, neutralise, restore, safe_cell, xlsx_append

HOSTILE = ["=1+1", "+1", "-2+3", "-Stadt", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", HOSTILE)
def test_text_with_a_formula_start_gets_the_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert safe_cell(text) == "'" + text
    assert csv_cell(text) == "'" + text
    assert restore(safe_cell(text)) == text  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["Stadt Wernigerode", "", "a=b", "1-2", " =1", "'=already safe", "'plain"])
def test_other_text_is_unchanged_and_the_apostrophe_never_doubled(text: str) -> None:
    assert safe_cell(text) == text and csv_cell(text) == text


def test_neutralising_twice_adds_one_apostrophe_and_restore_removes_only_ours() -> None:
    assert safe_cell(safe_cell("=1+1")) == "'=1+1"
    assert csv_cell(csv_cell("-Stadt")) == "'-Stadt"
    assert restore("'plain") == "'plain" and restore("Stadt") == "Stadt" and restore("'-1") == "-1"


@pytest.mark.parametrize(
    "value",
    [0, 7, -1, Decimal("-12.50"), Decimal("3.00"), -0.5, 2.25, True, False, dt.date(2024, 1, 31)],
)
def test_numbers_dates_and_booleans_stay_typed(value: object) -> None:
    assert safe_cell(value) is value


def test_none_and_lazy_text() -> None:
    assert safe_cell(None) is None and csv_cell(None) == ""
    assert safe_cell(gettext_lazy("=lazy")) == "'=lazy"


def test_csv_formats_numbers_and_dates_and_neutralises_text() -> None:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["=A", -3, Decimal("-1234.5"), -0.25, dt.date(2024, 2, 1), None, "-2+3", "\tx", "ok"])
    writer.writerows([["+1", Decimal("0")]])
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows == [
        ["'=A", "-3", "-1234,50", "-0,25", "01.02.2024", "", "'-2+3", "'\tx", "ok"],
        ["'+1", "0,00"],
    ]
    out = io.StringIO()
    csv_writer(out, decimal=".", delimiter=",", lineterminator="\n").writerow([Decimal("5"), "@x"])
    assert out.getvalue() == "5.00,'@x\n"


def test_xlsx_text_is_a_string_and_numbers_and_dates_stay_typed() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    xlsx_append(ws, ["Kopf", "Zahl"])
    xlsx_append(ws, [*HOSTILE, -5, Decimal("-12.50"), dt.date(2024, 1, 31), None, "#N/A", "a\x01b", True])
    out = io.BytesIO()
    wb.save(out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet is not None
    row = sheet[2]
    n = len(HOSTILE)
    for cell, text in zip(row[:n], HOSTILE, strict=True):
        assert (cell.value, cell.data_type) == ("'" + text, "s")
    assert (row[n].value, row[n].data_type) == (-5, "n")
    assert (row[n + 1].value, row[n + 1].data_type) == (-12.5, "n")
    assert row[n + 2].value == dt.datetime(2024, 1, 31) and row[n + 2].is_date
    assert row[n + 3].value is None
    assert (row[n + 4].value, row[n + 4].data_type) == ("#N/A", "s")
    assert row[n + 5].value == "ab"
    assert (row[n + 6].value, row[n + 6].data_type) == (True, "b")
    assert sheet["A1"].value == "Kopf"


def test_csv_cell_fast_paths_give_the_text_of_the_general_rule() -> None:
    """The exact types str, int, date and Decimal skip the isinstance chain (issue 23.4: 100,000 cells in the
    § 30 CSV); subclasses and other types take the general path — the text is the same either way."""

    class Text(str):
        pass

    day = dt.date(2024, 2, 1)
    cases = [
        ("=A", "'=A"),
        (Text("=B"), "'=B"),
        ("ok", "ok"),
        (-3, "-3"),
        (True, "True"),
        (day, "01.02.2024"),
        (dt.datetime(2024, 2, 1, 13, 5), "01.02.2024"),
        (Decimal("-1234.5"), "-1234,50"),
        (-0.25, "-0,25"),
        (None, ""),
        (gettext_lazy("-lazy"), "'-lazy"),
    ]
    assert [csv_cell(value) for value, _text in cases] == [text for _value, text in cases]
    assert csv_cell(day, date_format="%Y-%m-%d") == "2024-02-01" and csv_cell(day) == "01.02.2024"  # per format
    assert csv_cell(Decimal("5"), decimal=".", places=3) == "5.000"
