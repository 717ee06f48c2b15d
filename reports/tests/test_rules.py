"""Report deadlines as a table (REP-01..04): no database, an explicit clock."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from reports import rules
from reports.rules import DAILY, PROJECT, QUARTERLY, WEEKLY, ReportPolicy

TZ = ZoneInfo("Asia/Shanghai")
POLICY = ReportPolicy()


def cn_workday(day: date) -> bool:
    return chinese_calendar.is_workday(day)


def mon_fri(day: date) -> bool:
    return day.weekday() < 5


def local(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


@pytest.mark.parametrize(
    ("role", "employment", "client", "active", "expected"),
    [
        ("engineer", "resident", 1, True, True),
        ("engineer", "outsourced", 1, True, True),
        ("engineer", "own", 1, True, False),
        ("engineer", "reserve", 1, True, False),
        ("engineer", "resident", None, True, False),
        ("engineer", "resident", 1, False, False),
        ("group_leader", "resident", 1, True, False),
    ],
)
def test_who_must_report_REP_01(role, employment, client, active, expected):
    assert (
        rules.must_report(role=role, employment_type=employment, client_id=client, active=active)
        is expected
    )


@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        (DAILY, date(2026, 11, 3), date(2026, 11, 3), date(2026, 11, 3)),
        (WEEKLY, date(2026, 11, 5), date(2026, 11, 2), date(2026, 11, 8)),
        (PROJECT, date(2026, 11, 8), date(2026, 11, 2), date(2026, 11, 8)),
        (QUARTERLY, date(2026, 8, 14), date(2026, 7, 1), date(2026, 9, 30)),
        (QUARTERLY, date(2026, 12, 1), date(2026, 10, 1), date(2026, 12, 31)),
        (QUARTERLY, date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
    ],
)
def test_period_of_REP_01_to_04(kind, day, start, end):
    assert rules.period_of(kind, day) == (start, end)


def test_daily_report_is_due_at_20_00_of_the_day_REP_01():
    due = rules.due_at(DAILY, date(2026, 11, 3), date(2026, 11, 3), POLICY, cn_workday, TZ)
    assert due == local(2026, 11, 3, 20)
    assert rules.reminder_at(due, POLICY) == local(2026, 11, 3, 19)


def test_weekly_report_is_due_friday_20_00_REP_02():
    """REP-02."""
    start, end = rules.period_of(WEEKLY, date(2026, 11, 3))
    assert rules.due_at(WEEKLY, start, end, POLICY, cn_workday, TZ) == local(2026, 11, 6, 20)


def test_weekly_due_day_follows_the_policy_weekday_REP_02():
    """REP-02."""
    policy = ReportPolicy(weekly_due_weekday=1, weekly_due=time(9, 0))
    start, end = rules.period_of(WEEKLY, date(2026, 11, 5))
    assert rules.due_at(WEEKLY, start, end, policy, cn_workday, TZ) == local(2026, 11, 2, 9)


def test_weekly_due_on_a_holiday_friday_moves_to_the_working_day_before_REP_02():
    """REP-02: Mid-Autumn Festival 2026 is Friday 25 September; Golden Week's Friday is 2 October."""
    mid_autumn = rules.period_of(WEEKLY, date(2026, 9, 22))
    assert rules.due_day(WEEKLY, *mid_autumn, POLICY, cn_workday) == date(2026, 9, 24)
    golden = rules.period_of(WEEKLY, date(2026, 10, 1))
    assert rules.due_day(WEEKLY, *golden, POLICY, cn_workday) == date(2026, 9, 30)
    # Without the Chinese calendar the Friday stays.
    assert rules.due_day(WEEKLY, *golden, POLICY, mon_fri) == date(2026, 10, 2)


def test_a_week_without_working_days_keeps_its_nominal_day_REP_02():
    """REP-02."""
    start, end = rules.period_of(WEEKLY, date(2026, 10, 1))
    assert rules.due_day(WEEKLY, start, end, POLICY, lambda d: False) == date(2026, 10, 2)


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (date(2026, 9, 1), local(2026, 9, 30, 20)),
        (date(2026, 12, 15), local(2026, 12, 31, 20)),
        (date(2026, 3, 2), local(2026, 3, 31, 20)),
    ],
)
def test_quarterly_summary_is_due_at_20_00_on_the_quarters_last_day_REP_03(day, due):
    """REP-03."""
    start, end = rules.period_of(QUARTERLY, day)
    assert rules.due_at(QUARTERLY, start, end, POLICY, cn_workday, TZ) == due


def test_project_report_is_due_like_the_weekly_one_REP_04():
    """REP-04."""
    start, end = rules.period_of(PROJECT, date(2026, 11, 3))
    assert rules.due_at(PROJECT, start, end, POLICY, cn_workday, TZ) == local(2026, 11, 6, 20)


def test_daily_report_is_due_on_working_days_only_REP_01():
    assert rules.daily_due_on(date(2026, 10, 10), cn_workday)  # adjusted working Saturday
    assert not rules.daily_due_on(date(2026, 10, 2), cn_workday)  # National Day
    assert not rules.daily_due_on(date(2026, 11, 7), cn_workday)  # ordinary Saturday


DUE = local(2026, 11, 3, 20)


@pytest.mark.parametrize(
    ("submitted", "at", "standing", "late"),
    [
        (local(2026, 11, 3, 19, 59), local(2026, 11, 3, 21), rules.ON_TIME, False),
        (local(2026, 11, 3, 20, 0, 0), local(2026, 11, 3, 21), rules.ON_TIME, False),
        (local(2026, 11, 3, 20, 0, 1), local(2026, 11, 3, 21), rules.LATE, True),
        (None, local(2026, 11, 3, 20, 0, 0), rules.OPEN, False),
        (None, local(2026, 11, 3, 20, 0, 1), rules.MISSING, True),
    ],
)
def test_late_flag_after_the_deadline_REP_01(submitted, at, standing, late):
    assert rules.standing(DUE, submitted, at) == standing
    assert rules.is_late(DUE, submitted, at) is late


@pytest.mark.parametrize(
    ("at", "submitted", "reminded", "expected"),
    [
        (local(2026, 11, 3, 18, 59), False, False, False),
        (local(2026, 11, 3, 19, 0), False, False, True),
        (local(2026, 11, 3, 19, 30), True, False, False),
        (local(2026, 11, 3, 19, 30), False, True, False),
        (local(2026, 11, 3, 20, 1), False, False, False),
    ],
)
def test_reminder_window_before_the_deadline_REP_01(at, submitted, reminded, expected):
    remind = rules.reminder_at(DUE, ReportPolicy(reminder=timedelta(minutes=60)))
    assert rules.reminder_due(remind, DUE, submitted, reminded, at) is expected


@pytest.mark.parametrize(
    ("day", "start", "start_half", "end", "end_half", "away"),
    [
        (date(2026, 11, 3), date(2026, 11, 3), "am", date(2026, 11, 3), "pm", True),
        (date(2026, 11, 3), date(2026, 11, 3), "pm", date(2026, 11, 3), "pm", False),
        (date(2026, 11, 3), date(2026, 11, 2), "pm", date(2026, 11, 3), "am", False),
        (date(2026, 11, 3), date(2026, 11, 2), "pm", date(2026, 11, 4), "am", True),
        (date(2026, 11, 5), date(2026, 11, 2), "am", date(2026, 11, 4), "pm", False),
    ],
)
def test_no_daily_report_when_away_all_day_REP_01(day, start, start_half, end, end_half, away):
    """REP-01: a whole day of approved leave, trip or secondment has no daily report."""
    assert rules.away_all_day(day, start, start_half, end, end_half) is away
    assert rules.daily_due_on(day, cn_workday, away_all_day=away) is not away
