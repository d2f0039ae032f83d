"""What each CSV cell looks like, counted by hand: money in yuan with two decimals (a minus only
below zero), dates in ISO 8601, nothing for a missing value, the guard on text only (a negative
number is a number, not a formula), names that merely contain a guard character left alone, and
a long export streamed in 64 KiB chunks that join to the whole file. Written after the mutation
run (docs/mutation.md) showed which of these no test pinned."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcement.exports.columns import Column
from enforcement.exports.csv import BOM, CHUNK, guard_text, iter_csv


def _cells(columns, rows) -> list[list[str]]:
    text = b"".join(iter_csv(columns, rows)).decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))[1:]


@pytest.mark.parametrize("fen, shown", [
    (0, "0.00"), (5, "0.05"), (100, "1.00"), (199, "1.99"), (123_456, "1234.56"),
    (5_000_000, "50000.00"), (-1, "-0.01"), (-12_345, "-123.45"), (10_100, "101.00")])
def test_money_is_yuan_with_two_decimals(fen, shown):
    assert _cells([Column("m", "罚款（元）", "money")], [{"m": fen}]) == [[shown]]


def test_dates_are_iso_and_a_missing_value_is_an_empty_cell():
    columns = [Column("d", "日期", "date"), Column("t", "名称"), Column("m", "罚款", "money")]
    rows = [{"d": date(2026, 12, 31), "t": None, "m": None},
            {"d": "2027-01-04", "t": "甲厂", "m": 1},
            {"d": datetime(2026, 12, 31, 23, 59), "t": "", "m": 0}]
    assert _cells(columns, rows) == [["2026-12-31", "", ""], ["2027-01-04", "甲厂", "0.01"],
                                     ["2026-12-31T23:59:00", "", "0.00"]]


def test_only_text_is_guarded_numbers_and_labels_are_written_as_they_are():
    columns = [Column("n", "编号", "int"), Column("l", "状态", "label", show=lambda r: r["l"]),
               Column("t", "企业名称")]
    assert _cells(columns, [{"n": -5, "l": "-", "t": "-5"}]) == [["-5", "-", "'-5"]]


@pytest.mark.parametrize("name", ["X-1 车间", "XX=1", "A+B 建材", "甲@乙", "三河市 =化工", "\u3000甲厂",
                                  " 甲厂"])
def test_a_guard_character_after_the_start_leaves_the_name_alone(name):
    assert guard_text(name) == name


def test_a_long_export_is_streamed_in_chunks_that_join_to_the_whole_file():
    columns = [Column("t", "企业名称")]
    # The BOM (1 character) and the header line "企业名称\r\n" (6) make 7; one row of 65,527
    # letters and its CRLF brings the buffer to exactly 65,536 = CHUNK, which must be sent then.
    first = "a" * (CHUNK - 7 - 2)
    rows = [{"t": first}, {"t": "=HYPERLINK(\"http://x\")"}, {"t": "乙厂"}]
    rest = "\"'=HYPERLINK(\"\"http://x\"\")\"\r\n" + "乙厂\r\n"
    chunks = [c.decode("utf-8") for c in iter_csv(columns, rows)]
    assert chunks == [BOM + "企业名称\r\n" + first + "\r\n", rest]


@pytest.mark.parametrize("name", ["\t甲厂", "\r甲厂", " \t甲厂", "\u3000\r甲厂"])
def test_a_tab_or_carriage_return_in_front_is_guarded_even_before_plain_text(name):
    # OWASP lists tab and carriage return as formula starts by themselves; only spaces (ASCII
    # and full-width) are looked through.
    assert guard_text(name) == "'" + name


@given(st.one_of(st.none(), st.integers(), st.text(
    alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", " ", "\u3000", "甲", "a", "1"]),
    max_size=6)))
def test_a_text_cell_is_exactly_the_guarded_text_whatever_its_first_characters(value):
    # The writer decides most cells on their first character; the guard itself decides the rest.
    expected = "" if value is None else guard_text(str(value))
    text = b"".join(iter_csv([Column("t", "名称")], [{"t": value}])).decode("utf-8")
    row = next(csv.reader(io.StringIO(text[1:].split("\r\n", 1)[1]))) if expected else [""]
    assert row == [expected]
