"""The one place crewdesk asks for the time, so tests can move it (time_machine)."""

from datetime import date, datetime, timedelta

from django.utils import timezone


def now() -> datetime:
    """Aware current time."""
    return timezone.now()


def today() -> date:
    """Today in the configured time zone (Asia/Shanghai by default)."""
    return timezone.localdate()


def month_bounds(month: date) -> tuple[date, date]:
    """First and last day of the month that `month` falls in."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)
