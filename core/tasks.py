"""Background tasks of the core app."""

import os
import socket

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from core import clock
from core.jobs import execute_job
from core.models import WorkerHeartbeat


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


def beat() -> None:
    """Tell /healthz this worker is alive."""
    WorkerHeartbeat.objects.update_or_create(name=_worker_name(), defaults={"seen_at": clock.now()})


@HUEY.on_startup()
def heartbeat_on_startup() -> None:
    beat()


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    beat()


@db_task()
def run_job(job_id: int) -> None:
    """Run a background job (core/jobs.py): an import, recomputing a month."""
    execute_job(job_id)


@db_periodic_task(crontab(hour="3", minute="17"))
def forget_old_idempotency_keys() -> None:
    """API idempotency keys (core/idempotency.py) are kept a week, long enough for any retry."""
    from core.idempotency import forget_old_keys

    forget_old_keys()
