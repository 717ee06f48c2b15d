"""Background sending of notifications: one task per delivery attempt, scheduled again with
backoff after a failure, and a once-a-minute sweep of what is due as a safety net (a task lost
with the queue, a worker killed while sending)."""

from datetime import datetime

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from core import clock
from notifications.services import due_deliveries, send_delivery


@db_task()
def send_delivery_task(delivery_id: int) -> None:
    send_delivery(delivery_id)


def schedule_delivery(delivery_id: int, eta: datetime) -> None:
    send_delivery_task.schedule(args=(delivery_id,), eta=eta)


@db_periodic_task(crontab(minute="*"))
def send_due_deliveries() -> None:
    for delivery_id in due_deliveries(clock.now()):
        send_delivery_task(delivery_id)
