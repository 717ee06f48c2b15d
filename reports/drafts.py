"""The pre-filled draft of a report (REP-01..04): the person's orders, inspections and
attendance of the period, and a readable first text the engineer edits before submitting."""

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import Person
from reports.models import Report


def _local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (
        datetime.combine(start, datetime.min.time(), tzinfo=tz),
        datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz),
    )


def _order_facts(person: Person, start: date, end: date) -> dict[str, Any]:
    from workorders.models import OPEN_STATES, Order

    lo, hi = _local_bounds(start, end)
    mine = Order.objects.filter(engineer=person)
    resolved = list(
        mine.filter(resolved_at__gte=lo, resolved_at__lt=hi)
        .order_by("resolved_at")
        .values_list("number", flat=True)[:50]
    )
    return {
        "dispatched": mine.filter(dispatched_at__gte=lo, dispatched_at__lt=hi).count(),
        "resolved": len(resolved),
        "resolved_numbers": resolved,
        "open": mine.filter(state__in=OPEN_STATES, dispatched_at__lt=hi).count(),
    }


def _inspection_facts(person: Person, start: date, end: date) -> dict[str, Any] | None:
    """Inspections of the period from the inspections app (imported lazily: None without it):
    tickets done in the period with their assets, anomalies found, and (done, planned) of the
    tickets due in the period (KPI-10's completion)."""
    try:
        from inspections.models import Answer, Ticket
        from inspections.queries import completion_by_person
    except ImportError:
        return None
    lo, hi = _local_bounds(start, end)
    done = Ticket.objects.filter(
        engineer=person, status=Ticket.Status.DONE, done_at__gte=lo, done_at__lt=hi
    )
    assets = list(done.order_by("done_at").values_list("asset__name", flat=True)[:30])
    due_done, due_planned = completion_by_person([person.pk], start, end)[person.pk]
    return {
        "done": done.count(),
        "assets": assets,
        "anomalies": Answer.objects.filter(ticket__in=done, anomaly=True).count(),
        "due_done": due_done,
        "due_planned": due_planned,
    }


def _attendance_facts(person: Person, start: date, end: date) -> dict[str, Any]:
    from attendance.models import DayJudgement, DayStatus

    days = DayJudgement.objects.filter(person=person, date__gte=start, date__lte=end)
    worked = days.filter(
        status__in=[
            DayStatus.ON_TIME,
            DayStatus.LATE,
            DayStatus.EARLY,
            DayStatus.LATE_EARLY,
            DayStatus.MISSING,
        ]
    ).count()
    sums = days.aggregate(
        late=Sum("late_count"), absent=Sum("absent_days"), leave=Sum("leave_days")
    )
    return {
        "days_worked": worked,
        "late": int(sums["late"] or 0),
        "absent_days": str(sums["absent"] or 0),
        "leave_days": str(sums["leave"] or 0),
    }


def report_facts(report: Report) -> dict[str, Any]:
    """The figures a draft is pre-filled from: the person's orders, inspections and attendance
    of the report's period."""
    start, end = report.period_start, report.period_end
    facts: dict[str, Any] = {
        "orders": _order_facts(report.person, start, end),
        "attendance": _attendance_facts(report.person, start, end),
    }
    inspections = _inspection_facts(report.person, start, end)
    if inspections is not None:
        facts["inspections"] = inspections
    return facts


def draft_text(report: Report, facts: dict[str, Any]) -> str:
    """A readable first version of the report, in the active language, for the engineer to edit."""
    orders, attendance = facts["orders"], facts["attendance"]
    if report.period_start == report.period_end:
        heading = _("{kind} {day}").format(kind=report.get_kind_display(), day=report.period_start)
    else:
        heading = _("{kind} {start} – {end}").format(
            kind=report.get_kind_display(), start=report.period_start, end=report.period_end
        )
    lines = [
        heading,
        _("Orders: {dispatched} received, {resolved} resolved, {open} still open.").format(
            **orders
        ),
    ]
    if orders["resolved_numbers"]:
        lines.append(_("Resolved: {numbers}").format(numbers=", ".join(orders["resolved_numbers"])))
    if "inspections" in facts:
        inspections = facts["inspections"]
        lines.append(
            _("Inspections: {done} done, {anomalies} anomalies found.").format(
                done=inspections["done"], anomalies=inspections["anomalies"]
            )
        )
        if inspections["assets"]:
            lines.append(_("Inspected: {assets}").format(assets=", ".join(inspections["assets"])))
    lines.append(
        _(
            "Attendance: {days_worked} days worked, {late} late arrivals, "
            "{leave_days} days of leave, {absent_days} days absent."
        ).format(**attendance)
    )
    if report.project_id:
        lines.append(_("Project: {name}").format(name=report.project.name))
    lines.append(_("Work done and issues:"))
    return "\n".join(lines) + "\n"
