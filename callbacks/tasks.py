"""Callbacks on a timer: closed orders are sampled for customer-service callbacks every 10
minutes (CB-01), and the client's monthly callback tasks are generated on the 1st (CB-02). Both
are idempotent, so a missed or repeated run does no harm."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from callbacks.services import generate_client_callbacks, sample_closed_orders
from core import clock


@db_periodic_task(crontab(minute="*/10"))
def sample_closed_orders_task() -> None:
    sample_closed_orders()


@db_periodic_task(crontab(hour="1", minute="10"))
def generate_client_callbacks_task() -> None:
    # Daily rather than only on the 1st: a new engineer gets this month's task the next night.
    generate_client_callbacks(clock.today())
