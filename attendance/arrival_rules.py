"""ATT-10: the daily arrival record (到岗记录) of long-term resident staff at the client's
service desk. Pure: the day's schedule, the excused halves, the record and the moment in, the
decision out. Lateness counts like ATT-04 (the same grace and whole-minute rule), measured from
the first working block the person is not excused from.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from attendance.rules import AM, PM, AttendancePolicy, counted_minutes

RESIDENT = "resident"  # people.roles.EmploymentType.RESIDENT

# The states of a resident's day at the desk.
NOT_REQUIRED = "not_required"  # not resident, switch off, rest day, holiday, excused all day
EXPECTED = "expected"  # no record yet, the expected arrival has not come
OVERDUE = "overdue"  # no record, past the expected arrival, the working day not over
MISSING = "missing"  # no record and the working day is over
ON_TIME = "on_time"
LATE = "late"
STATES = (NOT_REQUIRED, EXPECTED, OVERDUE, MISSING, ON_TIME, LATE)


@dataclass(frozen=True)
class ArrivalPolicy:
    required: bool = True  # att.resident_arrival_record
    late_grace_minutes: int = 0  # att.late_grace_minutes (ATT-04)
    whole_minutes: bool = True  # att.late_whole_minutes (ATT-04)

    @classmethod
    def from_policy(cls, policy) -> "ArrivalPolicy":
        return cls(
            required=policy["att.resident_arrival_record"],
            late_grace_minutes=policy["att.late_grace_minutes"],
            whole_minutes=policy["att.late_whole_minutes"],
        )


@dataclass(frozen=True)
class ArrivalCheck:
    state: str
    expected_at: datetime | None = None
    late_minutes: int = 0
    rule_id: str = "ATT-10"

    @property
    def counts_against(self) -> bool:
        """A fact of the month: a missing record or a late arrival."""
        return self.state in (MISSING, LATE)


def expected_arrival(
    blocks: Sequence[tuple[datetime, datetime]], excused_halves: Iterable[str] = ()
) -> datetime | None:
    """When the resident is expected at the desk: the start of the first working block he is not
    excused from (ATT-01 schedule, REQ-01/07/08 excuses by half day). With one block, a morning
    excuse moves the arrival to the block's middle. None when nothing is left to work."""
    excused = set(excused_halves)
    if not blocks or {AM, PM} <= excused:
        return None
    if len(blocks) == 1:
        start, end = blocks[0]
        return start if AM not in excused else start + (end - start) / 2
    morning = math.ceil(len(blocks) / 2)  # as attendance.rules._half_of_block
    for index, (start, _end) in enumerate(blocks):
        if (AM if index < morning else PM) not in excused:
            return start
    return None


def arrival_check(
    *,
    employment_type: str,
    blocks: Sequence[tuple[datetime, datetime]],
    excused_halves: Iterable[str] = (),
    arrived_at: datetime | None,
    at: datetime,
    policy: ArrivalPolicy,
) -> ArrivalCheck:
    """ATT-10: the state of a person's arrival record for one day, seen at moment `at`.

    Only resident staff on a day with working blocks need a record. A record is late when the
    arrival, counted in minutes as ATT-04 counts them, exceeds the grace after the expected
    arrival. Without a record the day is `expected` before the expected arrival, `overdue` until
    the end of the last block and `missing` after it.
    """
    if not policy.required or employment_type != RESIDENT:
        return ArrivalCheck(NOT_REQUIRED)
    expected = expected_arrival(blocks, excused_halves)
    if expected is None:
        return ArrivalCheck(NOT_REQUIRED)
    if arrived_at is not None:
        minutes = counted_minutes(
            arrived_at - expected,
            AttendancePolicy(whole_minutes=policy.whole_minutes),
        )
        if minutes > policy.late_grace_minutes:
            return ArrivalCheck(LATE, expected, minutes)
        return ArrivalCheck(ON_TIME, expected)
    if at < expected:
        return ArrivalCheck(EXPECTED, expected)
    if at < blocks[-1][1]:
        return ArrivalCheck(OVERDUE, expected)
    return ArrivalCheck(MISSING, expected)


@dataclass
class ArrivalMonth:
    """ATT-10 facts of a resident's month for the summary and the 考勤汇总表."""

    required_days: int = 0
    recorded: int = 0
    late: int = 0
    missing: int = 0

    def add(self, check: ArrivalCheck) -> None:
        if check.state == NOT_REQUIRED:
            return
        self.required_days += 1
        self.recorded += check.state in (ON_TIME, LATE)
        self.late += check.state == LATE
        self.missing += check.state == MISSING
