"""The daily run (``flask --app run daily``): one idempotent pass that applies what time made
due, writes the day's reminders and plans their delivery. Safe twice a day and after missed
days. Sending and the audit anchor come after the commit (enforcement.cli)."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from enforcement.extensions import db
from enforcement.models import DailyRun, User
from enforcement.services.calendar.calendars import load_calendar
from enforcement.services.casework import cases
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.notify import channels, reminders

log = logging.getLogger("enforcement.daily")


@dataclass
class DailyResult:
    as_of: date
    opened: list[int] = field(default_factory=list)
    notifications: int = 0
    deliveries: int = 0
    warnings: list[str] = field(default_factory=list)
    run: DailyRun | None = None


def missing_holiday_year(as_of: date, calendar) -> int | None:
    """From December on, next year's official holidays should be imported (the State Council
    publishes them in November); the year that is missing, if any."""
    if as_of.month == 12 and not calendar.has_official_data(as_of.year + 1):
        return as_of.year + 1
    return None


def run(actor: Actor, *, as_of: date, now: datetime, config) -> DailyResult:
    result = DailyResult(as_of)
    last = db.session.scalar(
        select(DailyRun)
        .where(DailyRun.as_of < as_of, DailyRun.finished_at.is_not(None))
        .order_by(DailyRun.as_of.desc())
        .limit(1)
    )
    previous = db.session.scalar(
        select(DailyRun)
        .where(DailyRun.finished_at.is_not(None))
        .order_by(DailyRun.id.desc())
        .limit(1)
    )
    record = DailyRun(as_of=as_of, started_at=now, summary={})
    db.session.add(record)
    calendar = load_calendar()
    result.opened = cases.tick(actor, as_of=as_of, now=now, calendar=calendar)
    # Cases assigned since the last run began (the first run looks back one day).
    since = previous.started_at if previous is not None else now - timedelta(days=1)
    items = reminders.collect(
        as_of=as_of, last_as_of=last.as_of if last else None, since=since, calendar=calendar
    )
    year = missing_holiday_year(as_of, calendar)
    if year is not None:
        warning = (
            f"the official holidays of {year} are not imported: deadlines in {year} are "
            "provisional (flask --app run holidays import FILE, then recompute)"
        )
        result.warnings.append(warning)
        log.warning(warning)
        for (user_id,) in db.session.execute(
            select(User.id).where(User.role == "admin", User.is_active_account.is_(True))
        ):
            items.append(
                {
                    "user_id": user_id,
                    "key": f"holidays:{year}",
                    "kind": "holidays",
                    "case_id": None,
                    "params": {"year": year},
                }
            )
    new = reminders.write(items, as_of=as_of, now=now)
    result.notifications = len(new)
    result.deliveries = len(channels.plan(new, as_of=as_of, now=now, config=config))
    record.finished_at = now
    record.summary = {
        "opened": result.opened,
        "notifications": result.notifications,
        "deliveries": result.deliveries,
        "warnings": result.warnings,
    }
    db.session.flush()
    if result.opened or result.notifications:
        audit.record(
            actor,
            "daily.run",
            "daily_run",
            record.id,
            now=now,
            after={"as_of": as_of, "opened": result.opened, "notifications": result.notifications},
        )
    result.run = record
    return result


def append_anchor(path: str, *, now: datetime) -> str | None:
    """Append the audit chain head to ``path`` unless its last line already holds it; the line
    written, or None. Refuses (raises) when the chain is broken."""
    report = audit.verify()
    if not report.ok:
        raise RuntimeError(f"audit chain broken at event {report.first_bad}: not anchoring")
    last = None
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    last = line
    if last:
        try:
            previous = json.loads(last)
            if (
                previous.get("events") == report.events
                and previous.get("head_hash") == report.head_hash
            ):
                return None
        except ValueError:
            pass
    line = json.dumps(
        {
            "at": now.isoformat(timespec="seconds"),
            "events": report.events,
            "head_hash": report.head_hash,
        }
    )
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    return line
