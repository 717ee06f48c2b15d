"""Background work of inspections: tickets generated every night (idempotent), special
inspections (INS-02) raised from the day's fault orders every few minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import clock
from inspections.services import generate_upcoming, raise_special_inspections


@db_periodic_task(crontab(hour="0", minute="20"))
def generate_inspection_tickets() -> None:
    generate_upcoming(clock.today())


@db_periodic_task(crontab(minute="*/5"))
def raise_special_inspections_today() -> None:
    raise_special_inspections(clock.today())
