"""Request shapes (issue 22): the schema the API checks and the reader the services use are one
declaration, so a bound moved in one moves in the other, and a page and the API refuse alike."""
from __future__ import annotations

import pytest

from enforcement.errors import ValidationError
from enforcement.services.core import bodies
from enforcement.services.oversight import bodies as oversight_bodies
from enforcement.web import openapi

SHAPES = {**bodies.BODIES, **oversight_bodies.BODIES}


def _schema_fields(name: str, data: dict) -> dict:
    try:
        openapi.validate(name, data)
    except ValidationError as exc:
        return exc.fields
    return {}


def _edges():
    """(shape name, field, value, refused?) at each bound the declarations give."""
    for name, shape in SHAPES.items():
        for field, spec in shape.fields.items():
            if not spec.read:
                continue
            if spec.kind in ("int", "float"):
                if spec.maximum is not None:
                    yield name, field, spec.maximum, False
                    yield name, field, spec.maximum + 1, True
                if spec.minimum is not None:
                    yield name, field, spec.minimum, False
                    yield name, field, spec.minimum - 1, True
            elif spec.kind == "text":
                yield name, field, "字" * spec.max_length, False
                yield name, field, "字" * (spec.max_length + 1), True
            elif spec.kind == "enum":
                yield name, field, spec.choices[0], False
                yield name, field, "no-such-" + field, True
            elif spec.kind == "date":
                yield name, field, "2026-11-20", False
                yield name, field, "2026-02-30", True
            elif spec.kind == "uuid":
                yield name, field, "3f2c8a9e-1b7d-4c55-9a0e-6d1f2e3b4c5d", False
                yield name, field, "not-a-uuid", True
            elif spec.kind == "datetime":
                yield name, field, "2026-11-20T10:00:00+08:00", False
                yield name, field, "2026-11-20 soon", True


EDGES = list(_edges())


def test_every_read_kind_has_edges():
    kinds = {SHAPES[n].fields[f].kind for n, f, _, _ in EDGES}
    assert kinds == {"int", "float", "text", "enum", "date", "uuid", "datetime"}
    assert len(EDGES) > 100


@pytest.mark.parametrize("name,field,value,refused", EDGES,
                         ids=[f"{n}.{f}={'bad' if r else 'ok'}" for n, f, _, r in EDGES])
def test_the_api_and_the_reader_refuse_alike(name, field, value, refused):
    body = {**(SHAPES[name].example or {}), field: value}
    assert (field in _schema_fields(name, body)) is refused
    assert (field in SHAPES[name].read(body).problems) is refused


def test_the_published_document_is_generated_from_the_shapes():
    components = openapi.document()["components"]["schemas"]
    for name, shape in SHAPES.items():
        assert components[name] == shape.schema()
        assert components[name]["additionalProperties"] is False


def test_a_form_value_reads_typed_as_the_api_value():
    from datetime import date, datetime
    visit = bodies.VISIT.read({"client_uuid": "3F2C8A9E-1B7D-4C55-9A0E-6D1F2E3B4C5D",
                               "enterprise_id": "12", "visited_at": "2026-11-20T10:00:00+08:00",
                               "lat": "39.96", "lon": "116.83", "purpose": "routine",
                               "unannounced": "y"})
    assert visit.problems == {}
    assert visit["client_uuid"] == "3f2c8a9e-1b7d-4c55-9a0e-6d1f2e3b4c5d"
    assert visit["enterprise_id"] == 12 and visit["lat"] == 39.96 and visit["unannounced"] is True
    assert isinstance(visit["visited_at"], datetime) and visit["findings"] == ""
    task = oversight_bodies.TASK_CREATE.read({"title": " 清理 ", "host_unit_id": 3,
                                              "deadline": date(2027, 3, 31)})
    assert task.problems == {} and task["title"] == "清理" and task["assigned_on"] is None


def test_problems_are_named_at_once_in_the_parsers_words():
    read = bodies.COMPLAINT.read({"channel": "fax", "text": " ", "lat": 91, "enterprise_id": 0})
    assert read.problems == {
        "channel": "one of " + ", ".join(bodies.COMPLAINT.fields["channel"].choices),
        "category": "one of " + ", ".join(bodies.COMPLAINT.fields["category"].choices),
        "text": "required",
        "lat": "between -90 and 90",
        "enterprise_id": "at least 1",
    }
    assert read["lat"] is None and read["text"] is None


def test_a_service_message_replaces_the_parsers_where_it_always_said_otherwise():
    read = bodies.CASE_OPEN.read({"enterprise_id": "twelve", "action": "rectify",
                                  "served_on": "2026-11-20", "visit_id": -1})
    assert read.problems == {"enterprise_id": "no such enterprise", "visit_id": "no such visit"}


def test_check_raises_the_parsers_own_refusal():
    read = bodies.CASE_EVENT.read({"type": "report_rectified", "on": "2026-13-01",
                                   "client_uuid": "x"})
    with pytest.raises(ValidationError) as exc:
        read.check("client_uuid")
    assert exc.value.fields == {"client_uuid": "expected a UUID"}
    assert str(exc.value.message) == "client_uuid is not a UUID."
    read.check("recorded_at")  # not sent: nothing to refuse


def test_an_edit_reads_only_what_it_sends():
    read = bodies.ENTERPRISE_PATCH.read({"risk_class": "A"})
    assert read.values == {"risk_class": "A"} and read.problems == {}
    create = bodies.ENTERPRISE_CREATE.read({"name": "厂", "lat": 39.9, "lon": 116.8})
    assert create["risk_class"] == "C" and create["industry"] == "other"
    assert create["status"] == "operating"


def test_an_input_is_not_read_twice():
    read = bodies.VISIT.read({"client_uuid": "nope"})
    assert bodies.VISIT.input(read) is read
