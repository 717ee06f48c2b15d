"""Background work of staff reports: the drafts of the day created early each morning (and
hourly as a safety net), reminders and late flags checked every minute (REP-01..04)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import clock
from reports.services import create_due_reports, run_clock


@db_periodic_task(crontab(minute="1"))
def create_due_reports_task() -> None:
    create_due_reports(clock.today())


@db_periodic_task(crontab(minute="*"))
def report_clock_task() -> None:
    """Each reminder and late flag is claimed with a conditional UPDATE, so it happens once
    per report even when two workers run this."""
    run_clock(clock.now())
