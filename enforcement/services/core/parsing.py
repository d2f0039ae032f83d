"""Small parsers for use-case input: each raises ValidationError naming the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, overload
from uuid import UUID

from enforcement.errors import ValidationError
from enforcement.geo.distance import CoordinateError, parse_bbox, parse_latlon


# A required value is never None (a missing one raises): the overloads tell the type checker so.
@overload
def parse_date(value: Any, field: str, *, required: Literal[True] = ...) -> date: ...
@overload
def parse_date(value: Any, field: str, *, required: bool) -> date | None: ...
def parse_date(value: Any, field: str, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationError(f"{field} is required.", {field: "required (YYYY-MM-DD)"})
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{field} is not a date.", {field: "expected YYYY-MM-DD"}) from None


def parse_datetime(value, field: str) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except (TypeError, ValueError):
            raise ValidationError(
                f"{field} is not a time.", {field: "expected ISO 8601 with offset"}
            ) from None
    if parsed.tzinfo is None:
        raise ValidationError(
            f"{field} needs a time zone offset.",
            {field: "expected ISO 8601 with offset, e.g. +08:00"},
        )
    return parsed


@overload
def parse_uuid(value: Any, field: str = ..., *, required: Literal[True] = ...) -> str: ...
@overload
def parse_uuid(value: Any, field: str = ..., *, required: bool) -> str | None: ...
def parse_uuid(value: Any, field: str = "client_uuid", *, required: bool = True) -> str | None:
    if value in (None, ""):
        if required:
            raise ValidationError(f"{field} is required.", {field: "required (a UUID)"})
        return None
    try:
        return str(UUID(str(value)))
    except (ValueError, AttributeError, TypeError):
        raise ValidationError(f"{field} is not a UUID.", {field: "expected a UUID"}) from None


@overload
def parse_int(
    value: Any,
    field: str,
    *,
    required: Literal[True] = ...,
    minimum: int | None = ...,
    maximum: int | None = ...,
) -> int: ...
@overload
def parse_int(
    value: Any, field: str, *, required: bool, minimum: int | None = ..., maximum: int | None = ...
) -> int | None: ...
def parse_int(
    value: Any,
    field: str,
    *,
    required: bool = True,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    if value in (None, ""):
        if required:
            raise ValidationError(f"{field} is required.", {field: "required"})
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValidationError(f"{field} must be a whole number.", {field: "expected an integer"})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            f"{field} must be a whole number.", {field: "expected an integer"}
        ) from None
    if minimum is not None and number < minimum:
        raise ValidationError(f"{field} is too small.", {field: f"at least {minimum}"})
    if maximum is not None and number > maximum:
        raise ValidationError(f"{field} is too large.", {field: f"at most {maximum}"})
    return number


@overload
def parse_float(
    value: Any,
    field: str,
    *,
    required: Literal[True] = ...,
    minimum: float | None = ...,
    maximum: float | None = ...,
) -> float: ...
@overload
def parse_float(
    value: Any,
    field: str,
    *,
    required: bool,
    minimum: float | None = ...,
    maximum: float | None = ...,
) -> float | None: ...
def parse_float(
    value: Any,
    field: str,
    *,
    required: bool = True,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float | None:
    if value in (None, ""):
        if required:
            raise ValidationError(f"{field} is required.", {field: "required"})
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{field} must be a number.", {field: "expected a number"}) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError(f"{field} must be a finite number.", {field: "expected a number"})
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValidationError(
            f"{field} is out of range.", {field: f"between {minimum} and {maximum}"}
        )
    return number


def parse_bool(value, field: str, *, default: bool = False) -> bool:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on", "y"):
        return True
    if text in ("0", "false", "no", "off", "n"):
        return False
    raise ValidationError(f"{field} must be true or false.", {field: "expected true or false"})


def text(value, field: str, *, required: bool = False, max_length: int = 2000) -> str:
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise ValidationError(f"{field} is required.", {field: "required"})
    if len(value) > max_length:
        raise ValidationError(f"{field} is too long.", {field: f"at most {max_length} characters"})
    return value


def collecting(fields: dict[str, str]):
    """A ``check(fn)`` that runs one parser and files its error under ``fields`` instead of
    raising, so that a form or request is answered with every bad field at once."""

    def check(fn):
        try:
            return fn()
        except ValidationError as exc:
            fields.update(exc.fields)
            return None

    return check


def parse_box(value: Any, field: str = "bbox") -> tuple[float, float, float, float]:
    """A map box ``minLon,minLat,maxLon,maxLat`` (WGS84): the API's ``bbox=`` and the desk map's.
    Raises ValidationError naming the field (and what is wrong with it)."""
    try:
        return parse_bbox("" if value is None else value, field)
    except CoordinateError as exc:
        raise ValidationError(str(exc), {exc.field or field: str(exc)}) from None


def parse_near(value: Any, field: str = "near") -> tuple[float, float]:
    """A point ``lat,lon`` (latitude first, as people write it): the API's ``near=``."""
    try:
        return parse_latlon("" if value is None else value, field)
    except CoordinateError as exc:
        raise ValidationError(str(exc), {exc.field or field: str(exc)}) from None


def parse_ids(value: Any, field: str, fields: dict[str, str]) -> list[int]:
    """A list of record ids: a JSON array, a form's repeated field, or "1,2，3" (full-width commas
    too). Each must be a positive 32-bit integer; a bad one is named in ``fields`` and left out."""
    if value in (None, ""):
        return []
    if isinstance(value, (str, int)):
        value = [v for v in str(value).replace("，", ",").split(",") if v.strip()]
    out = []
    for v in value:
        try:
            out.append(parse_int(v, field, minimum=1, maximum=2**31 - 1))
        except ValidationError as exc:
            fields.update(exc.fields)
    return out
