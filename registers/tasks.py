"""Background work of the registers: the month's stock-takes created (hourly, idempotent, so a
worker that was down at midnight catches up) and overdue ones reported once to the station
managers (INS-07)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import clock
from registers.services import create_due_stocktakes, notify_overdue_stocktakes
from registers.services_security import notify_overdue_loans


@db_periodic_task(crontab(minute="7"))
def create_due_stocktakes_task() -> None:
    create_due_stocktakes(clock.today())


@db_periodic_task(crontab(minute="17", hour="8-20"))
def notify_overdue_stocktakes_task() -> None:
    notify_overdue_stocktakes(clock.today())


@db_periodic_task(crontab(minute="*/5"))
def notify_overdue_loans_task() -> None:
    """SEC-04: lenders hear of items not back in time (once per loan)."""
    notify_overdue_loans(clock.now())
