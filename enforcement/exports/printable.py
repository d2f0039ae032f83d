"""The printable list (A4, see static/css/lists.css): the context its template needs, built
from the same rows or report as every other format."""

from __future__ import annotations

from itertools import groupby


def group_by_inspector(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    # Grouped by the officer and headed with his name, not his username.
    def who(r):
        return r.get("assignee_name") or r.get("assignee") or ""

    ordered = sorted(rows, key=lambda r: (who(r), r.get("due_on") or ""))
    return [(name, list(items)) for name, items in groupby(ordered, key=who)]
