"""Attendance decisions (RULES §2): judging a day from its schedule, punches and excuses, and
summarising a month into counts, fines and the notice level. Pure: facts and policy in, decision out.
"""

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from core.money import cny

AM, PM = "am", "pm"
ON_TIME, LATE, EARLY, LATE_EARLY = "on_time", "late", "early", "late_early"
MISSING, ABSENT, LEAVE, TRIP, SECONDED, HOLIDAY, REST = (
    "missing",
    "absent",
    "leave",
    "trip",
    "seconded",
    "holiday",
    "rest",
)


@dataclass(frozen=True)
class AttendancePolicy:
    late_grace_minutes: int = 0  # ATT-04 allowed lateness
    whole_minutes: bool = True  # ATT-04: 08:30:59 at an 08:30 start is on time
    serious_late_minutes: int = 30  # ATT-04 serious lateness
    late_absence_minutes: int = 60  # ATT-04: more than this → the day is an absence
    late_free_count: int = 3  # ATT-04: the 4th late arrival is fined
    late_fine: Decimal = Decimal("20")  # ATT-04
    late_absence_fine_factor: int = 2  # ATT-04: "fined double"
    late_bands: tuple[
        tuple[int, Decimal], ...
    ] = (  # ATT-05: (from minutes, fine); band 1 inclusive
        (60, Decimal("100")),
        (100, Decimal("200")),
        (150, Decimal("500")),
    )
    early_leave_fine: Decimal = Decimal("20")  # ATT-06
    early_leave_absence_minutes: int = 60  # ATT-06
    notice_threshold: int = 3  # ATT-03
    proxy_signing_absent: bool = True  # ATT-02

    @classmethod
    def from_policy(cls, policy) -> "AttendancePolicy":
        return cls(
            late_grace_minutes=policy["att.late_grace_minutes"],
            whole_minutes=policy["att.late_whole_minutes"],
            serious_late_minutes=policy["att.serious_late_minutes"],
            late_absence_minutes=policy["att.late_absence_minutes"],
            late_free_count=policy["att.late_free_count"],
            late_fine=policy["att.late_fine"],
            late_absence_fine_factor=policy["att.late_absence_fine_factor"],
            late_bands=(
                (policy["att.late_band1_minutes"], policy["att.late_band1_fine"]),
                (policy["att.late_band2_minutes"], policy["att.late_band2_fine"]),
                (policy["att.late_band3_minutes"], policy["att.late_band3_fine"]),
            ),
            early_leave_fine=policy["att.early_leave_fine"],
            early_leave_absence_minutes=policy["att.early_leave_absence_minutes"],
            notice_threshold=policy["att.notice_threshold"],
            proxy_signing_absent=policy["att.proxy_signing_absent"],
        )


@dataclass(frozen=True)
class Excuse:
    """An approved request covering half a day: kind leave/trip/seconded, half am/pm."""

    kind: str
    half: str
    leave_type: str = ""
    request_id: int | None = None


@dataclass(frozen=True)
class DayFacts:
    """Everything the judgement of one person's day depends on."""

    day_kind: str  # workday | rest | holiday (the working calendar, ATT-08)
    blocks: Sequence[
        tuple[datetime, datetime]
    ]  # the schedule's blocks that day; empty = not working
    punches: Sequence[datetime] = ()
    excuses: Sequence[Excuse] = ()
    proxy_signing: bool = False
    calendar_name: str = ""


@dataclass
class DayResult:
    status: str
    workday: bool = False
    late_minutes: int = 0
    late_count: int = 0
    serious_late: bool = False
    absent_late: bool = False
    early_minutes: int = 0
    early_count: int = 0
    missing_in: int = 0
    missing_out: int = 0
    absent_days: Decimal = Decimal("0")
    leave_type: str = ""
    leave_days: Decimal = Decimal("0")
    trip_days: Decimal = Decimal("0")
    rule_ids: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)


def counted_minutes(delta: timedelta, policy: AttendancePolicy) -> int:
    """ATT-04: minutes counted for a lateness or early leave of `delta`.

    With whole minutes (the default) a started minute does not count: 59 s late is on time.
    Otherwise every started minute counts: 1 s late is one minute late.
    """
    seconds = delta.total_seconds()
    if seconds <= 0:
        return 0
    return int(seconds // 60) if policy.whole_minutes else math.ceil(seconds / 60)


def _half_of_block(index: int, count: int) -> str:
    """Which half of the day a block belongs to: the first ceil(n/2) blocks are the morning."""
    return AM if index < math.ceil(count / 2) else PM


def _windows(
    blocks: Sequence[tuple[datetime, datetime]],
) -> list[tuple[datetime | None, datetime | None]]:
    """Punch windows for each checkpoint (in0, out0, in1, out1, ...): a punch belongs to the
    checkpoint whose window holds it; windows meet half way between consecutive checkpoints."""
    points = [t for block in blocks for t in block]
    bounds: list[datetime | None] = [None]
    for a, b in zip(points, points[1:], strict=False):
        bounds.append(a + (b - a) / 2)
    bounds.append(None)
    return [(bounds[i], bounds[i + 1]) for i in range(len(points))]


@lru_cache(maxsize=1024)
def _schedule(key: tuple) -> tuple[tuple, tuple]:
    """(punch windows, the blocks as ISO texts) of a day's schedule. Memoised: thousands of
    people share a few schedules a day, so bulk judging computes each once. The key holds each
    block's times with their time zones, so equal instants in another zone are not confused."""
    blocks = [(start, end) for start, end, _zones in key]
    return tuple(_windows(blocks)), tuple((s.isoformat(), e.isoformat()) for s, e in blocks)


def judge_day(facts: DayFacts, policy: AttendancePolicy) -> DayResult:
    """The judgement of one day (ATT-01..06, ATT-08, REQ-04, REQ-07, REQ-08). Deterministic and
    independent of the order in which punches arrived."""
    punches = sorted(facts.punches)
    evidence: dict = {"punches": [p.isoformat() for p in punches]}
    if facts.calendar_name:
        evidence["calendar"] = facts.calendar_name
    if not facts.blocks:
        status = HOLIDAY if facts.day_kind == "holiday" else REST
        return DayResult(
            status=status,
            rule_ids=["ATT-08"] if facts.day_kind != "workday" else ["ATT-01"],
            evidence=evidence,
        )

    windows, schedule = _schedule(
        tuple((start, end, (start.tzinfo, end.tzinfo)) for start, end in facts.blocks)
    )
    evidence["schedule"] = [list(pair) for pair in schedule]
    result = DayResult(status=ON_TIME, workday=True, rule_ids=["ATT-01"], evidence=evidence)
    if facts.proxy_signing and policy.proxy_signing_absent:
        result.status, result.absent_days = ABSENT, Decimal("1")
        result.rule_ids.append("ATT-02")
        evidence["proxy_signing"] = True
        return result

    excused: dict[str, Excuse] = {}
    for excuse in facts.excuses:
        excused.setdefault(excuse.half, excuse)
    if excused:
        evidence["requests"] = sorted({e.request_id for e in excused.values() if e.request_id})
    for excuse in excused.values():
        half = Decimal("0.5")
        if excuse.kind == TRIP:
            result.trip_days += half
            _add_rule(result, "REQ-07")
        elif excuse.kind == SECONDED:
            _add_rule(result, "REQ-08")
        else:
            result.leave_days += half
            result.leave_type = result.leave_type or excuse.leave_type
            _add_rule(result, "REQ-01")

    count = len(facts.blocks)
    used: dict[str, str] = {}
    required: set[str] = set()
    worked: set[str] = set()
    missing: list[tuple[str, str]] = []  # (kind, half)
    for index, (start, end) in enumerate(facts.blocks):
        if count == 1:
            in_half, out_half = (
                AM,
                PM,
            )  # one block: a morning excuse covers sign-in, afternoon sign-out
        else:
            in_half = out_half = _half_of_block(index, count)
        for kind, moment, half, (low, high) in (
            ("in", start, in_half, windows[2 * index]),
            ("out", end, out_half, windows[2 * index + 1]),
        ):
            if half in excused:
                continue
            required.add(half)
            # The punches in [low, high): `punches` is sorted, so two bisections find them.
            first = 0 if low is None else bisect_left(punches, low)
            inside = punches[first : len(punches) if high is None else bisect_left(punches, high)]
            if not inside:
                missing.append((kind, half))
                continue
            worked.add(half)
            punch = inside[0] if kind == "in" else inside[-1]
            used[f"{kind}{index}"] = punch.isoformat()
            minutes = counted_minutes(punch - moment if kind == "in" else moment - punch, policy)
            if kind == "in" and minutes > policy.late_grace_minutes:
                _add_rule(result, "ATT-04")
                if minutes > policy.late_absence_minutes:
                    result.absent_late = True  # ATT-04: the day is an absence, fined double
                else:
                    result.late_count += 1
                    result.late_minutes += minutes
                    result.serious_late |= minutes >= policy.serious_late_minutes
            elif kind == "out" and minutes > 0:
                _add_rule(result, "ATT-06")
                result.early_count += 1
                result.early_minutes += minutes
    evidence["used"] = used

    # REQ-04: a half day without any punch and without an approved request is absent. With one
    # block a single missing punch is a missing punch (make-up possible), not an absence.
    absent_halves: set[str] = set()
    if result.absent_late:
        result.absent_days = Decimal("1")
    elif (unworked := required - worked) and (not worked or count > 1):
        absent_halves = unworked
        result.absent_days = Decimal("0.5") * len(unworked)
        _add_rule(result, "REQ-04")
    for kind, half in missing:
        if half not in absent_halves and not result.absent_late:
            if kind == "in":
                result.missing_in += 1
            else:
                result.missing_out += 1
    if result.absent_days >= 1:
        result.status = ABSENT
    elif result.late_count and result.early_count:
        result.status = LATE_EARLY
    elif result.late_count:
        result.status = LATE
    elif result.early_count:
        result.status = EARLY
    elif result.absent_days:
        result.status = ABSENT
    elif result.missing_in or result.missing_out:
        result.status = MISSING
        _add_rule(result, "ATT-02")  # a missing punch needs a make-up punch request
    elif excused:
        kinds = {e.kind for e in excused.values()}
        result.status = TRIP if kinds == {TRIP} else SECONDED if kinds == {SECONDED} else LEAVE
    return result


def _add_rule(result: DayResult, rule_id: str) -> None:
    if rule_id not in result.rule_ids:
        result.rule_ids.append(rule_id)


# --- the month --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FineLine:
    rule_id: str
    code: str  # late_each | late_absence | late_band | early_each
    count: int
    amount: Decimal
    detail: str = ""


@dataclass
class MonthSummary:
    """ATT-07: the person's month; additive fields are sums of the days (see `add_day`)."""

    workdays: int = 0  # 应出勤天数
    attended_days: Decimal = Decimal("0")  # 出勤天数
    rest_days: int = 0  # 休息天数
    late_count: int = 0
    late_minutes: int = 0
    serious_late_count: int = 0
    serious_late_minutes: int = 0
    absent_late_count: int = 0  # 旷工迟到次数
    early_count: int = 0
    early_minutes: int = 0
    missing_in: int = 0
    missing_out: int = 0
    absent_days: Decimal = Decimal("0")  # from the days; ATT-06 adds `early_absence_days`
    early_absence_days: int = 0
    leave_days: dict[str, Decimal] = field(default_factory=dict)
    trip_days: Decimal = Decimal("0")
    fines: list[FineLine] = field(default_factory=list)
    notice_level: str = ""  # "" | "criticism" | "vendor_notice" (ATT-03)
    rule_ids: list[str] = field(default_factory=list)

    @property
    def fine_total(self) -> Decimal:
        return cny(sum((f.amount for f in self.fines), Decimal("0")))

    @property
    def total_absent_days(self) -> Decimal:
        return self.absent_days + self.early_absence_days


def add_day(summary: MonthSummary, day) -> None:
    """Add one judged day (a DayResult or a DayJudgement row: same attribute names)."""
    if day.workday:
        summary.workdays += 1
        summary.attended_days += Decimal("1") - day.absent_days - day.leave_days
    else:
        summary.rest_days += 1
    summary.late_count += day.late_count
    summary.late_minutes += day.late_minutes
    if day.serious_late:
        summary.serious_late_count += 1
        summary.serious_late_minutes += day.late_minutes
    summary.absent_late_count += int(day.absent_late)
    summary.early_count += day.early_count
    summary.early_minutes += day.early_minutes
    summary.missing_in += day.missing_in
    summary.missing_out += day.missing_out
    summary.absent_days += Decimal(day.absent_days)
    if day.leave_days:
        key = day.leave_type or "leave"
        summary.leave_days[key] = summary.leave_days.get(key, Decimal("0")) + Decimal(
            day.leave_days
        )
    summary.trip_days += Decimal(day.trip_days)


def late_band_fine(minutes: int, policy: AttendancePolicy) -> tuple[int, Decimal]:
    """ATT-05: (band number, fine) for cumulative late minutes. Band 1 from its minutes inclusive
    (60–100), later bands strictly above theirs (>100–150, >150). (0, 0) below band 1."""
    band, fine = 0, Decimal("0")
    for number, (threshold, amount) in enumerate(policy.late_bands, start=1):
        if (number == 1 and minutes >= threshold) or (number > 1 and minutes > threshold):
            band, fine = number, amount
    return band, fine


def close_month_summary(summary: MonthSummary, policy: AttendancePolicy) -> MonthSummary:
    """Apply the monthly rules to the summed days: fines (ATT-04/05/06), the ATT-06 early-leave
    absence and the ATT-03 notice level."""
    fines: list[FineLine] = []
    fined_lates = max(summary.late_count - policy.late_free_count, 0)
    if fined_lates:
        fines.append(
            FineLine(
                "ATT-04",
                "late_each",
                fined_lates,
                cny(policy.late_fine * fined_lates),
                f"{summary.late_count}>{policy.late_free_count}",
            )
        )
    if summary.absent_late_count:
        amount = policy.late_fine * policy.late_absence_fine_factor * summary.absent_late_count
        fines.append(
            FineLine(
                "ATT-04",
                "late_absence",
                summary.absent_late_count,
                cny(amount),
                f">{policy.late_absence_minutes}min x{policy.late_absence_fine_factor}",
            )
        )
    band, band_fine = late_band_fine(summary.late_minutes, policy)
    if band:
        fines.append(
            FineLine("ATT-05", "late_band", band, cny(band_fine), f"{summary.late_minutes}min")
        )
    if summary.early_count:
        fines.append(
            FineLine(
                "ATT-06",
                "early_each",
                summary.early_count,
                cny(policy.early_leave_fine * summary.early_count),
            )
        )
    summary.early_absence_days = (
        1 if summary.early_minutes >= policy.early_leave_absence_minutes else 0
    )
    summary.fines = fines
    incidents = summary.late_count + summary.early_count + summary.absent_late_count
    if incidents > policy.notice_threshold:
        summary.notice_level = "vendor_notice"
    elif incidents:
        summary.notice_level = "criticism"
    else:
        summary.notice_level = ""
    rules = {f.rule_id for f in fines}
    if summary.early_absence_days:
        rules.add("ATT-06")
    if summary.notice_level:
        rules.add("ATT-03")
    summary.rule_ids = sorted(rules | {"ATT-07"})
    return summary


def summarise_month(days: Iterable, policy: AttendancePolicy) -> MonthSummary:
    summary = MonthSummary()
    for day in days:
        add_day(summary, day)
    return close_month_summary(summary, policy)
