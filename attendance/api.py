"""Attendance over the API: judged days with their rules and evidence, the monthly summary with
fines (also as the 考勤汇总表 .xlsx), and closing a month. Scoped like the pages (404 outside)."""

from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from attendance.exports import summary_workbook
from attendance.queries import (
    PersonMonth,
    can_close_month,
    judgements_for,
    month_close_of,
    month_summaries,
    people_of_unit_for,
)
from attendance.schemas import (
    DayFilters,
    DayOut,
    MonthCloseIn,
    MonthCloseOut,
    SummaryPage,
    SummaryQuery,
)
from attendance.services import close_month
from core import clock
from core.errors import DomainError
from core.pagination import Pagination
from people.queries import access_person, access_unit

router = Router(tags=["attendance"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(text: str) -> date:
    year, month = (int(x) for x in text.split("-"))
    return date(year, month, 1)


@router.get("/attendance/days", response=list[DayOut])
@paginate(Pagination)
def list_days(request, filters: Query[DayFilters]):
    """Judged days, oldest first, each with the rule IDs and evidence that led to it."""
    days = judgements_for(request.auth).order_by("person_id", "date")
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise DomainError(_("The end date is before the start date."), field="date_to")
    if filters.person_id:
        days = days.filter(person=access_person(request.auth, filters.person_id))
    if filters.date_from:
        days = days.filter(date__gte=filters.date_from)
    if filters.date_to:
        days = days.filter(date__lte=filters.date_to)
    return days


def _summary_out(row: PersonMonth) -> dict:
    s = row.summary
    return {
        "person_id": row.person.pk,
        "name": row.person.name,
        "staff_no": row.person.staff_no,
        "workdays": s.workdays,
        "attended_days": s.attended_days,
        "rest_days": s.rest_days,
        "late_count": s.late_count,
        "late_minutes": s.late_minutes,
        "serious_late_count": s.serious_late_count,
        "serious_late_minutes": s.serious_late_minutes,
        "absent_late_count": s.absent_late_count,
        "early_count": s.early_count,
        "early_minutes": s.early_minutes,
        "missing_in": s.missing_in,
        "missing_out": s.missing_out,
        "absent_days": s.total_absent_days,
        "makeup_count": row.makeup_count,
        "trip_days": s.trip_days,
        "leave_days": s.leave_days,
        "overtime_hours": row.overtime_hours,
        "fines": [f.__dict__ for f in s.fines],
        "fine_total": s.fine_total,
        "notice_level": s.notice_level,
        "rule_ids": s.rule_ids,
        "judged_days": row.judged_days,
        "locked": row.locked,
        "corrections": row.corrections,
    }


@router.get("/attendance/summary", response=SummaryPage)
def month_summary(request, query: Query[SummaryQuery]):
    """ATT-07: per person of the unit (and below) the month's counts, fines (ATT-04/05/06 with
    the band) and notice level (ATT-03), from the stored day judgements. Paginated by person."""
    unit = access_unit(request.auth, query.unit_id)
    month = _month(query.month)
    people = people_of_unit_for(request.auth, unit, month)
    page = people[query.offset : query.offset + query.limit]
    return {
        "unit_id": unit.pk,
        "month": query.month,
        "closed": month_close_of(unit, month) is not None,
        "count": people.count(),
        "items": [_summary_out(row) for row in month_summaries(page, month)],
    }


@router.get(
    "/attendance/summary.xlsx",
    openapi_extra={
        "responses": {
            200: {
                "description": "考勤汇总表",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def month_summary_xlsx(request, query: Query[SummaryQuery]):
    """The same summary as the 考勤汇总表 Excel file (all people of the unit)."""
    from leave.models import LeaveType  # leave builds on attendance

    unit = access_unit(request.auth, query.unit_id)
    month = _month(query.month)
    rows = month_summaries(people_of_unit_for(request.auth, unit, month), month)
    content = summary_workbook(
        rows,
        unit_name=unit.name,
        month=month,
        leave_types=LeaveType.objects.filter(active=True),
        generated_at=timezone.localtime(clock.now()),
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="attendance-{unit.pk}-{query.month}.xlsx"'
    )
    return response


@router.post("/attendance/months/close", response={201: MonthCloseOut})
def close_unit_month(request, payload: MonthCloseIn):
    """ATT-07: lock the unit's month (station heads/managers, the operations manager)."""
    unit = access_unit(request.auth, payload.unit_id)
    if not can_close_month(request.auth):
        raise DomainError(_("You may not close attendance months."))
    closed = close_month(unit, month=_month(payload.month), by=request.auth)
    return Status(
        201,
        {
            "id": closed.pk,
            "unit_id": unit.pk,
            "month": f"{closed.month:%Y-%m}",
            "closed_at": closed.closed_at,
            "closed_by": closed.closed_by.get_username() if closed.closed_by_id else None,
        },
    )
