"""XLSX in constant memory (XlsxWriter ``constant_memory``: each row goes to a temporary file
as it is written). A zip cannot be sent before it is closed, so the finished file is then
streamed from disk in chunks; memory stays flat whatever the row count.

Chinese headers, a frozen header row, column widths, dates as real dates and money as yuan
with two decimals (number format ``#,##0.00``; the fen integer divided by 100 at the edge)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator

import xlsxwriter

from .columns import Column

CHUNK = 256 * 1024


def write_xlsx(
    path: str, columns: list[Column], rows: Iterable[dict], *, title: str = "", sheet: str = "清单"
) -> int:
    """Write the workbook to ``path``; returns the number of data rows."""
    book = xlsxwriter.Workbook(
        path, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        if title:
            book.set_properties({"title": title})
        ws = book.add_worksheet(sheet[:31])
        head = book.add_format(
            {
                "bold": True,
                "bg_color": "#E8F0EE",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
            }
        )
        formats = {
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "money": book.add_format({"num_format": "#,##0.00"}),
        }
        for i, c in enumerate(columns):
            ws.set_column(i, i, c.width)
        ws.freeze_panes(1, 0)
        for i, c in enumerate(columns):
            ws.write_string(0, i, c.header, head)
        n = 0
        for n, row in enumerate(rows, start=1):
            for i, c in enumerate(columns):
                value = c.value(row)
                if value is None or value == "":
                    continue
                if c.kind == "money":
                    ws.write_number(n, i, int(value) / 100, formats["money"])
                elif c.kind == "date":
                    ws.write_datetime(n, i, value, formats["date"])
                elif c.kind == "int":
                    ws.write_number(n, i, int(value))
                else:
                    ws.write_string(n, i, str(value))
        if n:
            ws.autofilter(0, 0, n, len(columns) - 1)
        return n
    finally:
        book.close()


def iter_xlsx(
    columns: list[Column], rows: Iterable[dict], *, title: str = "", sheet: str = "清单"
) -> Iterator[bytes]:
    """The download: written as it is sent (xlsx_stream), so its first bytes leave at once and
    a long export never waits on a worker timeout before answering."""
    from .xlsx_stream import iter_xlsx_streaming

    return iter_xlsx_streaming(columns, rows, title=title, sheet=sheet)


def iter_xlsx_buffered(
    columns: list[Column], rows: Iterable[dict], *, title: str = "", sheet: str = "清单"
) -> Iterator[bytes]:
    """The finished XlsxWriter file from disk (nothing leaves before the last row is written)."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="list-")
    os.close(handle)
    try:
        write_xlsx(path, columns, rows, title=title, sheet=sheet)
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)
