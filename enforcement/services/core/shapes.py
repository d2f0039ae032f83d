"""Request shapes declared once (issue 22): each body a ``Shape`` of ``Field`` specs, from which
the JSON Schema published in the OpenAPI document is generated (``Shape.schema``; the API checks
bodies against it) and the service's typed input is read (``Shape.read``). A page form's data and
a kept submission replayed by a reviewer are read by the same ``read``, so the API, a page and a
replay refuse a value alike, with the parsers' words of ``parsing.py``.

What a shape does not say stays where it belongs: lookups (a firm, a visit, inspectors by name)
and domain rules (dates in order, a legal limit, the engine's state machine) in the service or
the engine. A field the service resolves itself, or passes to the engine as it came, is declared
``read=False``: the schema still publishes and checks it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from enforcement.errors import ValidationError
from enforcement.services.core.parsing import (
    parse_bool,
    parse_date,
    parse_datetime,
    parse_float,
    parse_int,
    parse_uuid,
    text,
)

#: Database integers are 32-bit: a bigger id or amount is refused at the door, not by the driver.
INT32 = 2**31 - 1

# ------------------------------------------------------------------ JSON Schema pieces

STR = {"type": "string"}
INT = {"type": "integer", "minimum": -INT32, "maximum": INT32}
BOOL = {"type": "boolean"}
NUM = {"type": "number"}
DATE = {"type": "string", "format": "date", "example": "2026-11-20"}
DATETIME = {"type": "string", "format": "date-time", "example": "2026-11-20T10:00:00+08:00"}
UUID = {"type": "string", "format": "uuid", "example": "3f2c8a9e-1b7d-4c55-9a0e-6d1f2e3b4c5d"}
LAT = {"type": "number", "minimum": -90, "maximum": 90}
LON = {"type": "number", "minimum": -180, "maximum": 180}
ID = {"type": "integer", "minimum": 1, "maximum": INT32}


def nullable(schema: dict) -> dict:
    out = dict(schema)
    kind = out.get("type")
    if kind:
        out["type"] = [kind, "null"] if isinstance(kind, str) else [*kind, "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def text_schema(max_length: int, **extra) -> dict:
    return {"type": "string", "maxLength": max_length, **extra}


def obj(properties: dict, required: tuple = (), *, closed: bool = False, **extra) -> dict:
    schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


# ------------------------------------------------------------------ fields


@dataclass(frozen=True)
class Field:
    """One body field: its kind and bounds (both the schema and the reader use them).

    ``required`` is what the reader demands (the schema's ``required`` list is the shape's);
    ``invalid`` replaces the parser's words when the service has always said something else
    (``"no such enterprise"`` for an id that cannot be one); ``default`` is what an empty value
    reads as; ``schema`` is the whole published schema of a field the reader does not read."""

    kind: str  # text, int, float, bool, date, datetime, uuid, enum, raw
    max_length: int = 2000
    min_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple = ()
    nullable: bool = False
    required: bool = False
    default: Any = None
    invalid: str | None = None
    read: bool = True
    schema: dict | None = None
    extra: dict = field(default_factory=dict)

    def json_schema(self) -> dict:
        if self.schema is not None:
            out = dict(self.schema)
        elif self.kind == "text":
            out = text_schema(self.max_length)
            if self.min_length is not None:
                out["minLength"] = self.min_length
        elif self.kind in ("int", "float"):
            out = {"type": "integer" if self.kind == "int" else "number"}
            if self.minimum is not None:
                out["minimum"] = self.minimum
            if self.maximum is not None:
                out["maximum"] = self.maximum
        elif self.kind == "enum":
            out = {"type": "string", "enum": list(self.choices)}
        else:
            out = dict({"bool": BOOL, "date": DATE, "datetime": DATETIME, "uuid": UUID}[self.kind])
        out.update(self.extra)
        return nullable(out) if self.nullable else out

    def parse(self, name: str, value: Any) -> Any:
        """The typed value, or ValidationError naming ``name`` (the parsers' own words)."""
        kind = self.kind
        if kind == "text":
            return text(value, name, required=self.required, max_length=self.max_length)
        if kind == "int":
            return parse_int(
                value,
                name,
                required=self.required,
                minimum=None if self.minimum is None else int(self.minimum),
                maximum=None if self.maximum is None else int(self.maximum),
            )
        if kind == "float":
            return parse_float(
                value, name, required=self.required, minimum=self.minimum, maximum=self.maximum
            )
        if kind == "bool":
            return parse_bool(value, name, default=bool(self.default))
        if kind == "date":
            return parse_date(value, name, required=self.required)
        if kind == "datetime":
            if value in (None, "") and not self.required:
                return self.default
            return parse_datetime(value, name)
        if kind == "uuid":
            return parse_uuid(value, name, required=self.required)
        if kind == "enum":
            value = value or self.default
            if value not in self.choices:
                raise ValidationError(
                    f"{name} is not allowed.", {name: "one of " + ", ".join(self.choices)}
                )
            return value
        return value


# Bounds every API body shares, as fields.
def id_field(**kw) -> Field:
    return Field("int", minimum=1, maximum=INT32, **kw)


def lat_field(**kw) -> Field:
    return Field("float", minimum=-90, maximum=90, **kw)


def lon_field(**kw) -> Field:
    return Field("float", minimum=-180, maximum=180, **kw)


def text_field(max_length: int, **kw) -> Field:
    return Field("text", max_length=max_length, **kw)


# ------------------------------------------------------------------ shapes


@dataclass
class Input:
    """A body read once: ``values`` typed (a bad field reads as None), ``problems`` the fields
    the shape refused (the service adds its own and answers them all at once), ``raw`` the body
    as sent (its hash is the idempotency check; a refused one is kept as it came)."""

    raw: dict
    values: dict[str, Any]
    problems: dict[str, str]
    refusals: dict[str, ValidationError] = field(default_factory=dict, repr=False)

    def check(self, name: str) -> None:
        """Raise the parser's own refusal of ``name`` now (a field the service has always
        refused first, before any lookup)."""
        if name in self.refusals:
            raise self.refusals[name]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass(frozen=True)
class Shape:
    """A request body: its fields, what the API requires, and an example for the document."""

    fields: dict[str, Field]
    required: tuple[str, ...] = ()
    example: dict | None = None
    #: An edit: only the fields sent are read.
    partial: bool = False

    def schema(self) -> dict:
        extra = {"example": self.example} if self.example is not None else {}
        return obj(
            {k: f.json_schema() for k, f in self.fields.items()},
            self.required,
            closed=True,
            **extra,
        )

    def read(self, data: dict) -> Input:
        """The typed input: every read field parsed (an edit's: only those sent). Never
        raises: a refused field is in ``problems`` and reads as None."""
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        refusals: dict[str, ValidationError] = {}
        for name, spec in self.fields.items():
            if not spec.read or (self.partial and name not in data):
                continue
            try:
                values[name] = spec.parse(name, data.get(name))
            except ValidationError as exc:
                values[name] = None
                refusals[name] = exc
                problems.update({name: spec.invalid} if spec.invalid else exc.fields)
        return Input(data, values, problems, refusals)

    def input(self, data: dict | Input) -> Input:
        """``data`` read, unless it already is an input (the API read it on the way in)."""
        return data if isinstance(data, Input) else self.read(data)
