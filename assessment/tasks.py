"""Assessment on a timer: every night, after attendance has judged yesterday (00:20), the ledger
of yesterday's month is brought in line with the facts and the thresholds are evaluated, so the
month's result is ready at month-end (KPI-11) without anyone pressing a button."""

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from assessment.services import evaluate_thresholds, generate_entries
from core import clock


def assess_yesterdays_month() -> tuple[int, int]:
    """(entries changed, decisions proposed) for the month yesterday belongs to."""
    month = (clock.today() - timedelta(days=1)).replace(day=1)
    return generate_entries(month), evaluate_thresholds(month)


@db_periodic_task(crontab(hour="0", minute="40"))
def assess_yesterdays_month_task() -> None:
    assess_yesterdays_month()
