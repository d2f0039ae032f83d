"""CSV that Excel and WPS open with Chinese intact: UTF-8 with a byte-order mark, CRLF lines.
Streamed in chunks of about 64 KiB (one write per row would cost a syscall per row).

This module is the app's one CSV writer: the lists go through ``iter_csv``; every other CSV (the
双随机 draw, the evidence pack's manifest) takes ``writer()`` from here instead of the standard
library's, so every text cell passes the formula guard."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .columns import Column

BOM = "\ufeff"
CHUNK = 64 * 1024
#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection"): = + - @, and a tab
#: or carriage return in front of one. Excel and WPS also skip leading spaces (ASCII and the
#: full-width 　 a Chinese keyboard types) before deciding, so those are looked through.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SPACES = " \u3000"
#: A cell starting with none of these is no formula: the guard need not look further.
_LOOKED_AT = frozenset((*FORMULA_STARTS, *_SPACES))


def guard_text(text: str) -> str:
    """User text made safe for a CSV cell: a would-be formula is prefixed with an apostrophe,
    which spreadsheets show as text and do not evaluate."""
    if text.lstrip(_SPACES)[:1] in FORMULA_STARTS:
        return "'" + text
    return text


class GuardedWriter:
    """The standard library's writer (its ``excel`` dialect: CRLF lines) with every text cell
    passed through ``guard_text``; numbers and ``None`` as the standard writer writes them."""

    def __init__(self, buffer):
        self._writer = csv.writer(buffer)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([guard_text(v) if isinstance(v, str) else v for v in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def writer(buffer) -> GuardedWriter:
    """Drop-in for ``csv.writer`` (``from enforcement.exports import csv``): same rows, guarded."""
    return GuardedWriter(buffer)


def _yuan(fen) -> str:
    fen = int(fen)
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _cell_writer(column: Column) -> Callable[[dict], Any]:
    """The function giving this column's cell from a row, chosen once per export by the
    column's kind. Numbers and labels (the app's own words, never user text) go to the csv
    module as they are: it writes None as an empty cell and any other value as ``str`` would.
    A text cell is decided on its first character (``_LOOKED_AT``), and only a cell that could
    be a formula goes through ``guard_text``: that check, not choosing the kind once, took the
    export from 0.79x to 0.85x of the csv module's speed (benchmarks/analysis.md)."""
    value = column.value
    if column.kind in ("int", "label"):
        return value
    if column.kind == "text":

        def text(row: dict) -> str:
            v = value(row)
            if v is None:
                return ""
            t = v if type(v) is str else str(v)
            return guard_text(t) if t[:1] in _LOOKED_AT else t

        return text
    if column.kind == "money":
        return lambda row: "" if (v := value(row)) is None else _yuan(v)
    if column.kind == "date":
        return lambda row: "" if (v := value(row)) is None else v.isoformat()
    return lambda row: "" if (v := value(row)) is None else str(v)


def iter_csv(columns: list[Column], rows: Iterable[dict]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the excel dialect: CRLF lines
    buffer.write(BOM)
    writer.writerow([c.header for c in columns])
    cells = [_cell_writer(c) for c in columns]
    for row in rows:
        writer.writerow([cell(row) for cell in cells])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode()  # UTF-8
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()  # UTF-8
