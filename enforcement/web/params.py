"""Query parameters: each kind is read by one parser here, and every route uses these.

- ``as_of()``: the day a read is for (``YYYY-MM-DD``; today when absent). The API refuses a
  malformed one (422 naming ``as_of``); the pages read it leniently (``lenient=True``: today).
- ``box()``: a map box ``bbox=minLon,minLat,maxLon,maxLat`` (the API's enterprises, the desk map).
- ``near()``: a point ``near=lat,lon``.
- ``cursor(keys)`` / ``encode_cursor()``: the API's opaque paging position.
- ``arg_int``, ``arg_float``, ``arg_bool``, ``limit``: numbers and flags; a parameter given empty is
  refused rather than read as absent.

Each raises ValidationError naming the parameter, which the API answers as
``{"error": {"code", "message", "fields"}}`` with 422. Record ids in bodies and forms are read by
``services.core.parsing.parse_ids``; bodies are checked against the OpenAPI schemas (``api.body``).
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date

from flask import request

from ..errors import ValidationError
from ..services.core.parsing import (
    parse_bool,
    parse_box,
    parse_date,
    parse_float,
    parse_int,
    parse_near,
)
from .context import today

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)


def present_but_empty(name: str) -> None:
    if request.args.get(name) == "":
        raise ValidationError(
            f"{name} is empty.", {name: "give a value or leave the parameter out"}
        )


def as_of(*, lenient: bool = False) -> date:
    raw = request.args.get("as_of")
    if lenient:
        try:
            return parse_date(raw, "as_of", required=False) or today()
        except Exception:
            return today()
    # Python also reads "20261125" and "2026-W48-3" as dates; the contract says YYYY-MM-DD.
    if raw is not None and not ISO_DATE.match(raw):
        raise ValidationError("as_of is not a date.", {"as_of": "expected YYYY-MM-DD"})
    return parse_date(raw, "as_of", required=False) or today()


def box(name: str = "bbox", *, required: bool = False) -> tuple[float, float, float, float] | None:
    raw = request.args.get(name)
    if raw in (None, "") and not required:
        return None
    return parse_box(raw, name)


def near(name: str = "near") -> tuple[float, float] | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    return parse_near(raw, name)


def arg_int(
    name: str, *, default: int | None = None, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    present_but_empty(name)
    value = parse_int(
        request.args.get(name), name, required=False, minimum=minimum, maximum=maximum
    )
    return default if value is None else value


def arg_float(
    name: str, *, minimum: float | None = None, maximum: float | None = None
) -> float | None:
    present_but_empty(name)
    return parse_float(
        request.args.get(name), name, required=False, minimum=minimum, maximum=maximum
    )


def arg_bool(name: str) -> bool:
    present_but_empty(name)
    return parse_bool(request.args.get(name), name)


def limit(maximum: int = 1000) -> int:
    value = arg_int("limit", default=100, minimum=1, maximum=maximum)
    assert value is not None  # the default
    return value


def encode_cursor(position: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode()


def cursor(keys: tuple[str, ...]) -> dict | None:
    """The position a client's opaque cursor stands for; 422 naming ``cursor`` if it is not one
    of ours."""
    raw = request.args.get("cursor")
    if not raw:
        return None
    try:
        position = json.loads(base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)))
    except (ValueError, UnicodeError):
        position = None
    if (
        not isinstance(position, dict)
        or set(position) != set(keys)
        or not all(
            isinstance(position[k], int)
            and not isinstance(position[k], bool)
            and 0 <= position[k] < 2**53
            for k in keys
        )
    ):
        raise ValidationError("The cursor is not valid.", {"cursor": "not a cursor from this API"})
    return position
