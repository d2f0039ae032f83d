"""The public disclosure list (公开曝光): decided fines once published (or once their publish_by
day has come) and close/stop orders once served; public fields only. The query lives with the
other lists (services.lists, list ``disclosure``) so the page, the API and every export agree."""

from __future__ import annotations

from datetime import date

from enforcement.errors import ValidationError
from enforcement.services.lists import lists

PUBLIC_ACTIONS = ("close", "stop", "fine")


def page(
    as_of: date, *, action: str = "", cursor: str | None = None, limit: int = lists.DEFAULT_LIMIT
) -> tuple[lists.Filters, dict]:
    if action and action not in PUBLIC_ACTIONS:
        raise ValidationError("Unknown action.", {"action": f"one of {', '.join(PUBLIC_ACTIONS)}"})
    filters = lists.Filters(as_of=as_of, action=action)
    return filters, lists.page("disclosure", filters, limit=limit, cursor=cursor)


def rows(as_of: date, limit: int = 500) -> list[dict]:
    return page(as_of, limit=limit)[1]["items"]
