"""KPI-11 on a timer: on the policy's close day (`kpi.close_day`), last month's assessment is
closed for every station, so results reach the admin department without anyone pressing a
button. Runs after the nightly assessment (00:40)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from statements.services import close_last_month


@db_periodic_task(crontab(hour="1", minute="10"))
def close_last_month_task() -> None:
    close_last_month()
