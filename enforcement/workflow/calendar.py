"""The working-day calendar: statutory holidays, adjusted working days and quiet days.

Periods of the Administrative Penalty Law counted in days of 2, 3, 5 or 7 are working days
(APL 2021 Art. 85): weekends and statutory holidays are excluded, officially adjusted working
Saturdays/Sundays (调休上班) count. Official data comes from ``chinese_calendar`` for the years it
knows, and from schedules a bureau imports from the State Council's annual notice for later
years. A year with neither is counted with its statutory holidays, which the 全国年节及纪念日放假办法
(2024 revision, Arts. 2 and 6) fixes for every year (computed by the ``holidays`` package from the
solar and lunar dates), and weekends; only the yearly 调休 arrangement is unknown, so every result
that depends on such a year is marked ``provisional``.

Speed matters (recompute runs over every open case), so each year is turned once into a sorted
array of working-day ordinals plus a running count per day; every query is then an index lookup
or a short walk across year boundaries.
"""

from __future__ import annotations

import calendar as _stdcal
import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Mapping

import chinese_calendar
import holidays as _holidays

from .types import ConfigError, ScheduleError

log = logging.getLogger(__name__)

_warned_years: set[int] = set()


@dataclass(frozen=True)
class YearSchedule:
    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]  # officially adjusted working Saturdays/Sundays
    names: Mapping[date, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class QuietDay:
    on: date
    township: str | None = None  # None: every township


# --- official data shipped with chinese_calendar -------------------------------------------

_official_cache: dict[int, YearSchedule] | None = None


def _official_years() -> dict[int, YearSchedule]:
    """Read (never patch) chinese_calendar's tables once, grouped by year."""
    global _official_cache
    if _official_cache is None:
        holidays: dict[int, set[date]] = {}
        workdays: dict[int, set[date]] = {}
        for d in chinese_calendar.holidays:
            holidays.setdefault(d.year, set()).add(d)
        for d in chinese_calendar.workdays:
            workdays.setdefault(d.year, set()).add(d)
        first, last = min(holidays), max(holidays)
        _official_cache = {
            y: YearSchedule(y, frozenset(holidays.get(y, ())), frozenset(workdays.get(y, ())))
            for y in range(first, last + 1)
        }
    return _official_cache


# --- statutory holidays of years without the notice ----------------------------------------

#: The days the 全国年节及纪念日放假办法 (2024 revision) Art. 2 gives every citizen off: 元旦 1 Jan,
#: 春节 from the eve (除夕) to the third day of the first lunar month, 清明, 劳动节 1–2 May, 端午,
#: 中秋, 国庆节 1–3 Oct. Art. 6 leaves the moving of days (调休, 补假) to the State Council's yearly
#: notice, so the ``holidays`` package's "(observed)" days and any 调休 rest days it lists are NOT
#: statutory and are left out: only these names count.
STATUTORY_NAMES = ("元旦", "除夕", "春节", "清明", "劳动节", "端午", "中秋", "国庆")

_statutory_cache: dict[int, YearSchedule] = {}


def statutory_schedule(year: int) -> YearSchedule:
    """The holidays fixed by law for ``year`` (放假办法 2024 Arts. 2, 6), without any 调休.

    Used for a year that has neither chinese_calendar data nor an imported notice; the dates
    counted with it are provisional until the notice is imported."""
    found = _statutory_cache.get(year)
    if found is None:
        days: dict[date, str] = {}
        china = _holidays.China(years=year, observed=False, language="zh_CN")  # type: ignore[no-untyped-call]  # holidays ships no annotations for its country classes
        for d, name in china.items():
            parts = [p.strip() for p in str(name).split(";")]
            kept = [p for p in parts if any(k in p for k in STATUTORY_NAMES)]
            if kept:
                days[d] = "、".join(kept)
        found = _statutory_cache[year] = YearSchedule(year, frozenset(days), frozenset(), days)
    return found


def validate_schedule(s: YearSchedule) -> None:
    for d in s.holidays | s.workdays:
        if d.year != s.year:
            raise ConfigError(f"holiday schedule {s.year}: {d.isoformat()} is outside the year")
    for d in s.workdays:
        if d.weekday() < 5:
            raise ConfigError(
                f"holiday schedule {s.year}: adjusted working day {d.isoformat()} is not a Saturday or Sunday"
            )
    both = s.holidays & s.workdays
    if both:
        raise ConfigError(
            f"holiday schedule {s.year}: {min(both).isoformat()} is both a holiday and a working day"
        )


class _Year:
    __slots__ = ("first", "flags", "cum", "works", "official")

    def __init__(self, year: int, schedule: YearSchedule | None, official: bool | None = None):
        self.first = date(year, 1, 1).toordinal()
        ndays = 366 if _stdcal.isleap(year) else 365
        holidays = schedule.holidays if schedule else frozenset()
        workdays = schedule.workdays if schedule else frozenset()
        flags = bytearray(ndays)
        cum = [0] * ndays
        works: list[int] = []
        count = 0
        for i in range(ndays):
            d = date.fromordinal(self.first + i)
            working = d in workdays or (d.weekday() < 5 and d not in holidays)
            if working:
                flags[i] = 1
                count += 1
                works.append(self.first + i)
            cum[i] = count
        self.flags = bytes(flags)
        self.cum = cum  # working days from 1 January up to and including day i
        self.works = works
        self.official = schedule is not None if official is None else official


class Calendar:
    def __init__(
        self,
        extra_years: Mapping[int, YearSchedule] | None = None,
        quiet_days: Iterable[QuietDay] = (),
    ):
        self._extra: dict[int, YearSchedule] = {}
        for year, schedule in (extra_years or {}).items():
            if schedule.year != year:
                raise ConfigError(f"holiday schedule filed under {year} is for {schedule.year}")
            validate_schedule(schedule)
            self._extra[year] = schedule
        self._years: dict[int, _Year] = {}
        self._quiet_everywhere: set[date] = set()
        self._quiet_by_township: dict[str, set[date]] = {}
        for q in quiet_days:
            if q.township is None:
                self._quiet_everywhere.add(q.on)
            else:
                self._quiet_by_township.setdefault(q.township, set()).add(q.on)

    # -- data ---------------------------------------------------------------------------
    def has_official_data(self, year: int) -> bool:
        return year in self._extra or year in _official_years()

    def _year(self, year: int) -> _Year:
        info = self._years.get(year)
        if info is None:
            schedule = self._extra.get(year) or _official_years().get(year)
            official = schedule is not None
            if schedule is None:
                # 放假办法 (2024) Arts. 2, 6: the statutory days are certain, the 调休 is not.
                schedule = statutory_schedule(year)
                if year not in _warned_years:
                    _warned_years.add(year)
                    log.warning(
                        "no official holiday data for %s: counting weekends and the statutory holidays "
                        "without 调休, results are provisional; import the State Council's notice for that year",
                        year,
                    )
            info = self._years[year] = _Year(year, schedule, official)
        return info

    # -- queries ------------------------------------------------------------------------
    def is_working_day(self, d: date) -> bool:
        info = self._year(d.year)
        return bool(info.flags[d.toordinal() - info.first])

    def is_statutory_holiday(self, d: date) -> bool:
        """A day the 放假办法 (2024 revision, Art. 2) gives off, whatever the year's 调休."""
        return d in statutory_schedule(d.year).holidays

    def is_official(self, year: int) -> bool:
        return self._year(year).official

    def is_quiet_day(self, d: date, township: str | None) -> bool:
        if d in self._quiet_everywhere:
            return True
        return township is not None and d in self._quiet_by_township.get(township, ())

    def next_working_day(self, d: date) -> tuple[date, bool]:
        """d itself if it is a working day, else the next one; (date, provisional)."""
        info = self._year(d.year)
        prov = not info.official
        idx = d.toordinal() - info.first
        if info.flags[idx]:
            return d, prov
        k = info.cum[idx]  # index of the next working day in info.works
        year = d.year
        while k >= len(info.works):
            year += 1
            info = self._year(year)
            prov |= not info.official
            k = 0
        return date.fromordinal(info.works[k]), prov

    def add_working_days(self, start: date, n: int) -> tuple[date, bool]:
        """The last day of "within n working days after start" (counting starts the next day)."""
        if n < 0:
            raise ValueError("n must not be negative")
        info = self._year(start.year)
        prov = not info.official
        if n == 0:
            return start, prov
        k = info.cum[start.toordinal() - info.first] + n  # 1-based rank within the year
        year = start.year
        while k > len(info.works):
            k -= len(info.works)
            year += 1
            info = self._year(year)
            prov |= not info.official
        return date.fromordinal(info.works[k - 1]), prov

    def add_days_rolled(self, start: date, n: int) -> tuple[date, bool]:
        """n calendar days after start; a last day that is not a working day rolls forward."""
        return self.next_working_day(start + timedelta(days=n))

    def add_months(self, start: date, n: int) -> tuple[date, bool]:
        """The same day n months later (clamped to the month's end), rolled to a working day."""
        return self.next_working_day(add_months_plain(start, n))

    def next_followup_day(self, d: date, township: str | None) -> tuple[date, bool]:
        """d, or the next day that is a working day and not a quiet day for the township."""
        prov = False
        while True:
            d, p = self.next_working_day(d)
            prov |= p
            if not self.is_quiet_day(d, township):
                return d, prov
            d += timedelta(days=1)

    def latest_followup_day(
        self, earliest: date, limit: date, township: str | None
    ) -> tuple[date, bool] | None:
        """The last day in [earliest, limit] that is a working day and not a quiet day, or None.

        A local quiet day (宁静日) may move a routine check but never a limit set by law: a
        follow-up whose last day is a quiet day is done earlier instead (WORKFLOWS.md)."""
        prov = False
        d = limit
        while d >= earliest:
            working = self.is_working_day(d)
            prov |= not self._year(d.year).official
            if working and not self.is_quiet_day(d, township):
                return d, prov
            d -= timedelta(days=1)
        return None


def add_months_plain(start: date, n: int) -> date:
    months = start.year * 12 + (start.month - 1) + n
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(start.day, _stdcal.monthrange(year, month)[1]))


# --- the import file -------------------------------------------------------------------------

_DATE = r"\d{4}-\d{2}-\d{2}"
_YEAR_LINE = re.compile(r"^year:\s*(\d{4})$")
_ENTRY_LINE = re.compile(rf"^(holiday|workday)\s+({_DATE})(?:\.\.({_DATE}))?(?:\s+(.*))?$")


def _parse_date(text: str, line: int) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ScheduleError(f"{text!r} is not a valid date (YYYY-MM-DD)", line) from None


def parse_schedule(text: str) -> YearSchedule:
    """Parse the holiday import file (format in docs/workflows.md), strictly."""
    year: int | None = None
    holidays: dict[date, int] = {}
    workdays: dict[date, int] = {}
    names: dict[date, str] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _YEAR_LINE.match(line)
        if m:
            # A year line after an entry is a second one: an entry before any year is refused below.
            if year is not None:
                raise ScheduleError("the year is declared twice", lineno)
            year = int(m.group(1))
            continue
        m = _ENTRY_LINE.match(line)
        if not m:
            raise ScheduleError(
                f"cannot read {line!r}; expected 'year: YYYY', 'holiday DATE[..DATE] [name]' "
                "or 'workday DATE [name]'",
                lineno,
            )
        if year is None:
            raise ScheduleError("declare 'year: YYYY' before the first entry", lineno)
        kind, first_text, last_text, name = m.groups()
        first = _parse_date(first_text, lineno)
        last = _parse_date(last_text, lineno) if last_text else first
        if last < first:
            raise ScheduleError(f"range ends ({last}) before it starts ({first})", lineno)
        if kind == "workday" and last != first:
            raise ScheduleError("a workday line names one date, not a range", lineno)
        d = first
        while d <= last:
            if d.year != year:
                raise ScheduleError(f"{d.isoformat()} is outside the declared year {year}", lineno)
            if kind == "workday":
                if d.weekday() < 5:
                    raise ScheduleError(
                        f"{d.isoformat()} is a weekday; only an adjusted Saturday or Sunday can be a workday",
                        lineno,
                    )
                if d in workdays:
                    raise ScheduleError(
                        f"{d.isoformat()} is already listed on line {workdays[d]}", lineno
                    )
                if d in holidays:
                    raise ScheduleError(
                        f"{d.isoformat()} is a holiday on line {holidays[d]} and cannot also be a workday",
                        lineno,
                    )
                workdays[d] = lineno
            else:
                if d in holidays:
                    raise ScheduleError(
                        f"{d.isoformat()} is already listed on line {holidays[d]}", lineno
                    )
                if d in workdays:
                    raise ScheduleError(
                        f"{d.isoformat()} is a workday on line {workdays[d]} and cannot also be a holiday",
                        lineno,
                    )
                holidays[d] = lineno
            if name:
                names[d] = name.strip()
            d += timedelta(days=1)
    if year is None:
        raise ScheduleError("no 'year: YYYY' line")
    if not holidays:
        raise ScheduleError(f"no holiday listed for {year}")
    return YearSchedule(year, frozenset(holidays), frozenset(workdays), names)


def dump_schedule(s: YearSchedule) -> str:
    lines = [f"# holiday schedule {s.year} (import file, see docs/workflows.md)", f"year: {s.year}"]
    run: list[date] = []

    def flush() -> None:
        if run:
            span = (
                run[0].isoformat()
                if len(run) == 1
                else f"{run[0].isoformat()}..{run[-1].isoformat()}"
            )
            name = s.names.get(run[0], "")
            lines.append(f"holiday {span} {name}".rstrip())
            run.clear()

    for d in sorted(s.holidays):
        if run and (d - run[-1]).days == 1 and s.names.get(d, "") == s.names.get(run[0], ""):
            run.append(d)
        else:
            flush()
            run.append(d)
    flush()
    for d in sorted(s.workdays):
        lines.append(f"workday {d.isoformat()} {s.names.get(d, '')}".rstrip())
    return "\n".join(lines) + "\n"
