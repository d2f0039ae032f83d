"""Every writer probed with what makes a spreadsheet cell a formula (CSV injection): the leading
characters = + - @, tab and carriage return, and the same behind leading spaces. A CSV cell
starting with one is prefixed with an apostrophe; an XLSX cell is written as a string, never a
formula."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest

from enforcement.exports.columns import Column
from enforcement.exports.csv import iter_csv
from enforcement.exports.xlsx import iter_xlsx

PAYLOADS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1",
            " =1+1", "  @SUM(A1)", "\u3000=1+1"]
COLUMNS = [Column("name", "企业名称")]


def _csv_cells(rows):
    text = b"".join(iter_csv(COLUMNS, rows)).decode("utf-8-sig")
    return [r[0] for r in csv.reader(io.StringIO(text))][1:]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_csv_cell_that_would_be_a_formula_is_written_as_text(payload):
    (cell,) = _csv_cells([{"name": payload}])
    assert cell == "'" + payload


@pytest.mark.parametrize("payload", ["三河市燕郊镇化工厂", "1号车间", "A-1 plant", "e-mail"])
def test_ordinary_names_are_written_unchanged(payload):
    assert _csv_cells([{"name": payload}]) == [payload]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_xlsx_cell_that_would_be_a_formula_is_a_string_cell(payload):
    data = b"".join(iter_xlsx(COLUMNS, [{"name": payload}]))
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
    assert "<f>" not in sheet  # no formula element anywhere
    assert 't="s"' in sheet or 't="str"' in sheet or 't="inlineStr"' in sheet
    from xml.sax.saxutils import escape
    assert escape(payload.strip()) in strings + sheet
