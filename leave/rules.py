"""Pure decisions about requests and approvals (RULES.md §3, REQ-01..11, ATT-09).

No ORM, no request, no `now()`: every function takes plain facts and a `RequestPolicy` and
returns its answer. The rule ID of each decision is in its docstring and, for approval steps,
in the returned `StepSpec.basis_rule_id`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

IsWorkday = Callable[[date], bool]

HALF_DAY = Decimal("0.5")
AM, PM = "am", "pm"  # leave.models.Half values

LEAVE, TRIP, SECONDMENT, OVERTIME, MAKEUP = "leave", "trip", "secondment", "overtime", "makeup"
# Kinds that take whole or half days off the regular work and so may not overlap each other.
ABSENCE_KINDS = frozenset({LEAVE, TRIP, SECONDMENT})
RESIDENT = "resident"  # people.roles.EmploymentType.RESIDENT
RESERVE = "reserve"  # people.roles.EmploymentType.RESERVE


class Approver(enum.StrEnum):
    """Who decides a step; services.py resolves each to a person of the organisation."""

    GROUP_LEADER = "group_leader"  # 组长 / 项目组长
    CLIENT_PIC = "client_pic"  # 甲方负责人
    STATION_HEAD = "station_head"  # 站长 / 部门负责人 (ATT-09 "department head")
    UNIT_LEADER = "unit_leader"  # leader of the requesting unit of a secondment (REQ-08)


@dataclass(frozen=True)
class StepSpec:
    basis_rule_id: str
    who: Approver

    @property
    def basis(self) -> str:
        """Stored on ApprovalStep.basis, e.g. "REQ-01 group_leader"."""
        return f"{self.basis_rule_id} {self.who}"


@dataclass(frozen=True)
class PersonFacts:
    employment_type: str = "own"


@dataclass(frozen=True)
class RequestPolicy:
    """The request parameters of the policy in force, with the RULES.md defaults."""

    leader_max_leave_days: Decimal = Decimal("1")  # REQ-01
    personal_leave_notice_days: Decimal = Decimal("1")  # REQ-02
    retro_deadline_working_days: int = 2  # REQ-03
    sick_certificate_after_days: Decimal = Decimal("1")  # REQ-05
    trip_report_due_days: Decimal = Decimal("3")  # REQ-07
    secondment_steps: int = 2  # REQ-08
    resident_leave_client_consent: bool = True  # REQ-09
    reserve_cover: bool = True  # REQ-10
    makeup_punches_per_month: int = 3  # ATT-02
    overtime_needs_approval: bool = True  # ATT-09

    @classmethod
    def from_policy(cls, policy: Any) -> RequestPolicy:
        """Build from a `core.policy.Policy` (anything answering policy["key"])."""
        return cls(
            leader_max_leave_days=policy["req.leader_max_leave_days"],
            personal_leave_notice_days=policy["req.personal_leave_notice_days"],
            retro_deadline_working_days=policy["req.retro_deadline_working_days"],
            sick_certificate_after_days=policy["req.sick_certificate_after_days"],
            trip_report_due_days=policy["req.trip_report_due_days"],
            secondment_steps=policy["req.secondment_steps"],
            resident_leave_client_consent=policy["req.resident_leave_client_consent"],
            reserve_cover=policy["req.reserve_cover"],
            makeup_punches_per_month=policy["req.makeup_punches_per_month"],
            overtime_needs_approval=policy["att.overtime_needs_approval"],
        )


# --- Periods and durations -------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole or half days: from `start_date` (morning or afternoon) to `end_date` (inclusive)."""

    start_date: date
    end_date: date
    start_half: str = AM
    end_half: str = PM

    @property
    def first_slot(self) -> tuple[date, int]:
        return (self.start_date, 0 if self.start_half == AM else 1)

    @property
    def last_slot(self) -> tuple[date, int]:
        return (self.end_date, 0 if self.end_half == AM else 1)


def period_in_order(period: Period) -> bool:
    """The period ends at or after its start (the afternoon of a day comes after its morning)."""
    return period.first_slot <= period.last_slot


def request_days(period: Period, is_workday: IsWorkday) -> Decimal:
    """Working days a period takes, in half days: only days `is_workday` counts, a period that
    starts in the afternoon or ends in the morning takes half of that day (REQ-01, REQ-06)."""
    if not period_in_order(period):
        return Decimal(0)
    total = Decimal(0)
    day = period.start_date
    while day <= period.end_date:
        if is_workday(day):
            share = Decimal(1)
            if day == period.start_date and period.start_half == PM:
                share -= HALF_DAY
            if day == period.end_date and period.end_half == AM:
                share -= HALF_DAY
            total += share
        day += timedelta(days=1)
    return total


def overlaps(a: Period, b: Period) -> bool:
    """Two periods share at least one half day (a morning leave and an afternoon trip do not)."""
    return a.first_slot <= b.last_slot and b.first_slot <= a.last_slot


# --- Approval chains (REQ-01, REQ-07, REQ-08, REQ-09, ATT-09) -------------------------------


def approval_chain(
    kind: str, days: Decimal, person: PersonFacts, policy: RequestPolicy
) -> list[StepSpec]:
    """The approvers of a request, in order.

    - REQ-01: leave up to `leader_max_leave_days` (inclusive) → group leader; longer → the
      client's person in charge.
    - REQ-09: a resident engineer's leave also needs the client's consent → a client PIC step
      is added after the group leader unless the chain already has one.
    - REQ-07 / RULES §1: a business trip → the client's person in charge.
    - REQ-08: a temporary secondment → the client's person in charge, then the requesting
      unit's leader (`secondment_steps` = 1 keeps only the first; more adds the group leader
      in front, who knows first that the engineer will be away).
    - ATT-09: overtime → the department (station) head; no step when the policy does not ask
      for prior approval.
    - ATT-02: a make-up punch → the group leader.
    An empty chain means the request needs no approval.
    """
    if kind == LEAVE:
        if days <= policy.leader_max_leave_days:
            chain = [StepSpec("REQ-01", Approver.GROUP_LEADER)]
        else:
            chain = [StepSpec("REQ-01", Approver.CLIENT_PIC)]
        if (
            person.employment_type == RESIDENT
            and policy.resident_leave_client_consent
            and all(step.who != Approver.CLIENT_PIC for step in chain)
        ):
            chain.append(StepSpec("REQ-09", Approver.CLIENT_PIC))
        return chain
    if kind == TRIP:
        return [StepSpec("REQ-07", Approver.CLIENT_PIC)]
    if kind == SECONDMENT:
        chain = [StepSpec("REQ-08", Approver.CLIENT_PIC), StepSpec("REQ-08", Approver.UNIT_LEADER)]
        if policy.secondment_steps <= 1:
            return chain[:1]
        if policy.secondment_steps >= 3:
            chain.insert(0, StepSpec("REQ-08", Approver.GROUP_LEADER))
        return chain
    if kind == OVERTIME:
        return [StepSpec("ATT-09", Approver.STATION_HEAD)] if policy.overtime_needs_approval else []
    if kind == MAKEUP:
        return [StepSpec("ATT-02", Approver.GROUP_LEADER)]
    raise ValueError(f"unknown request kind {kind!r}")


# --- Filing in time (REQ-02, REQ-03) ---------------------------------------------------------


def notice_ok(
    kind: str,
    leave_type_needs_notice: bool,
    start_date: date,
    filed_on: date,
    policy: RequestPolicy,
    *,
    emergency: bool = False,
) -> bool:
    """REQ-02: leave of a type that needs notice (personal leave) is filed at least
    `personal_leave_notice_days` before it starts. Emergency requests (REQ-03) are exempt."""
    if kind != LEAVE or not leave_type_needs_notice or emergency:
        return True
    return Decimal((start_date - filed_on).days) >= policy.personal_leave_notice_days


def nth_workday_after(day: date, n: int, is_workday: IsWorkday) -> date:
    """The n-th working day after `day` (n = 0 is `day` itself)."""
    current, found = day, 0
    while found < n:
        current += timedelta(days=1)
        if is_workday(current):
            found += 1
    return current


def retro_deadline(end_date: date, is_workday: IsWorkday, policy: RequestPolicy) -> date:
    """REQ-03: an emergency request is filed by the n-th working day after the leave, where the
    day of return is the first (n = `retro_deadline_working_days`, 2 by default). Leave ending
    on Friday: return Monday, deadline Tuesday."""
    return nth_workday_after(end_date, policy.retro_deadline_working_days, is_workday)


def is_retroactive(start_date: date, filed_on: date) -> bool:
    """A request filed after its first day has begun is retroactive (REQ-03)."""
    return start_date < filed_on


def retro_allowed(
    end_date: date, filed_on: date, is_workday: IsWorkday, policy: RequestPolicy
) -> bool:
    """REQ-03: filed no later than the deadline; past it the days stay absent (REQ-04)."""
    return filed_on <= retro_deadline(end_date, is_workday, policy)


# --- Attachments, limits, cover, trip report (REQ-05, ATT-02, REQ-10, REQ-07) ----------------


def certificate_required(
    leave_type_needs_certificate: bool, days: Decimal, policy: RequestPolicy
) -> bool:
    """REQ-05: sick leave of more than `sick_certificate_after_days` needs a certificate."""
    return leave_type_needs_certificate and days > policy.sick_certificate_after_days


def makeup_allowed(already_this_month: int, policy: RequestPolicy) -> bool:
    """ATT-02: at most `makeup_punches_per_month` make-up punch requests per person and month
    (pending and approved ones count; rejected and withdrawn ones do not)."""
    return already_this_month < policy.makeup_punches_per_month


def cover_allowed(
    request_kind: str, request_status: str, cover_employment_type: str, policy: RequestPolicy
) -> bool:
    """REQ-10: a reserve engineer may cover an approved leave."""
    return (
        policy.reserve_cover
        and request_kind == LEAVE
        and request_status == "approved"
        and cover_employment_type == RESERVE
    )


def trip_report_due(end_date: date, policy: RequestPolicy) -> date:
    """REQ-07: the trip report is due `trip_report_due_days` after the last day of the trip."""
    return end_date + timedelta(days=int(policy.trip_report_due_days))


def overtime_hours(start_at: datetime, end_at: datetime) -> Decimal:
    """ATT-09: hours of an overtime request, rounded down to half hours."""
    minutes = int((end_at - start_at).total_seconds() // 60)
    return Decimal(max(minutes, 0) // 30) * HALF_DAY


# --- Personal leave deducts pay (REQ-06) -----------------------------------------------------

HalfHours = Callable[[date, str], Decimal]  # schedule hours of a half day (0 when not working)
SHARE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class LeaveDeduction:
    """REQ-06: the personal leave of a person-month and the share of the month's pay it takes."""

    days: Decimal = Decimal(0)  # working days taken, in half days
    hours: Decimal = Decimal(0)  # the schedule hours of those half days
    working_days: int = 0  # working days of the month
    share: Decimal = Decimal(0)  # days / working days; 0 when the policy does not deduct
    rule_id: str = "REQ-06"


def leave_halves(period: Period, first: date, last: date) -> set[tuple[date, str]]:
    """The half days (day, "am"/"pm") a period covers within [first, last]."""
    halves: set[tuple[date, str]] = set()
    if not period_in_order(period):
        return halves
    day = max(period.start_date, first)
    while day <= min(period.end_date, last):
        for half in (AM, PM):
            slot = (day, 0 if half == AM else 1)
            if period.first_slot <= slot <= period.last_slot:
                halves.add((day, half))
        day += timedelta(days=1)
    return halves


def personal_leave_deduction(
    periods: Iterable[Period],
    first: date,
    last: date,
    is_workday: IsWorkday,
    half_hours: HalfHours,
    *,
    pro_rata: bool,
) -> LeaveDeduction:
    """REQ-06: personal leave deducts pay for the time taken, pro rata.

    `periods` are the approved personal (unpaid) leave of one person; only their half days inside
    the month [first, last] on working days count (a holiday or rest day inside the leave is not
    taken from work). Hours are the schedule hours of those half days. The share of the month's
    pay deducted is days / working days of the month, at most 1; with `pro_rata` off the days are
    still reported but nothing is deducted.
    """
    taken: set[tuple[date, str]] = set()
    for period in periods:
        taken |= leave_halves(period, first, last)
    counted = sorted((day, half) for day, half in taken if is_workday(day))
    days = HALF_DAY * len(counted)
    hours = sum((Decimal(half_hours(day, half)) for day, half in counted), Decimal(0))
    working_days = sum(
        1 for n in range((last - first).days + 1) if is_workday(first + timedelta(days=n))
    )
    share = Decimal(0)
    if pro_rata and working_days and days:
        share = min(days / working_days, Decimal(1)).quantize(SHARE_PLACES)
    return LeaveDeduction(days, hours.quantize(Decimal("0.01")), working_days, share)
