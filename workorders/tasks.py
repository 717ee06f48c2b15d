"""Background work of work orders: a sweep scheduled at each order's next deadline, and a
once-a-minute sweep of everything due as a safety net (e.g. after the queue was lost)."""

from datetime import datetime, timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from core import clock
from workorders.models import Order
from workorders.services import flag_missing_records, remind_weekly_reports, sweep_order


@db_task()
def sweep_order_task(order_id: int) -> None:
    sweep_order(order_id)


def schedule_sweep(order_id: int, due: datetime) -> None:
    """Wake the worker at the deadline; Huey keeps the schedule in its storage (SQLite or Redis),
    so it survives a worker restart."""
    sweep_order_task.schedule(args=(order_id,), eta=due)


@db_periodic_task(crontab(minute="*"))
def sweep_due_orders() -> None:
    for order_id in Order.objects.due(clock.now()).order_by().values_list("pk", flat=True)[:10000]:
        sweep_order(order_id)


@db_periodic_task(crontab(minute="*/10"))
def flag_missing_daily_records() -> None:
    """WO-12: after the hand-in deadline (wo.daily_record_due), flag the records of yesterday
    and today not handed in and tell the group leaders; each one once."""
    today = clock.today()
    for day in (today - timedelta(days=1), today):
        flag_missing_records(day)


@db_periodic_task(crontab(minute="7"))
def remind_weekly_service_reports() -> None:
    """WO-14: flag orders on site for longer than a week; remind their engineers weekly."""
    remind_weekly_reports()
