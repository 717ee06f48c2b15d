"""Background work of the registers: the month's stock-takes created each morning and overdue
ones reported once to the station managers (INS-07)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import clock
from registers.services import create_due_stocktakes, notify_overdue_stocktakes


@db_periodic_task(crontab(minute="7", hour="0"))
def create_due_stocktakes_task() -> None:
    create_due_stocktakes(clock.today())


@db_periodic_task(crontab(minute="17", hour="8"))
def notify_overdue_stocktakes_task() -> None:
    notify_overdue_stocktakes(clock.today())
