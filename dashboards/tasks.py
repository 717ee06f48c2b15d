"""Keeping the rolled-up monthly figures of the heavy charts fresh (rollup.py): this and last
month every ten minutes (late breaches and judgements still land in last month), the whole
last year and a month nightly, and any month of that year not rolled up yet right away."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import clock
from dashboards.models import RolledMonth
from dashboards.rollup import ROLLED, refresh_months
from dashboards.rules import DEFAULT_MONTHS, add_months


@db_periodic_task(crontab(minute="*/10"))
def refresh_recent_figures() -> int:
    this_month = clock.today().replace(day=1)
    first = add_months(this_month, -DEFAULT_MONTHS)
    rolled = RolledMonth.objects.filter(month__gte=first).values("chart", "month").distinct()
    if rolled.count() < len(ROLLED) * (DEFAULT_MONTHS + 1):
        return refresh_months(first, this_month)
    return refresh_months(add_months(this_month, -1), this_month)


@db_periodic_task(crontab(hour="1", minute="10"))
def refresh_year_figures() -> int:
    this_month = clock.today().replace(day=1)
    return refresh_months(add_months(this_month, -DEFAULT_MONTHS), this_month)
