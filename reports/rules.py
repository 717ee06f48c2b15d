"""Staff report rules (REP-01..04): who reports, what period, when it is due, when to remind,
when it is late. Pure: facts and a policy in, a decision out; no ORM, no `now()`.

Who must report (REP-01..03): an active engineer who works at a client (``Person.client`` set)
as a resident (驻场) or outsourced (外包) engineer. Own staff at our stations and reserve
engineers do not. A project manager reports weekly to the client while his project runs (REP-04).

Deadlines: the report is on time when submitted at or before the due time (20:00:00 counts as
"before 20:00"; 20:00:01 is late). A deadline that falls on a rest day or holiday of the working
calendar moves to the last working day before it within the same period (the Friday of
Mid-Autumn or Golden Week: the weekly report is due on the Thursday or Wednesday before); if the
period has no working day up to it, it stays where it is. Daily reports are due on working days
only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

IsWorkday = Callable[[date], bool]

DAILY, WEEKLY, QUARTERLY, PROJECT = "daily", "weekly", "quarterly", "project"
RULE_OF_KIND = {DAILY: "REP-01", WEEKLY: "REP-02", QUARTERLY: "REP-03", PROJECT: "REP-04"}
REPORTING_EMPLOYMENT = ("resident", "outsourced")

ON_TIME, LATE, MISSING, OPEN = "on_time", "late", "missing", "open"


@dataclass(frozen=True)
class ReportPolicy:
    daily_due: time = time(20, 0)  # REP-01
    weekly_due_weekday: int = 5  # REP-02, 1 Monday … 7 Sunday
    weekly_due: time = time(20, 0)  # REP-02
    quarterly_due: time = time(20, 0)  # REP-03
    project_weekly: bool = True  # REP-04
    reminder: timedelta = timedelta(minutes=60)

    @classmethod
    def from_policy(cls, policy: Any) -> "ReportPolicy":
        return cls(
            daily_due=policy["rep.daily_due"],
            weekly_due_weekday=int(policy["rep.weekly_due_weekday"]),
            weekly_due=policy["rep.weekly_due"],
            quarterly_due=policy["rep.quarterly_due"],
            project_weekly=bool(policy["rep.project_weekly"]),
            reminder=policy.duration("rep.reminder_minutes"),
        )


def must_report(*, role: str, employment_type: str, client_id: int | None, active: bool) -> bool:
    """REP-01..03: resident or outsourced engineers working at a client report to it."""
    return (
        active
        and role == "engineer"
        and client_id is not None
        and employment_type in REPORTING_EMPLOYMENT
    )


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The period a report of `kind` covers that contains `day`: the day (REP-01), the week
    Monday–Sunday (REP-02, REP-04), the calendar quarter (REP-03)."""
    if kind == DAILY:
        return day, day
    if kind in (WEEKLY, PROJECT):
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if kind == QUARTERLY:
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        end_month = first_month + 2
        following = date(day.year + (end_month == 12), end_month % 12 + 1, 1)
        return start, following - timedelta(days=1)
    raise ValueError(kind)


def _moved_off_rest_days(nominal: date, period_start: date, is_workday: IsWorkday) -> date:
    day = nominal
    while day >= period_start:
        if is_workday(day):
            return day
        day -= timedelta(days=1)
    return nominal


def due_day(
    kind: str, period_start: date, period_end: date, policy: ReportPolicy, is_workday: IsWorkday
) -> date:
    """The day the report is due: the day itself (REP-01), the policy weekday of the week
    (REP-02/04, Friday by default), the quarter's last day (REP-03); moved to the last working
    day before when it is a rest day."""
    if kind == DAILY:
        return period_start
    if kind in (WEEKLY, PROJECT):
        nominal = period_start + timedelta(days=policy.weekly_due_weekday - 1)
    else:
        nominal = period_end
    return _moved_off_rest_days(nominal, period_start, is_workday)


def due_at(
    kind: str,
    period_start: date,
    period_end: date,
    policy: ReportPolicy,
    is_workday: IsWorkday,
    tz: tzinfo,
) -> datetime:
    """REP-01..04: the deadline as an aware datetime in the company's time zone."""
    day = due_day(kind, period_start, period_end, policy, is_workday)
    clock_time = {
        DAILY: policy.daily_due,
        WEEKLY: policy.weekly_due,
        PROJECT: policy.weekly_due,
        QUARTERLY: policy.quarterly_due,
    }[kind]
    return datetime.combine(day, clock_time, tzinfo=tz)


def reminder_at(due: datetime, policy: ReportPolicy) -> datetime:
    """REP-01..04: the reminder goes out `rep.reminder_minutes` before the deadline."""
    return due - policy.reminder


def daily_due_on(day: date, is_workday: IsWorkday, *, away_all_day: bool = False) -> bool:
    """REP-01: a daily report is due on working days only (rest days and holidays have none),
    and not on a day the person is away for the whole day (approved leave, trip, secondment)."""
    return is_workday(day) and not away_all_day


def away_all_day(day: date, start: date, start_half: str, end: date, end_half: str) -> bool:
    """An approved absence from `start` (half "am"/"pm") to `end` covers all of `day`: a day
    inside it, or its first day from the morning or its last day to the afternoon."""
    if not start <= day <= end:
        return False
    from_morning = day > start or start_half == "am"
    to_evening = day < end or end_half == "pm"
    return from_morning and to_evening


def is_late(due: datetime, submitted_at: datetime | None, at: datetime) -> bool:
    """Late: submitted after the deadline, or not submitted and the deadline has passed."""
    if submitted_at is not None:
        return submitted_at > due
    return at > due


def standing(due: datetime, submitted_at: datetime | None, at: datetime) -> str:
    """How a report stands at `at`: on time, late (submitted after the deadline), missing
    (deadline passed, nothing submitted) or open (not submitted, still time)."""
    if submitted_at is not None:
        return LATE if submitted_at > due else ON_TIME
    return MISSING if at > due else OPEN


def reminder_due(
    remind_at: datetime, due: datetime, submitted: bool, reminded: bool, at: datetime
) -> bool:
    """Remind once, between the reminder time and the deadline, and only if not submitted."""
    return not submitted and not reminded and remind_at <= at <= due
