"""Month close (KPI-11): bring a station's ledger in line, lock the month and keep each person's
statement; reopening by the operations manager; wage records for the settlement guard."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from assessment.services import evaluate_thresholds, generate_entries
from core import audit, clock
from core.clock import month_bounds
from core.errors import DomainError, ValidationErrors
from core.jobs import job_progress, start_job
from core.models import Job
from core.policy import PolicyBook
from people.models import OrgUnit, Person
from people.queries import person_of
from statements.locks import locked_people
from statements.models import AssessmentClose, Statement, WageRecord
from statements.queries import CLOSERS, WAGE_EDITORS, build_statements, people_of_month

CHUNK = 500  # people per snapshot query: bounded memory for large stations


@dataclass
class CloseResult:
    month: date
    closed: list[int] = field(default_factory=list)  # AssessmentClose ids made now
    already_closed: list[int] = field(default_factory=list)  # unit ids closed before
    statements: int = 0
    entries_changed: int = 0
    decisions_proposed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": f"{self.month:%Y-%m}",
            "closed": self.closed,
            "already_closed": self.already_closed,
            "statements": self.statements,
            "entries_changed": self.entries_changed,
            "decisions_proposed": self.decisions_proposed,
        }


def _require_closer(by: Any) -> None:
    """KPI-11: the operations manager closes months (None: the scheduled close of the system)."""
    if by is None or getattr(getattr(by, "user", by), "is_superuser", False):
        return
    me = by if isinstance(by, Person) else person_of(by)
    if me is None or me.role not in CLOSERS:
        raise DomainError(_("Only the operations manager closes assessment months."), field="by")


def _check_month(month: date) -> date:
    first, last = month_bounds(month)
    if last >= clock.today():
        raise DomainError(_("A month can be closed only after it has ended."), field="month")
    return first


def stations_to_close(unit: OrgUnit | None) -> list[OrgUnit]:
    if unit is not None:
        return [unit]
    return list(OrgUnit.objects.filter(kind=OrgUnit.Kind.STATION).order_by("path"))


def close_month(
    month: date, *, unit: OrgUnit | None = None, by: Any, job: Job | None = None
) -> CloseResult:
    """KPI-11: close the assessment month of one station (`unit`) or of every station (None).

    First the ledger is brought in line with the facts (generate_entries, evaluate_thresholds),
    then each station's month is locked (an audited AssessmentClose) and each person's statement
    is kept as it stands. A station already closed is left as it is, so closing twice changes
    nothing. Each station is closed in its own transaction: nothing is half-written.
    """
    _require_closer(by)
    month = _check_month(month)
    stations = stations_to_close(unit)
    result = CloseResult(month)
    steps = len(stations) + 2
    job_progress(job, 0, steps)
    # The whole month at once when closing everywhere (one pass over the facts).
    scope = (
        None if unit is None else list(people_of_month(unit, month).values_list("pk", flat=True))
    )
    result.entries_changed = generate_entries(month, person_ids=scope)
    job_progress(job, 1, steps)
    result.decisions_proposed = evaluate_thresholds(month, person_ids=scope)
    job_progress(job, 2, steps)
    book = PolicyBook()
    for done, station in enumerate(stations, start=3):
        closed = _close_station(station, month, by=by, book=book)
        if closed is None:
            result.already_closed.append(station.pk)
        else:
            result.closed.append(closed[0].pk)
            result.statements += closed[1]
        job_progress(job, done, steps)
    return result


@transaction.atomic
def _close_station(
    unit: OrgUnit, month: date, *, by: Any, book: PolicyBook
) -> tuple[AssessmentClose, int] | None:
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)  # one closer per station
    if AssessmentClose.objects.filter(unit=unit, month=month, reopened_at__isnull=True).exists():
        return None
    close = AssessmentClose.objects.create(
        unit=unit, month=month, closed_at=clock.now(), closed_by=getattr(by, "user", by)
    )
    # People already locked by a close above or below this unit keep that statement.
    people = people_of_month(unit, month).exclude(pk__in=locked_people(month))
    ids = list(people.values_list("pk", flat=True))  # fixed before any snapshot is written
    count = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        batch = list(Person.objects.filter(pk__in=chunk).select_related("unit"))
        count += _snapshot(close, batch, book)
    audit.record(
        close,
        "statements.month.closed",
        by=by,
        data={"unit": unit.pk, "month": month, "statements": count},
    )
    return close, count


def _snapshot(close: AssessmentClose, people: list[Person], book: PolicyBook) -> int:
    statements = build_statements(people, close.month, book=book)
    Statement.objects.bulk_create(
        [
            Statement(
                close=close,
                person_id=s.person_id,
                month=close.month,
                points=s.points,
                total=s.total,
                data=s.as_data(),
            )
            for s in statements.values()
        ],
        batch_size=CHUNK,
    )
    return len(statements)


def start_close(month: date, *, unit: OrgUnit | None = None, by: Any) -> Job:
    """Hand the close to the worker; the job page (/jobs/<id>/) shows its progress."""
    _require_closer(by)
    month = _check_month(month)
    return start_job(
        "statements.close",
        {"month": f"{month:%Y-%m-%d}", "unit_id": unit.pk if unit else None},
        by=by,
    )


def close_job(job: Job) -> dict:
    """params: month (ISO date), unit_id (or None: every station)."""
    from django.contrib.auth import get_user_model

    unit_id = job.params.get("unit_id")
    unit = OrgUnit.objects.get(pk=unit_id) if unit_id else None
    by = get_user_model().objects.filter(pk=job.created_by_id).first()
    month = date.fromisoformat(job.params["month"])
    return close_month(month, unit=unit, by=by, job=job).as_dict()


def close_last_month(*, on: date | None = None) -> CloseResult | None:
    """The scheduled close: on the policy's close day, last month is closed for every station."""
    from core.policy import policy_for

    today = on or clock.today()
    if today.day != policy_for(None, on=today)["kpi.close_day"]:
        return None
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return close_month(last_month, unit=None, by=None)


@transaction.atomic
def reopen_month(close: AssessmentClose, *, by: Any, reason: str) -> AssessmentClose:
    """KPI-11: the operations manager reopens a closed month, giving the reason; the ledger can
    change again and the month must be closed again to hand it over."""
    if by is None:
        raise DomainError(_("Only the operations manager reopens assessment months."), field="by")
    _require_closer(by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for reopening the month."), field="reason")
    close = AssessmentClose.objects.select_for_update().get(pk=close.pk)
    if close.reopened_at is not None:
        raise DomainError(_("This month has already been reopened."), field="month")
    close.reopened_at = clock.now()
    close.reopened_by = getattr(by, "user", by)
    close.reopen_reason = reason
    close.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    Statement.objects.filter(close=close).update(active=False)
    audit.record(close, "statements.month.reopened", by=by, data={"reason": reason})
    return close


# --- wages (settlement guard) -------------------------------------------------------------------


def _money(raw: Any, field_name: str, *, required: bool) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        if required:
            raise DomainError(_("A value is required."), field=field_name)
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise DomainError(_("Enter a number."), field=field_name) from None
    if not value.is_finite() or value <= 0:
        raise DomainError(_("Enter an amount above zero."), field=field_name)
    if value != value.quantize(Decimal("0.01")):
        raise DomainError(_("Use at most 2 decimal places."), field=field_name)
    return value


@transaction.atomic
def save_wage_record(
    person: Person,
    *,
    monthly_wage: Any,
    minimum_wage: Any,
    effective_from: date | None,
    by: Any,
) -> WageRecord:
    """HR records a person's monthly wage and the local minimum wage from a day on (a record
    for the same day is replaced). Audited."""
    me = by if isinstance(by, Person) else person_of(by)
    if not getattr(getattr(by, "user", by), "is_superuser", False) and (
        me is None or me.role not in WAGE_EDITORS
    ):
        raise DomainError(_("Only HR records wages."), field="by")
    errors = {}
    wage = minimum = None
    try:
        wage = _money(monthly_wage, "monthly_wage", required=True)
    except DomainError as exc:
        errors["monthly_wage"] = exc.message
    try:
        minimum = _money(minimum_wage, "minimum_wage", required=False)
    except DomainError as exc:
        errors["minimum_wage"] = exc.message
    if effective_from is None:
        errors["effective_from"] = _("Give the day the wage applies from.")
    if wage is not None and minimum is not None and minimum > wage:
        errors["minimum_wage"] = _("The minimum wage is above the monthly wage.")
    if errors:
        raise ValidationErrors(errors)
    record = WageRecord.objects.filter(person=person, effective_from=effective_from).first()
    before = (
        {"monthly_wage": record.monthly_wage, "minimum_wage": record.minimum_wage} if record else {}
    )
    if record is None:
        record = WageRecord(person=person, effective_from=effective_from)
    record.monthly_wage, record.minimum_wage = wage, minimum
    record.recorded_at, record.recorded_by = clock.now(), getattr(by, "user", by)
    record.save()
    audit.record(
        record,
        "statements.wage.recorded",
        by=by,
        changes=audit.diff(before, {"monthly_wage": wage, "minimum_wage": minimum}),
        data={"effective_from": effective_from},
    )
    return record
