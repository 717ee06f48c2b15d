"""The one place crewdesk asks for the time, so tests can move it (time_machine)."""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """Aware current time."""
    return timezone.now()


def today() -> date:
    """Today in the configured time zone (Asia/Shanghai by default)."""
    return timezone.localdate()
