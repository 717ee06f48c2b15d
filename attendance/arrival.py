"""ATT-10 arrival records at the client's service desk: the writes (the engineer reports, the
client's person in charge records or confirms), the scoped reads of the desk page and the
per-day / per-month checks built on the schedule machinery of attendance.services."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from attendance.arrival_rules import (
    RESIDENT,
    ArrivalCheck,
    ArrivalMonth,
    ArrivalPolicy,
    arrival_check,
)
from attendance.models import ArrivalRecord
from attendance.services import _Facts, local_day, policy_company_id
from core import audit
from core.clock import month_bounds
from core.errors import DomainError
from core.policy import PolicyBook
from core.workcalendar import WorkCalendar
from people.models import Person
from people.queries import people_for, person_of
from people.roles import CLIENT_ROLES, COMPANY_WIDE, UNIT_WIDE, EmploymentType, Role

# Who opens the desk page (read) and who records or confirms an arrival there (ATT-10).
DESK_VIEWERS = CLIENT_ROLES | COMPANY_WIDE | UNIT_WIDE | {Role.GROUP_LEADER}
ARRIVAL_CONFIRMERS = {Role.CLIENT_PIC}


@dataclass
class ArrivalDay:
    """One resident's day at the desk: the record (if any) and the ATT-10 check."""

    person: Person
    day: date
    check: ArrivalCheck
    record: ArrivalRecord | None = None


# --- checks -------------------------------------------------------------------------------------


def arrival_days(
    people: Sequence[Person],
    start: date,
    end: date,
    *,
    at: datetime,
    book: PolicyBook | None = None,
) -> dict[tuple[int, date], ArrivalDay]:
    """(person id, day) → ArrivalDay for the resident people among `people`, with a fixed number
    of queries: the schedules, rosters and approved requests of attendance's judging, the records."""
    residents = {p.pk: p for p in people if p.employment_type == EmploymentType.RESIDENT}
    if not residents or end < start:
        return {}
    book = book or PolicyBook()
    calendar = WorkCalendar(
        start, end, use_cn_calendar=book.policy_for(None, on=end)["att.cn_calendar"]
    )
    facts = _Facts(list(residents), start, end, book)
    records = {
        (r.person_id, r.date): r
        for r in ArrivalRecord.objects.filter(
            person_id__in=list(residents), date__gte=start, date__lte=end
        ).select_related("recorded_by", "confirmed_by")
    }
    result: dict[tuple[int, date], ArrivalDay] = {}
    for info in calendar.days(start, end):
        day = info.date
        for person in residents.values():
            policy = book.policy_for(policy_company_id(person), on=day)
            record = records.get((person.pk, day))
            check = arrival_check(
                employment_type=person.employment_type,
                blocks=facts.blocks(person, day, info.is_workday, policy),
                excused_halves=[e.half for e in facts.excuses.get((person.pk, day), ())],
                arrived_at=record.arrived_at if record else None,
                at=at,
                policy=ArrivalPolicy.from_policy(policy),
            )
            result[(person.pk, day)] = ArrivalDay(person, day, check, record)
    return result


def arrival_months(
    people: Iterable[Person], month: date, *, at: datetime, book: PolicyBook | None = None
) -> dict[int, ArrivalMonth]:
    """ATT-10 facts of the month per resident person (others are left out)."""
    first, last = month_bounds(month)
    months: dict[int, ArrivalMonth] = {}
    for (person_id, _day), entry in arrival_days(
        list(people), first, last, at=at, book=book
    ).items():
        months.setdefault(person_id, ArrivalMonth()).add(entry.check)
    return months


# --- scoping ------------------------------------------------------------------------------------


def can_open_desk(user) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    me = person_of(user)
    return me is not None and me.role in DESK_VIEWERS


def can_confirm_arrival(user) -> bool:
    """ATT-10: the client's person in charge records and confirms arrivals at his desk."""
    me = person_of(user)
    return me is not None and me.role in ARRIVAL_CONFIRMERS and me.client_id is not None


def residents_for_desk(user) -> QuerySet[Person]:
    """Active resident staff the user may see; a client's person in charge sees those serving
    his company only (people_for)."""
    if not can_open_desk(user):
        return Person.objects.none()
    return (
        people_for(user)
        .filter(employment_type=EmploymentType.RESIDENT, active=True, client__isnull=False)
        .order_by("client__name", "staff_no")
    )


def access_resident(user, pk: int) -> Person:
    """A resident the user may confirm at his desk, else 404."""
    if not can_confirm_arrival(user):
        raise Http404
    person = residents_for_desk(user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


# --- writes -------------------------------------------------------------------------------------


def _check_required(person: Person, day: date, book: PolicyBook | None = None) -> None:
    if person.employment_type != RESIDENT:
        raise DomainError(_("Only resident staff keep an arrival record (ATT-10)."), field="person")
    policy = (book or PolicyBook()).policy_for(policy_company_id(person), on=day)
    if not policy["att.resident_arrival_record"]:
        raise DomainError(_("Arrival records are switched off (ATT-10)."), field="person")


@transaction.atomic
def report_arrival(person: Person, *, by: Any, at: datetime) -> tuple[ArrivalRecord, bool]:
    """ATT-10: the resident engineer reports his arrival at the desk from his phone page.
    Once per day: a second tap returns the first record unchanged (created = False)."""
    day = local_day(at)
    _check_required(person, day)
    record, created = ArrivalRecord.objects.get_or_create(
        person=person,
        date=day,
        defaults={
            "arrived_at": at,
            "source": ArrivalRecord.Source.SELF,
            "recorded_by": getattr(by, "user", by),
            "created_at": at,
        },
    )
    if created:
        audit.record(record, "attendance.arrival.reported", by=by, data={"at": at})
    return record, created


@transaction.atomic
def confirm_arrival(
    person: Person, *, by: Any, at: datetime, note: str = ""
) -> tuple[ArrivalRecord, bool]:
    """ATT-10: the client's person in charge confirms a resident at the desk: he confirms the
    engineer's own report, or records the arrival now when there is none. Once per day: a
    confirmed record is returned unchanged (changed = False)."""
    day = local_day(at)
    _check_required(person, day)
    user = getattr(by, "user", by)
    note = note.strip()[:200]
    record = ArrivalRecord.objects.select_for_update().filter(person=person, date=day).first()
    if record is None:
        record, created = ArrivalRecord.objects.get_or_create(
            person=person,
            date=day,
            defaults={
                "arrived_at": at,
                "source": ArrivalRecord.Source.DESK,
                "recorded_by": user,
                "desk_note": note,
                "confirmed_by": user,
                "confirmed_at": at,
                "created_at": at,
            },
        )
        if created:
            audit.record(
                record, "attendance.arrival.recorded", by=by, data={"at": at, "note": note}
            )
            return record, True
        record = ArrivalRecord.objects.select_for_update().get(pk=record.pk)
    if record.confirmed_at is not None:
        return record, False
    record.confirmed_by, record.confirmed_at = user, at
    if note:
        record.desk_note = note
    record.save(update_fields=["confirmed_by", "confirmed_at", "desk_note"])
    audit.record(
        record,
        "attendance.arrival.confirmed",
        by=by,
        changes={"confirmed_at": [None, at]},
        data={"note": note},
    )
    return record, True
