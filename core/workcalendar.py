"""The working calendar of mainland China (ATT-08): statutory holidays and adjusted working days
(调休) from the chinese-calendar package, overridden by the admin's CalendarDay table.

A year the package does not know (it covers up to its release) does not crash: days fall back to
Monday–Friday and `missing_years` tells the home page to warn the admin until the year is entered.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import Holiday

from core.models import CalendarDay

WORKDAY, REST, HOLIDAY = CalendarDay.Kind.WORKDAY, CalendarDay.Kind.REST, CalendarDay.Kind.HOLIDAY
# A year with at least this many admin entries counts as entered (a real schedule has ~30).
ENTERED_YEAR_MIN_ENTRIES = 5


@dataclass(frozen=True)
class DayInfo:
    date: date
    kind: str  # CalendarDay.Kind value
    name: str = ""
    source: str = "package"  # package | override | fallback

    @property
    def is_workday(self) -> bool:
        return self.kind == WORKDAY


def _holiday_name(day: date) -> str:
    """The holiday's Chinese name (国庆节), also for the adjusted working days that belong to it."""
    name = chinese_calendar.holidays.get(day) or chinese_calendar.workdays.get(day)
    if not name:
        return ""
    try:
        return Holiday(name).chinese
    except ValueError:
        return str(name)


def package_day(day: date, *, use_cn_calendar: bool = True) -> DayInfo:
    """What the package (or the Mon–Fri fallback) says of a day, without overrides."""
    weekend = day.weekday() >= 5
    if not use_cn_calendar:
        return DayInfo(day, REST if weekend else WORKDAY, source="fallback")
    try:
        is_holiday, _detail = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return DayInfo(day, REST if weekend else WORKDAY, source="fallback")
    if not is_holiday:
        return DayInfo(day, WORKDAY, name=_holiday_name(day) if weekend else "")
    if day in chinese_calendar.holidays:
        return DayInfo(day, HOLIDAY, name=_holiday_name(day))
    return DayInfo(day, REST)


class WorkCalendar:
    """Day kinds for a range, loading the overrides once (cheap to ask many times)."""

    def __init__(self, start: date, end: date, *, use_cn_calendar: bool = True):
        self.use_cn_calendar = use_cn_calendar
        self.start, self.end = start, end
        self.overrides = {
            c.date: c for c in CalendarDay.objects.filter(date__gte=start, date__lte=end)
        }
        self._cache: dict[date, DayInfo] = {}

    def day(self, day: date) -> DayInfo:
        info = self._cache.get(day)
        if info is None:
            if self.start <= day <= self.end:
                override = self.overrides.get(day)
            else:  # outside the loaded range: ask the table for this one day
                override = CalendarDay.objects.filter(date=day).first()
            if override is not None:
                info = DayInfo(day, override.kind, override.name, source="override")
            else:
                info = package_day(day, use_cn_calendar=self.use_cn_calendar)
            self._cache[day] = info
        return info

    def days(self, start: date, end: date) -> Iterable[DayInfo]:
        day = start
        while day <= end:
            yield self.day(day)
            day += timedelta(days=1)

    def nth_workday_after(self, day: date, n: int) -> date:
        """The n-th working day after `day` (REQ-03: the 2nd working day after return)."""
        current = day
        found = 0
        while found < n:
            current += timedelta(days=1)
            if self.day(current).is_workday:
                found += 1
        return current


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def missing_years(today: date, *, ahead_days: int = 60) -> list[int]:
    """Years in use soon that neither the package nor the admin's table covers."""
    years = sorted({today.year, (today + timedelta(days=ahead_days)).year})
    missing = []
    for year in years:
        if package_knows(year):
            continue
        entries = CalendarDay.objects.filter(date__year=year).count()
        if entries < ENTERED_YEAR_MIN_ENTRIES:
            missing.append(year)
    return missing
