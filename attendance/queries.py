"""Reads of attendance for pages, API and exports: judged days scoped like people, month
summaries (ATT-03..07) built from the stored judgements with a fixed number of queries."""

from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.sql.constants import MULTI
from django.http import Http404
from django.utils import timezone

from attendance.models import DayJudgement, MonthClose, ProxySigning, Punch
from attendance.rules import AttendancePolicy, DayResult, MonthSummary, add_day, close_month_summary
from attendance.services import judge_people, policy_company_id
from core import clock
from core.clock import month_bounds
from core.policy import PolicyBook
from core.workcalendar import WorkCalendar
from people.models import OrgUnit, Person
from people.queries import people_for, person_of, sees_everything
from people.roles import Role

# ATT-07: who closes a station's month; ATT-02: who records a confirmed proxy signing.
MONTH_CLOSERS = {Role.STATION_HEAD, Role.STATION_MANAGER, Role.OPS_MANAGER}
PROXY_RECORDERS = {Role.STATION_HEAD, Role.STATION_MANAGER, Role.GROUP_LEADER, Role.OPS_MANAGER}
# Overtime buckets of the 考勤汇总表 (加班时长 工作日/休息日/节假日), keyed by calendar day kind.
OVERTIME_KINDS = ("workday", "rest", "holiday")


@dataclass
class PersonMonth:
    """One person's month: the ATT-07 summary of the stored days plus what the days do not hold."""

    person: Person
    summary: MonthSummary
    makeup_count: int = 0  # 补卡次数: approved make-up punches recorded in the month
    overtime_hours: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(OVERTIME_KINDS, Decimal("0"))
    )
    judged_days: int = 0
    locked: bool = False  # the month is closed for this person
    corrections: int = 0  # closed days whose recomputation differs (shown, never applied)
    arrival: Any = None  # ATT-10 ArrivalMonth of a resident; None for everyone else
    personal_leave: Any = None  # REQ-06 leave.rules.LeaveDeduction; None: no personal leave


# What month_summaries reads of a stored day: add_day's attributes, the lock and the correction.
SUMMARY_FIELDS = (
    "workday",
    "absent_days",
    "leave_days",
    "leave_type",
    "trip_days",
    "late_count",
    "late_minutes",
    "serious_late",
    "absent_late",
    "early_count",
    "early_minutes",
    "missing_in",
    "missing_out",
    "locked",
    "correction",
)
SummaryDay = namedtuple("SummaryDay", SUMMARY_FIELDS)


def _summary_days(days: QuerySet[DayJudgement]) -> Iterator[tuple[int, SummaryDay]]:
    """(person id, SummaryDay) of the stored days, streamed in chunks, without the JSON rules
    and evidence of each day. The figures of a day take few distinct values: each distinct row
    is converted once, as Django converts it (decimals, booleans, JSON), and shared (a
    SummaryDay cannot change); converting every value of every row was most of the time of a
    month summary."""
    compiler = days.values_list("person_id", *SUMMARY_FIELDS).query.get_compiler(using=days.db)
    connection = compiler.connection
    chunked = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    chunks = compiler.execute_sql(MULTI, chunked_fetch=chunked, chunk_size=2000)
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])

    def converted(raw) -> list[Any]:
        row = list(raw)
        for pos, (functions, expression) in converters.items():
            for function in functions:
                row[pos] = function(row[pos], expression, connection)
        return row

    seen: dict[tuple, SummaryDay] = {}
    for chunk in chunks:
        for raw in chunk:
            if 0 in converters:  # the person id (no backend converts an integer key)
                row = converted(raw)
                yield row[0], SummaryDay._make(row[1:])
                continue
            key = tuple(raw[1:])
            try:
                day = seen.get(key)
            except TypeError:  # an unhashable value (none is expected)
                day, key = None, None
            if day is None:
                day = SummaryDay._make(converted(raw)[1:])
                if key is not None:
                    seen[key] = day
            yield raw[0], day


def month_range(month: date) -> tuple[datetime, datetime]:
    """Aware [start, end) of a month in the configured time zone."""
    first, last = month_bounds(month)
    low = timezone.make_aware(datetime.combine(first, time.min))
    high = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return low, high


def month_summaries(
    people_qs: QuerySet[Person], month: date, *, book: PolicyBook | None = None
) -> list[PersonMonth]:
    """Per person (in the queryset's order) the month summary of the stored judgements with the
    fines and notice level of the policy in force at the month's end (ATT-03..07).

    A fixed number of queries for any number of people: people, judgements (streamed),
    make-up punches, overtime requests, policy versions and calendar overrides.
    """
    from leave.models import Request  # leave builds on attendance: imported here against a cycle

    first, last = month_bounds(month)
    book = book or PolicyBook()
    rows = {p.pk: PersonMonth(p, MonthSummary()) for p in people_qs}
    if not rows:
        return []
    # A page of people (sliced) is passed as its ids; otherwise as a subquery of any size.
    ids = list(rows) if people_qs.query.is_sliced else people_qs.values("pk")
    judgements = _summary_days(
        DayJudgement.objects.filter(person_id__in=ids, date__gte=first, date__lte=last).order_by(
            "person_id", "date"
        )
    )
    for person_id, day in judgements:
        row = rows.get(person_id)
        if row is None:
            continue
        add_day(row.summary, day)
        row.judged_days += 1
        row.locked |= day.locked
        row.corrections += day.correction is not None
    low, high = month_range(first)
    for person_id, count in (
        Punch.objects.filter(
            person_id__in=ids, source=Punch.Source.MAKEUP, at__gte=low, at__lt=high
        )
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    ):
        rows[person_id].makeup_count = count
    calendar = WorkCalendar(
        first, last, use_cn_calendar=book.policy_for(None, on=last)["att.cn_calendar"]
    )
    for person_id, start_at, end_at, hours in Request.objects.filter(
        person_id__in=ids,
        kind=Request.Kind.OVERTIME,
        status=Request.Status.APPROVED,
        start_at__gte=low,
        start_at__lt=high,
    ).values_list("person_id", "start_at", "end_at", "hours"):
        kind = calendar.day(timezone.localtime(start_at).date()).kind
        rows[person_id].overtime_hours[kind] += overtime_hours(start_at, end_at, hours)
    policies: dict[int | None, AttendancePolicy] = {}  # per company: made once
    for row in rows.values():
        company_id = policy_company_id(row.person)
        if company_id not in policies:
            policies[company_id] = AttendancePolicy.from_policy(
                book.policy_for(company_id, on=last)
            )
        close_month_summary(row.summary, policies[company_id])
    _add_arrivals_and_personal_leave(rows, first, book)
    return list(rows.values())


def _add_arrivals_and_personal_leave(rows: dict[int, PersonMonth], month: date, book) -> None:
    """ATT-10 arrival facts of the residents and REQ-06 personal leave of those who took some:
    a few queries over those people only."""
    from attendance.arrival import arrival_months
    from leave.deduction import personal_leave_months

    people = [row.person for row in rows.values()]
    for person_id, arrival in arrival_months(people, month, at=clock.now(), book=book).items():
        rows[person_id].arrival = arrival
    for person_id, deduction in personal_leave_months(people, month, book=book).items():
        rows[person_id].personal_leave = deduction


def overtime_hours(start_at: datetime | None, end_at: datetime | None, hours) -> Decimal:
    """ATT-09: the approved hours; without them, the length of the approved time range."""
    if hours:
        return Decimal(hours)
    if start_at and end_at and end_at > start_at:
        seconds = Decimal(int((end_at - start_at).total_seconds()))
        return (seconds / 3600).quantize(Decimal("0.1"))
    return Decimal("0")


# --- scoping ------------------------------------------------------------------------------------


def judgements_for(user) -> QuerySet[DayJudgement]:
    """Judged days of the people the user may see (people_for)."""
    qs = DayJudgement.objects.select_related("person")
    if sees_everything(user):
        return qs
    return qs.filter(person__in=people_for(user).values("pk"))


def access_day(user, person_pk: int, day: date) -> DayJudgement:
    judgement = judgements_for(user).filter(person_id=person_pk, date=day).first()
    if judgement is None:
        raise Http404
    return judgement


def people_of_unit_for(user, unit: OrgUnit, month: date) -> QuerySet[Person]:
    """People of the unit's subtree the user may see: active ones and those judged in the month
    (someone who left mid-month still has an attendance month)."""
    first, last = month_bounds(month)
    in_month = DayJudgement.objects.filter(date__gte=first, date__lte=last).values("person_id")
    return (
        people_for(user)
        .filter(unit__path__startswith=unit.path)
        .filter(Q(active=True) | Q(pk__in=in_month))
        .order_by("staff_no")
    )


def month_close_of(unit: OrgUnit, month: date) -> MonthClose | None:
    """The close of this unit's month or of a unit above it (closing a region locks its stations)."""
    ancestors = [int(p) for p in unit.path.strip("/").split("/") if p]
    return (
        MonthClose.objects.filter(unit_id__in=ancestors, month=month_bounds(month)[0])
        .select_related("closed_by", "unit")
        .order_by("closed_at")
        .first()
    )


def can_close_month(user) -> bool:
    """ATT-07: station heads and managers close their station's month, the ops manager any."""
    if getattr(user, "is_superuser", False):
        return True
    me = person_of(user)
    return me is not None and me.role in MONTH_CLOSERS


def can_record_proxy(user) -> bool:
    """ATT-02: supervisors record a confirmed proxy signing of people they see."""
    if getattr(user, "is_superuser", False):
        return True
    me = person_of(user)
    return me is not None and me.role in PROXY_RECORDERS


# --- pages --------------------------------------------------------------------------------------


def punches_between(person: Person, start: date, end: date) -> QuerySet[Punch]:
    low = timezone.make_aware(datetime.combine(start, time.min))
    high = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return Punch.objects.filter(person=person, at__gte=low, at__lt=high).order_by("at")


def stored_days(person: Person, start: date, end: date) -> dict[date, DayJudgement]:
    return {
        j.date: j
        for j in DayJudgement.objects.filter(person=person, date__gte=start, date__lte=end)
    }


def provisional_days(person: Person, start: date, end: date) -> dict[date, DayResult]:
    """Judgements computed now and not stored: today "so far" and days not judged yet."""
    if end < start:
        return {}
    return {day: result for _pk, day, result in judge_people([person.pk], start, end)}


def flagged_punches_for(people_qs: QuerySet[Person], month: date) -> QuerySet[Punch]:
    """ATT-02: punches flagged as the same device as another person's, for review."""
    low, high = month_range(month)
    return (
        Punch.objects.filter(
            person__in=people_qs.values("pk"), flagged=True, at__gte=low, at__lt=high
        )
        .select_related("person")
        .order_by("at")
    )


def proxy_signings_for(people_qs: QuerySet[Person], month: date) -> QuerySet[ProxySigning]:
    first, last = month_bounds(month)
    ids = people_qs.values("pk")
    return (
        ProxySigning.objects.filter(date__gte=first, date__lte=last)
        .filter(Q(signer_id__in=ids) | Q(signee_id__in=ids))
        .select_related("signer", "signee", "recorded_by")
        .order_by("date", "pk")
    )
