"""REQ-06 reads: the personal leave of person-months and the share of pay it deducts, from the
approved requests and each person's schedule (attendance's schedule machinery)."""

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from attendance.services import _Facts, policy_company_id
from core.clock import month_bounds
from core.money import cny
from core.policy import PolicyBook
from core.workcalendar import WorkCalendar
from leave import rules
from leave.models import Request
from people.models import Person


def deducted_leave(people_ids) -> QuerySet[Request]:
    """Approved leave of a type that is not paid (事假, personal leave): REQ-06 deducts it."""
    return Request.objects.filter(
        person_id__in=people_ids,
        kind=Request.Kind.LEAVE,
        status=Request.Status.APPROVED,
        leave_type__paid=False,
    )


def _hours(blocks, half: str) -> Decimal:
    """Schedule hours of a half day: the morning blocks (the first ceil(n/2), as attendance
    judges halves) or the afternoon ones; a single block is split in the middle."""
    if not blocks:
        return Decimal(0)
    if len(blocks) == 1:
        start, end = blocks[0]
        seconds = (end - start).total_seconds() / 2
    else:
        morning = math.ceil(len(blocks) / 2)
        chosen = blocks[:morning] if half == rules.AM else blocks[morning:]
        seconds = sum((end - start).total_seconds() for start, end in chosen)
    return (Decimal(int(seconds)) / 3600).quantize(Decimal("0.01"))


def personal_leave_months(
    people: Iterable[Person], month: date, *, book: PolicyBook | None = None
) -> dict[int, rules.LeaveDeduction]:
    """REQ-06 per person with personal leave in the month (others are left out: nothing taken).

    A fixed number of queries: the requests, then the schedules of those people only."""
    first, last = month_bounds(month)
    people = {p.pk: p for p in people}
    periods: dict[int, list[rules.Period]] = defaultdict(list)
    for r in deducted_leave(list(people)).filter(start_date__lte=last, end_date__gte=first):
        periods[r.person_id].append(
            rules.Period(r.start_date, r.end_date, r.start_half, r.end_half)
        )
    if not periods:
        return {}
    book = book or PolicyBook()
    calendar = WorkCalendar(
        first, last, use_cn_calendar=book.policy_for(None, on=last)["att.cn_calendar"]
    )
    facts = _Facts(list(periods), first, last, book)
    result: dict[int, rules.LeaveDeduction] = {}
    for person_id, person_periods in periods.items():
        person = people[person_id]
        company_id = policy_company_id(person)

        def blocks(day: date, person=person, company_id=company_id):
            info = calendar.day(day)
            policy = book.policy_for(company_id, on=day)
            return facts.blocks(person, day, info.is_workday, policy)

        result[person_id] = rules.personal_leave_deduction(
            person_periods,
            first,
            last,
            is_workday=lambda day, blocks=blocks: bool(blocks(day)),
            half_hours=lambda day, half, blocks=blocks: _hours(blocks(day), half),
            pro_rata=book.policy_for(company_id, on=last)["req.personal_leave_pro_rata"],
        )
    return result


def deduction_amount(monthly_wage: Decimal | None, share: Decimal) -> Decimal | None:
    """REQ-06: the CNY deducted from a monthly wage for the share; None without a wage."""
    if monthly_wage is None:
        return None
    return cny(Decimal(monthly_wage) * share)
