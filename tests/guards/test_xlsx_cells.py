"""Each cell of the streamed XLSX as a spreadsheet reads it: text is always a string (never a
formula, whatever it starts with), money is yuan from fen, dates are day numbers, nothing for
an empty value (mutation scope of `make mutants-guards`)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from enforcement.exports.columns import Column
from enforcement.exports.xlsx_stream import _cell

TEXT, MONEY, DAY, INT = (Column("k", "h", kind) for kind in ("text", "money", "date", "int"))


def text_cell(ref, shown):
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{shown}</t></is></c>'


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1",
                                   '=HYPERLINK("http://x","点击")'])
def test_a_formula_is_written_as_text(value):
    cell = _cell("B2", TEXT, value)
    assert cell.startswith('<c r="B2" t="inlineStr">') and "<f>" not in cell


def test_text_is_escaped_and_stripped_of_characters_xml_forbids():
    assert _cell("A1", TEXT, "a<b>&\x01c\td") == text_cell("A1", "a&lt;b&gt;&amp;c\td")
    assert _cell("A1", TEXT, 0) == text_cell("A1", "0")


def test_money_is_yuan_with_two_decimals_from_fen():
    assert _cell("C3", MONEY, 1_000_050) == '<c r="C3" s="3"><v>10000.50</v></c>'
    assert _cell("C3", MONEY, -5) == '<c r="C3" s="3"><v>-0.05</v></c>'
    assert _cell("C3", MONEY, "12345") == '<c r="C3" s="3"><v>123.45</v></c>'


def test_a_date_is_the_spreadsheets_day_number():
    # Day 1 is 1900-01-01 counted from 1899-12-30: 2026-01-01 is 46,023 (2025-01-01 = 45,658,
    # + 365); 2026-11-25 is 328 days later (304 to 1 Nov, + 24): 46,351.
    assert _cell("D4", DAY, date(2026, 1, 1)) == '<c r="D4" s="2"><v>46023</v></c>'
    assert _cell("D4", DAY, date(2026, 11, 25)) == '<c r="D4" s="2"><v>46351</v></c>'
    assert _cell("D4", DAY, datetime(2026, 11, 25, 23, 59)) == '<c r="D4" s="2"><v>46351</v></c>'
    # Text in a date column (an unknown date) stays text; a date in a text column stays text too.
    assert _cell("D4", DAY, "待定") == text_cell("D4", "待定")
    assert _cell("D4", TEXT, date(2026, 11, 25)) == text_cell("D4", "2026-11-25")


def test_a_whole_number_and_nothing():
    assert _cell("E5", INT, 7) == '<c r="E5"><v>7</v></c>'
    assert _cell("E5", INT, "7") == '<c r="E5"><v>7</v></c>'
    for column in (TEXT, MONEY, DAY, INT):
        assert _cell("F6", column, None) == "" and _cell("F6", column, "") == ""
    assert _cell("F6", TEXT, "XXXX") == text_cell("F6", "XXXX")
