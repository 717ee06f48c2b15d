"""Background tasks of the leave app: take ids, call one service."""

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import clock
from leave.models import Request
from leave.services import remind_trip_report

# Trips that ended longer ago than this are not chased any more.
REMIND_WITHIN_DAYS = 60


@db_periodic_task(crontab(hour="9", minute="0"))
def remind_trip_reports() -> int:
    """REQ-07: every morning, ask travellers back from an approved trip for the report (once)."""
    today = clock.today()
    due = Request.objects.filter(
        kind=Request.Kind.TRIP,
        status=Request.Status.APPROVED,
        trip_report_at__isnull=True,
        end_date__lt=today,
        end_date__gte=today - timedelta(days=REMIND_WITHIN_DAYS),
    ).values_list("pk", flat=True)
    return sum(remind_trip_report(pk) for pk in due)
