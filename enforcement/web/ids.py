"""One converter for record ids, in page routes and query parameters alike: bounded to the
database's integer range (PostgreSQL ``integer``), so an id that cannot exist is a 404 and a
malformed one a 422, never a database error."""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.routing import IntegerConverter

from ..errors import NotFound, ValidationError

#: The largest id a row can have (``integer`` columns; SQLite would take more, PostgreSQL not).
MAX_ID = 2**31 - 1


class BoundedIdConverter(IntegerConverter):
    """``<int:...>`` in every route: digits up to MAX_ID, else 404 (raised here rather than
    "no match", which werkzeug would answer 405 for a method another rule of the path has)."""

    def to_python(self, value: str):
        if len(value) > 10 or int(value) > MAX_ID:
            raise HTTPNotFound()
        return super().to_python(value)


def parse_id(raw, name: str) -> int | None:
    """An id given as text (query parameter or form field): None when absent, 422 when not a
    whole number, 404 when beyond any row's id."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        text = str(raw).strip()
        if not text.isascii() or not text.isdigit():
            raise ValidationError(f"{name} is not a record number.", {name: "expected a number"})
        if len(text) > 10:
            raise NotFound(f"No record {text[:20]}.")
        value = int(text)
    if not 0 < value <= MAX_ID:
        raise NotFound(f"No record {value}.")
    return value


def arg_id(name: str) -> int | None:
    return parse_id(request.args.get(name), name)


def safe_id(raw) -> int | None:
    """An id for a lookup that simply finds nothing when the text is not one (optional links
    such as ``?followup=``): None instead of an error."""
    try:
        return parse_id(raw, "id")
    except (ValidationError, NotFound):
        return None


def page_number(name: str = "page") -> int:
    """A page number from the query: 1 when absent or not a number; 404 past any page that can
    exist (the same bound as an id)."""
    raw = (request.args.get(name) or "1").strip()
    if not raw.isascii() or not raw.isdigit():
        return 1
    return max(1, parse_id(raw, name) or 1)
