"""A judged month for the summary, page, API and export tests: October 2026 (National Day
holidays 1–7 October, adjusted working Saturday 10 October) for engineer_a of station A."""

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from attendance.models import Punch
from attendance.services import recompute_days
from leave.models import LeaveType, Request

TZ = ZoneInfo("Asia/Shanghai")
OCTOBER = date(2026, 10, 1)
ON_TIME = ("08:25", "11:35", "12:55", "17:05")


def at(day: date, hhmm: str) -> datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=TZ)


def punches(person, day: date, times, source: str = "app") -> list[Punch]:
    now = at(day, "23:00")
    return Punch.objects.bulk_create(
        [Punch(person=person, at=at(day, t), source=source, created_at=now) for t in times]
    )


def leave_type(code: str, name: str, name_en: str = "") -> LeaveType:
    return LeaveType.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})[
        0
    ]


def approved(person, kind: str, **fields) -> Request:
    return Request.objects.create(
        person=person,
        kind=kind,
        status=Request.Status.APPROVED,
        reason="test",
        created_at=at(date(2026, 9, 30), "09:00"),
        **fields,
    )


def october(org) -> SimpleNamespace:
    """engineer_a in October 2026 (default split shift 08:30–11:30, 13:00–17:00):
    four late arrivals (20, 35 serious, 10, 15 = 80 min: ATT-05 band 1), one early leave of
    20 min, a day of personal leave, a sick morning, a trip day, a missing sign-out, an absence,
    one make-up punch and overtime on a holiday, a rest day and a working day.
    vendor_engineer_a: two late arrivals (criticism, no fine)."""
    me = org.engineer_a
    personal = leave_type("personal", "事假", "Personal leave")
    sick = leave_type("sick", "病假", "Sick leave")
    d = lambda n: date(2026, 10, n)  # noqa: E731 - short dates for the table below
    plan = {
        d(8): ON_TIME,
        d(9): ("08:50", "11:30", "13:00", "17:00"),  # late 20
        d(10): ON_TIME,  # 调休: a working Saturday (ATT-08)
        d(12): ("09:05", "11:30", "13:00", "17:00"),  # late 35, serious
        d(13): ("08:40", "11:30", "13:00", "17:00"),  # late 10
        d(14): ("08:45", "11:30", "13:00", "17:00"),  # late 15: the 4th (ATT-04)
        d(15): ("08:30", "11:30", "13:00", "16:40"),  # early leave 20 (ATT-06)
        d(19): ("13:00", "17:00"),  # sick in the morning
        d(21): ("08:30", "11:30", "13:00"),  # missing sign-out
        d(23): ("08:30", "11:30", "13:00"),  # + an approved make-up punch at 17:00
        **{d(n): ON_TIME for n in (26, 27, 28, 29, 30)},
    }
    for day, times in plan.items():
        punches(me, day, times)
    punches(me, d(23), ["17:00"], source=Punch.Source.MAKEUP)
    approved(me, Request.Kind.LEAVE, leave_type=personal, start_date=d(16), end_date=d(16))
    approved(
        me, Request.Kind.LEAVE, leave_type=sick, start_date=d(19), end_date=d(19), end_half="am"
    )
    approved(me, Request.Kind.TRIP, start_date=d(20), end_date=d(20), destination="广州")
    # 22 October: no punch, no request → absent (REQ-04).
    approved(
        me, Request.Kind.OVERTIME, start_at=at(d(3), "09:00"), end_at=at(d(3), "13:00"), hours=4
    )
    approved(me, Request.Kind.OVERTIME, start_at=at(d(17), "09:00"), end_at=at(d(17), "11:00"))
    approved(
        me, Request.Kind.OVERTIME, start_at=at(d(27), "19:00"), end_at=at(d(27), "21:30"), hours=2
    )
    # Not counted: pending overtime and overtime in another month.
    Request.objects.create(
        person=me,
        kind=Request.Kind.OVERTIME,
        status=Request.Status.PENDING,
        start_at=at(d(24), "09:00"),
        end_at=at(d(24), "12:00"),
        hours=3,
        reason="pending",
        created_at=at(d(24), "08:00"),
    )
    approved(
        me,
        Request.Kind.OVERTIME,
        start_at=at(date(2026, 11, 7), "09:00"),
        end_at=at(date(2026, 11, 7), "12:00"),
        hours=3,
    )
    other = org.vendor_engineer_a
    for n in (8, 9, 10, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29, 30):
        punches(other, d(n), ON_TIME)
    Punch.objects.filter(person=other, at=at(d(9), "08:25")).update(at=at(d(9), "08:40"))
    Punch.objects.filter(person=other, at=at(d(12), "08:25")).update(at=at(d(12), "08:35"))
    people = [me.pk, other.pk, org.leader_a.pk, org.manager_a.pk]
    recompute_days(person_ids=people, start=OCTOBER, end=date(2026, 10, 31))
    return SimpleNamespace(
        month=OCTOBER,
        person=me,
        other=other,
        personal=personal,
        sick=sick,
        workdays=18,
        late_count=4,
        late_minutes=80,
        serious_late_count=1,
        serious_late_minutes=35,
        early_count=1,
        early_minutes=20,
        missing_out=1,
        absent_days=Decimal("1"),
        leave_days={"personal": Decimal("1"), "sick": Decimal("0.5")},
        trip_days=Decimal("1"),
        makeup_count=1,
        overtime={"workday": Decimal("2"), "rest": Decimal("2"), "holiday": Decimal("4")},
    )
