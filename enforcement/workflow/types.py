"""The value types every caller of the workflow engine sees.

Snapshots are immutable: every event produces a new ``CaseSnapshot``. Status of deadlines and
follow-ups is derived from an ``as_of`` date, never stored, so that "overdue" can be asked about
any day without touching the stored case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping


@dataclass(frozen=True)
class Deadline:
    name: str
    due_on: date
    provisional: bool = False  # counted without official holiday data for some year involved
    met_on: date | None = None


@dataclass(frozen=True)
class FollowUp:
    key: str
    purpose: str  # "follow_up" | "verification" | "routine" (visit purposes of the API)
    earliest_on: date
    due_on: date
    unannounced: bool
    done_on: date | None = None
    visit_id: int | None = None
    provisional: bool = False
    note: str = ""


@dataclass(frozen=True)
class Event:
    type: str
    on: date
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Escalation:
    action: str
    reason: str
    served_on: date
    params: Mapping[str, Any]


@dataclass(frozen=True)
class CaseSnapshot:
    action: str
    state: str
    served_on: date
    township: str | None
    params: Mapping[str, Any]
    facts: Mapping[str, Any]  # JSON-serialisable; dates are ISO strings
    deadlines: Mapping[str, Deadline]
    followups: Mapping[str, FollowUp]


@dataclass(frozen=True)
class Outcome:
    case: CaseSnapshot
    escalations: tuple[Escalation, ...] = ()
    moved: tuple[tuple[str, date, date], ...] = ()  # (key, old_due, new_due)
    # Follow-ups withdrawn because the case left the states they serve (e.g. the stop checks of
    # an escalated case); their keys are listed in facts["cancelled_followups"] and the details
    # (due date, day, reason) in facts["cancelled_followup_log"].
    cancelled: tuple[str, ...] = ()


class WorkflowError(Exception):
    code = "workflow_error"


class ImpossibleEvent(WorkflowError):
    code = "impossible_transition"

    def __init__(self, message: str, allowed: list[str] | None = None):
        super().__init__(message)
        self.allowed = list(allowed or [])


class InvalidEvent(WorkflowError):
    code = "invalid_event"

    def __init__(self, fields: Mapping[str, str], message: str | None = None):
        self.fields = dict(fields)
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in self.fields.items()))


class ConfigError(WorkflowError):
    code = "config_error"


class ScheduleError(ConfigError, ValueError):
    """A holiday schedule file is malformed; the message names the line."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


def deadline_status(d: Deadline, as_of: date) -> str:
    if d.met_on is not None:
        return "met"
    return "overdue" if as_of > d.due_on else "pending"


def days_overdue(d: Deadline, as_of: date) -> int:
    if d.met_on is not None or as_of <= d.due_on:
        return 0
    return (as_of - d.due_on).days


def followup_status(f: FollowUp, as_of: date) -> str:
    if f.done_on is not None:
        return "done"
    return "missed" if as_of > f.due_on else "planned"


class ForbiddenByLaw(ImpossibleEvent):
    """An event the law does not allow now (HTTP 409, like any impossible transition, and kept for
    a reviewer), naming the article that forbids it: enforcement before the periods lapse, an
    extension beyond its limit, a forced execution on a holiday or at night without urgency."""

    code = "forbidden_by_law"

    def __init__(self, message: str, allowed: list[str] | None = None, *, article: str):
        super().__init__(f"{message} ({article})", allowed)
        self.article = article
