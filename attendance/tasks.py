"""Attendance work on a timer: every night, yesterday is judged for everyone, so a day without
any punch becomes an absence (REQ-04) without waiting for someone to look at it."""

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from attendance.services import recompute_days
from core import clock
from people.models import Person


def judge_yesterday() -> int:
    yesterday = clock.today() - timedelta(days=1)
    person_ids = list(
        Person.objects.filter(active=True, unit__isnull=False).values_list("pk", flat=True)
    )
    return recompute_days(person_ids=person_ids, start=yesterday, end=yesterday)


@db_periodic_task(crontab(hour="0", minute="20"))
def judge_yesterday_task() -> None:
    judge_yesterday()
