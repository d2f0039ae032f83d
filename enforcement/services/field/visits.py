"""Visits: one inspection on site, recorded exactly once however often the phone replays it."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any, cast
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Integer, Table, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, make_transient_to_detached
from sqlalchemy.orm.util import identity_key
from sqlalchemy.orm.attributes import set_committed_value

from enforcement import workflow as wf
from enforcement.errors import Forbidden, IdempotencyMismatch, NotOnCase, ValidationError
from enforcement.extensions import db
from enforcement.geo import distance_m
from enforcement.models import Case, Enterprise, FollowUp, User, Visit
from enforcement.services.core.scope import township_allowed
from enforcement.models.visit import visit_inspector
from enforcement.services.registry.locations import pin_from_first_fix
from enforcement.services.core import audit, stamps
from enforcement.services.casework import cases
from enforcement.services.core.actor import Actor
from enforcement.services.calendar.calendars import load_calendar, township_code
from enforcement.services.core import bodies
from enforcement.services.core.shapes import Input

#: Fields that make up a visit submission (what a replay must repeat to be "the same").
SUBMITTED = (
    "client_uuid",
    "enterprise_id",
    "visited_at",
    "lat",
    "lon",
    "accuracy_m",
    "purpose",
    "unannounced",
    "inspectors",
    "findings",
    "followup_id",
    "approval_ref",
    "geofence_reason",
    "result",
)

# A quiet day (企业宁静日) stops routine inspections, not these: complaints must be answered,
# and close/stop verification must be able to happen unannounced any day (WORKFLOWS.md).
QUIET_DAY_EXEMPT_ACTIONS = ("close", "stop")


@dataclass
class VisitResult:
    visit: Visit
    created: bool
    opened: list[Case] = field(default_factory=list)


def payload_hash(data: dict) -> str:
    return hashlib.sha256(audit.canonical({k: data.get(k) for k in SUBMITTED})).hexdigest()


def _existing(client_uuid: str, digest: str) -> Visit | None:
    # With what the answer shows (its officers and photos) in the same query: a replay is
    # answered in one read, not three.
    visit = (
        db.session.scalars(
            select(Visit)
            .where(Visit.client_uuid == client_uuid)
            .options(joinedload(Visit.inspectors), joinedload(Visit.photos))
        )
        .unique()
        .first()
    )
    if visit is not None and visit.payload_hash != digest:
        raise IdempotencyMismatch(
            "This client_uuid was already used for a different visit.",
            {"client_uuid": "already used with other content"},
        )
    return visit


def record_visit(
    actor: Actor, data: dict | Input, *, now: datetime, calendar: wf.Calendar | None = None
) -> VisitResult:
    """Record a visit once. The idempotency key is settled by the insert itself
    (``ON CONFLICT DO NOTHING RETURNING``): a new visit costs no lookup; a replay finds its
    record when the insert yields nothing, or when its content no longer passes the checks (an
    inspector deactivated since, say): the phone is answered with what was recorded.

    ``data``: the body read by its shape (``bodies.VISIT``: the API reads it on the way in), or
    the body as a dict (a page, a replay), read here."""
    visit_input = bodies.VISIT.input(data)
    visit_input.check("client_uuid")
    client_uuid = visit_input["client_uuid"]
    digest = payload_hash(visit_input.raw)
    try:
        return _record(actor, visit_input, client_uuid, digest, now=now, calendar=calendar)
    except (ValidationError, Forbidden):
        found = _existing(client_uuid, digest)
        if found is not None:
            return VisitResult(found, created=False)
        raise


@functools.cache
def _statements(dialect: str) -> tuple[Any, Any]:
    """The visit's ``INSERT … ON CONFLICT (client_uuid) DO NOTHING RETURNING`` (both dialects'
    form, the same statement shape) and the inspector links' insert, built once: the values
    go as parameters, so a visit post does not build and coerce a statement of 18 literal
    values each time (a tenth of the post's Python time, profiled).

    On PostgreSQL the links are written by the same statement (a data-modifying WITH, which
    inserts them for the row the visit's insert returned, and none when it returned none):
    one round trip fewer for every new visit. SQLite has no INSERT inside WITH."""
    table = cast(Table, Visit.__table__)
    if dialect != "postgresql":
        return (
            sqlite_insert(table)
            .on_conflict_do_nothing(index_elements=["client_uuid"])
            .returning(*table.columns),
            insert(visit_inspector),
        )
    new_visit = (
        postgresql_insert(table)
        .values({c.key: bindparam(c.key, type_=c.type) for c in table.columns if c.key != "id"})
        .on_conflict_do_nothing(index_elements=["client_uuid"])
        .returning(*table.columns)
        .cte("new_visit")
    )
    ids = func.unnest(bindparam("inspector_ids", type_=postgresql.ARRAY(Integer)))
    links = insert(visit_inspector).from_select(
        ["visit_id", "user_id"], select(new_visit.c.id, ids)
    )
    return select(*new_visit.c).add_cte(links.cte("new_links")), None


def _insert_once(visit: Visit, inspectors: list[User]) -> bool:
    """Insert the visit unless its client UUID is stored: one statement on both databases,
    the unique index deciding (a concurrent replay loses there, not on a check-then-insert).
    The new row is then attached to the session as if loaded, with its inspectors."""
    table = cast(Table, Visit.__table__)
    values = {
        c.key: getattr(visit, c.key)
        for c in table.columns
        if c.key != "id" and c.key in visit.__dict__
    }
    # Core statements on the session's connection: nothing in them is the ORM's to track.
    connection = db.session.connection()
    visit_insert, link_insert = _statements(connection.dialect.name)
    if link_insert is None:  # PostgreSQL: the links go with the visit
        values["inspector_ids"] = [u.id for u in inspectors]
    row = connection.execute(visit_insert, values).first()
    if row is None:
        return False
    for column, value in zip(table.columns, row):  # RETURNING lists the table's columns
        set_committed_value(visit, column.key, value)
    make_transient_to_detached(visit)
    db.session.add(visit)
    if inspectors and link_insert is not None:
        connection.execute(
            link_insert, [{"visit_id": visit.id, "user_id": u.id} for u in inspectors]
        )
    set_committed_value(visit, "inspectors", inspectors)
    # Known empty: answering must not read them back after the commit.
    set_committed_value(visit, "photos", [])
    return True


def _record(
    actor: Actor,
    visit_input: Input,
    client_uuid: str,
    digest: str,
    *,
    now: datetime,
    calendar: wf.Calendar | None,
) -> VisitResult:
    # The shape's problems first; the lookups and rules below add theirs, answered at once.
    fields: dict[str, str] = dict(visit_input.problems)
    data = visit_input.raw

    enterprise = None
    enterprise_id = visit_input["enterprise_id"]
    if enterprise_id is not None:
        enterprise = db.session.get(Enterprise, enterprise_id)
        if enterprise is None or not township_allowed(actor, enterprise.township_id):
            enterprise = None  # another branch's firm is not found either (issue 20)
            fields["enterprise_id"] = "no such enterprise"
    visited_at = visit_input["visited_at"]
    if visited_at is not None and visited_at > now.replace(microsecond=0) + _SLACK:
        fields["visited_at"] = "is in the future"
    lat, lon = visit_input["lat"], visit_input["lon"]
    if (lat is None) != (lon is None) and "lat" not in fields and "lon" not in fields:
        fields["lat" if lat is None else "lon"] = "give both lat and lon, or neither"
    accuracy = visit_input["accuracy_m"]
    purpose = visit_input["purpose"]
    unannounced = visit_input["unannounced"]
    findings = visit_input["findings"] or ""
    approval_ref = visit_input["approval_ref"] or ""
    geofence_reason = visit_input["geofence_reason"] or ""
    inspectors = _inspectors(actor, data.get("inspectors"), fields)
    followup = _followup(data.get("followup_id"), enterprise, fields)
    result = _result(data.get("result"), followup, fields)
    if fields:
        raise ValidationError("The visit could not be recorded.", fields)
    assert (
        enterprise is not None and visited_at is not None and isinstance(purpose, str)
    )  # else fields named them
    if actor.role == "inspector" and actor.id not in {u.id for u in inspectors}:
        raise Forbidden("Inspectors record their own visits only.")

    calendar = calendar or load_calendar()
    tz = ZoneInfo(current_app.config["BUREAU_TIMEZONE"])
    visit_day = visited_at.astimezone(tz).date()
    township = township_code(enterprise.township_id)
    if (
        calendar.is_quiet_day(visit_day, township)
        and not approval_ref
        and not _quiet_day_exempt(purpose, followup)
    ):
        raise ValidationError(
            "This is an enterprise quiet day: a routine visit needs an approval reference.",
            {"approval_ref": "required on a quiet day (宁静日)"},
        )

    distance = ok = None
    # A geofence needs a pin: an unpinned site is visited without one (and its first good fix
    # pins it, see registry.locations).
    if lat is not None and not pin_from_first_fix(actor, enterprise, lat, lon, accuracy, now=now):
        distance = round(distance_m(lat, lon, enterprise.lat, enterprise.lon), 1)
        ok = distance <= current_app.config["GEOFENCE_RADIUS_M"]

    # Completing the follow-up is posting an event on its case: the same rule decides. An
    # officer not on the case still records what he saw, but it completes nothing.
    completing = followup if followup is not None and cases.may_act(actor, followup.case) else None
    visit = Visit(
        client_uuid=client_uuid,
        payload_hash=digest,
        enterprise_id=enterprise.id,
        recorded_by_id=actor.id,
        visited_at=visited_at,
        received_at=now,
        lat=lat,
        lon=lon,
        accuracy_m=accuracy,
        distance_m=distance,
        geofence_ok=ok,
        geofence_reason=geofence_reason,
        purpose=purpose,
        unannounced=unannounced,
        findings=findings,
        followup_id=completing.id if completing is not None else None,
        approval_ref=approval_ref,
        outcome=audit.jsonable(result),
    )
    if not _insert_once(visit, inspectors):
        found = _existing(client_uuid, digest)
        if found is None:  # not ours after all: the conflict was on something else
            raise IntegrityError("visit insert", {}, Exception("no row inserted"))
        return VisitResult(found, created=False)

    opened: list[Case] = []
    if completing is not None:
        opened = _complete_followup(
            actor, completing, visit, visit_day, result, now=now, calendar=calendar
        )
    elif followup is not None:
        _keep_unauthorised_completion(actor, followup, visit, result, now=now)
    audit.record(
        actor,
        "visit.record",
        "visit",
        visit.id,
        now=now,
        after={
            "enterprise_id": enterprise.id,
            "visited_at": visited_at,
            "purpose": purpose,
            "inspectors": [u.username for u in inspectors],
            "distance_m": distance,
            "geofence_ok": ok,
            "followup_id": visit.followup_id,
            "result": visit.outcome,
        },
    )
    return VisitResult(visit, created=True, opened=opened)


# Phones' clocks drift; a visit a few minutes "in the future" is a clock, not a lie.
_SLACK = timedelta(minutes=10)


def _inspectors(actor: Actor, names, fields: dict) -> list[User]:
    if names is None:
        names = []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        fields["inspectors"] = "expected a list of usernames"
        return []
    wanted = {n.strip() for n in names if n.strip()}
    if actor.role == "inspector":
        wanted.add(actor.username)
    users = _users_named(wanted) if wanted else []
    unknown = wanted - {u.username for u in users}
    if unknown:
        fields["inspectors"] = "unknown: " + ", ".join(sorted(unknown))
    elif any(not u.is_active_account for u in users):
        fields["inspectors"] = "deactivated: " + ", ".join(
            sorted(u.username for u in users if not u.is_active_account)
        )
    elif len(users) < 2:
        # Inspections are carried out by at least two officers showing their credentials
        # (Administrative Penalty Law 2021, Art. 42 and 55).
        fields["inspectors"] = "at least two officers must be named"
    return sorted(users, key=lambda u: u.username)


#: What a worker keeps of an officer named on visits: who he is and whether his account is
#: active. Never the password hash, the second factor or anything else (those stay unloaded).
_KEPT = (
    "id",
    "username",
    "display_name",
    "role",
    "township_id",
    "unit_id",
    "branch_id",
    "is_active_account",
    "credential_no",
    "session_generation",
)


@functools.cache
def _named_statement():
    return select(User).where(User.username.in_(bindparam("names", expanding=True)))


def _users_named(wanted: set[str]) -> list[User]:
    """The accounts of these usernames. A worker keeps what it read in the ``auth`` cache
    (services.core.stamps), which any change to any user empties on every worker, so a
    deactivation counts at the next visit as it does for a token: a visit names the same two
    officers day after day, and reading them is one query fewer per post."""
    cache = stamps.cached("auth")
    kept = {}
    if cache is not None:
        for name in wanted:
            hit = cache.get(("officer", name))
            if hit is not None:
                kept[name] = hit
    users = [_attached(values) for values in kept.values()]
    missing = wanted - kept.keys()
    if missing:
        loaded = db.session.scalars(_named_statement(), {"names": sorted(missing)}).all()
        users.extend(loaded)
        if cache is not None:
            for user in loaded:
                cache[("officer", user.username)] = {k: getattr(user, k) for k in _KEPT}
    return users


def _attached(values: dict) -> User:
    """The session's own instance of a kept user: the one it already holds, or one made from
    the kept values as if loaded (its other columns load if anything reads them)."""
    present = db.session.identity_map.get(identity_key(User, values["id"]))
    if present is not None:
        return present
    user = User(**values)
    make_transient_to_detached(user)
    db.session.add(user)
    return user


def _followup(value, enterprise: Enterprise | None, fields: dict) -> FollowUp | None:
    if value in (None, ""):
        return None
    try:
        key = int(value)
        followup = db.session.get(FollowUp, key) if 0 < key < 2**31 else None
    except (TypeError, ValueError):
        followup = None
    if followup is None:
        fields["followup_id"] = "no such follow-up"
        return None
    if enterprise is not None and followup.case.enterprise_id != enterprise.id:
        fields["followup_id"] = "belongs to another enterprise"
    elif followup.done_on is not None:
        fields["followup_id"] = "already completed by another visit"
    return followup


def _result(value, followup: FollowUp | None, fields: dict) -> dict:
    """The visit's outcome: only the yes/no answers its follow-up asks (never an event type)."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        fields["result"] = "expected an object"
        return {}
    allowed = (
        wf.visit_outcome_fields(followup.case.action, followup.key, followup.purpose)
        if followup is not None
        else {}
    )
    for key in value:
        if key not in allowed:
            fields[f"result.{key}"] = (
                "not an answer of this follow-up (it asks: "
                + (", ".join(allowed) or "nothing")
                + ")"
            )
    for key, required in allowed.items():
        answer = value.get(key)
        if answer is None and not required:
            continue
        if not isinstance(answer, bool):
            fields[f"result.{key}"] = "true or false" if key in value else "required"
    return {k: v for k, v in value.items() if k in allowed and v is not None}


def _keep_unauthorised_completion(
    actor: Actor, followup: FollowUp, visit: Visit, result: dict, *, now: datetime
) -> None:
    """A visit claiming a follow-up of a case its officer is not on: kept for a reviewer, who
    may complete the follow-up with it (conflicts.accept) or discard the claim."""
    error = NotOnCase(
        "The visit was recorded, but only an officer on the case completes its follow-up."
    )
    cases.keep_rejected(
        actor,
        kind="followup",
        error=error,
        case_id=followup.case_id,
        payload={
            "visit_id": visit.id,
            "followup_id": followup.id,
            "client_uuid": visit.client_uuid,
            "result": result,
        },
        now=now,
    )


def complete_with(
    actor: Actor, visit: Visit, followup: FollowUp, result: dict, *, now: datetime
) -> list[Case]:
    """A reviewer completes a follow-up with a visit already recorded (an accepted claim)."""
    if followup.done_on is not None:
        raise ValidationError(
            "The follow-up was already completed.",
            {"followup_id": "already completed by another visit"},
        )
    fields: dict[str, str] = {}
    result = _result(result, followup, fields)
    if fields:
        raise ValidationError("The visit's answers do not fit this follow-up.", fields)
    tz = ZoneInfo(current_app.config["BUREAU_TIMEZONE"])
    opened = _complete_followup(
        actor,
        followup,
        visit,
        visit.visited_at.astimezone(tz).date(),
        result,
        now=now,
        calendar=load_calendar(),
    )
    visit.followup_id = followup.id
    return opened


def _quiet_day_exempt(purpose: str, followup: FollowUp | None) -> bool:
    if purpose == "complaint":
        return True
    return (
        purpose == "verification"
        and followup is not None
        and followup.case.action in QUIET_DAY_EXEMPT_ACTIONS
    )


def _complete_followup(
    actor, followup: FollowUp, visit: Visit, day, result: dict, *, now, calendar
) -> list[Case]:
    """The visit completes its follow-up through the case's workflow (a verification result
    moves the case; a check that finds production running escalates it)."""
    case = followup.case
    # ``result`` holds only the follow-up's own answers (``_result``): the event type is ours.
    if followup.purpose == "verification":
        data = {**result, "type": "verify"}
    else:
        data = {**result, "type": "visit", "followup": followup.key}
    data.update({"on": day, "visit_id": visit.id})
    # The same authorisation as posting the event itself (the caller checked may_act).
    outcome = cases.apply_event(actor, case, data, now=now, calendar=calendar)
    return outcome.opened
