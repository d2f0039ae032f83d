"""The printable list (A4, see static/css/lists.css): the context its template needs, built
from the same rows or report as every other format."""
from __future__ import annotations

from itertools import groupby


def group_by_inspector(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    ordered = sorted(rows, key=lambda r: (r.get("assignee") or "", r.get("due_on") or ""))
    return [(who, list(items)) for who, items in groupby(ordered, key=lambda r: r.get("assignee") or "")]
