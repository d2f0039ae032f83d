"""The bureau's calendar: official data (chinese-calendar plus imported years) and quiet days,
loaded from the database into the pure workflow Calendar."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, select

from enforcement.errors import ValidationError
from enforcement.extensions import db
from enforcement.models import HolidayDay, QuietDay, Township
from enforcement.workflow import Calendar, QuietDay as EngineQuietDay, YearSchedule, parse_schedule
from enforcement.services.core import audit, stamps
from enforcement.services.core.actor import Actor


def load_calendar() -> Calendar:
    """The bureau's calendar, kept per worker until a holiday year, a quiet day or a township
    changes (services.core.stamps): the engine treats it as read-only."""
    cache = stamps.cached("calendar")
    if cache is not None and "calendar" in cache:
        return cache["calendar"]
    calendar = _read_calendar()
    if cache is not None:
        cache["calendar"] = calendar
    return calendar


def township_code(township_id: int | None) -> str | None:
    """A township's code, as the calendar's quiet days name it: kept with the calendar (a
    township's change empties both), so a visit to a firm in a township reads no township."""
    if township_id is None:
        return None
    cache = stamps.cached("calendar")
    codes = cache.get("township_codes") if cache is not None else None
    if codes is None:
        codes = {i: code for i, code in db.session.execute(select(Township.id, Township.code))}
        if cache is not None:
            cache["township_codes"] = codes
    return codes.get(township_id)


def _read_calendar() -> Calendar:
    days: dict[int, dict[str, set]] = defaultdict(lambda: {"holiday": set(), "workday": set()})
    for row in db.session.execute(select(HolidayDay.year, HolidayDay.on, HolidayDay.kind)):
        days[row.year][row.kind].add(row.on)
    years = {
        year: YearSchedule(year, frozenset(d["holiday"]), frozenset(d["workday"]))
        for year, d in days.items()
    }
    quiet = [
        EngineQuietDay(on, code)
        for on, code in db.session.execute(
            select(QuietDay.on, Township.code).outerjoin(
                Township, QuietDay.township_id == Township.id
            )
        )
    ]
    return Calendar(extra_years=years, quiet_days=quiet)


def import_holidays(actor: Actor, text: str, *, now: datetime) -> YearSchedule:
    """Add or replace one year's official schedule (the State Council's notice, typed in)."""
    try:
        schedule = parse_schedule(text)
    except ValueError as exc:
        raise ValidationError(f"The holiday file is not valid: {exc}", {"file": str(exc)}) from exc
    before = sorted(
        str(d)
        for (d,) in db.session.execute(
            select(HolidayDay.on).where(HolidayDay.year == schedule.year)
        )
    )
    db.session.execute(delete(HolidayDay).where(HolidayDay.year == schedule.year))
    names = getattr(schedule, "names", {}) or {}
    for kind, dates in (("holiday", schedule.holidays), ("workday", schedule.workdays)):
        for day in sorted(dates):
            db.session.add(
                HolidayDay(year=schedule.year, on=day, kind=kind, name=names.get(day, ""))
            )
    db.session.flush()
    audit.record(
        actor,
        "holidays.import",
        "calendar_year",
        schedule.year,
        now=now,
        before={"days": before},
        after={
            "holidays": sorted(map(str, schedule.holidays)),
            "workdays": sorted(map(str, schedule.workdays)),
        },
    )
    return schedule
