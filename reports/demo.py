"""Demo staff reports for `make run` (REP-01..04): the drafts of yesterday and today for the
outsourced and resident engineers, yesterday's reports submitted by some (one on time, one
late) and missing for the others, and a running project for REP-04."""

from datetime import timedelta

from django.db import transaction

from core import clock
from people.models import Person
from reports import drafts, services
from reports.models import Kind, Project, Report


@transaction.atomic
def load_demo_reports() -> int:
    """Idempotent: does nothing once a report exists. Returns the number of reports created."""
    if Report.objects.exists():
        return 0
    today = clock.today()
    leader = Person.objects.filter(user__username="leader1").first()
    if leader is not None and leader.client_id:
        Project.objects.get_or_create(
            name="东城机房扩容",
            client_id=leader.client_id,
            manager=leader,
            defaults={
                "start_date": today - timedelta(days=20),
                "end_date": today + timedelta(days=40),
            },
        )
    services.create_due_reports(today - timedelta(days=1))
    services.create_due_reports(today)
    yesterday = Report.objects.filter(kind=Kind.DAILY, period_start=today - timedelta(days=1))
    for n, report in enumerate(yesterday.select_related("person").order_by("person__staff_no")):
        if n % 3 == 2:
            continue  # left missing: the clock flags it late
        services.submit_report(
            report,
            by=report.person,
            text=drafts.draft_text(report, drafts.report_facts(report))
            + "巡检辖区光交箱两处，处理用户报修。",
        )
        if n % 3 == 0:  # on time: handed in forty minutes before the deadline
            Report.objects.filter(pk=report.pk).update(
                submitted_at=report.due_at - timedelta(minutes=40), late=False, late_flagged_at=None
            )
    services.run_clock(clock.now())
    return Report.objects.count()
