"""The only place that reads the wall clock. Everything below the web layer takes ``now``/``as_of``."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def bureau_today(tz_name: str, now: datetime | None = None) -> date:
    """Today's date in the bureau's time zone: deadlines are dates there, not in UTC."""
    return (now or utcnow()).astimezone(ZoneInfo(tz_name)).date()
