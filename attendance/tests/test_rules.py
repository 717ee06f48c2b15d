"""Attendance rules straight from RULES.md §2, at their boundaries."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attendance.rules import (
    AttendancePolicy,
    DayFacts,
    Excuse,
    MonthSummary,
    add_day,
    close_month_summary,
    judge_day,
    late_band_fine,
    summarise_month,
)

TZ = ZoneInfo("Asia/Shanghai")
POLICY = AttendancePolicy()


def at(hhmmss: str, day: int = 3) -> datetime:
    h, m, *s = (int(x) for x in hhmmss.split(":"))
    return datetime(2026, 11, day, h, m, s[0] if s else 0, tzinfo=TZ)


PLAIN = [(at("08:30"), at("17:00"))]
SPLIT = [(at("08:30"), at("11:30")), (at("13:00"), at("17:00"))]


def judge(punches, blocks=PLAIN, policy=POLICY, **kw):
    return judge_day(
        DayFacts(day_kind="workday", blocks=blocks, punches=[at(p) for p in punches], **kw), policy
    )


@pytest.mark.parametrize(
    ("arrival", "status", "late_minutes"),
    [
        ("08:29:59", "on_time", 0),
        ("08:30:00", "on_time", 0),
        ("08:30:59", "on_time", 0),  # ATT-04: whole minutes, a started minute is not late
        ("08:31:00", "late", 1),
        ("09:30:00", "late", 60),  # exactly 60 min: late, not absent ("逾一小时(不含)")
        ("09:30:59", "late", 60),
        ("09:31:00", "absent", 0),  # ATT-04: more than 60 min → absence
    ],
)
def test_att_04_lateness_at_its_boundaries(arrival, status, late_minutes):
    result = judge([arrival, "17:00"])
    assert (result.status, result.late_minutes) == (status, late_minutes)
    assert result.absent_late == (status == "absent")
    if status != "on_time":
        assert "ATT-04" in result.rule_ids


def test_att_04_counting_started_minutes_is_a_policy_choice():
    policy = AttendancePolicy(whole_minutes=False)
    result = judge(["08:30:01", "17:00"], policy=policy)
    assert (result.status, result.late_minutes) == ("late", 1)


def test_att_04_grace_minutes_and_serious_lateness():
    policy = AttendancePolicy(late_grace_minutes=5, serious_late_minutes=30)
    assert judge(["08:35", "17:00"], policy=policy).status == "on_time"
    result = judge(["08:36", "17:00"], policy=policy)
    assert (result.status, result.late_minutes, result.serious_late) == ("late", 6, False)
    assert judge(["09:00", "17:00"], policy=policy).serious_late


@pytest.mark.parametrize(
    ("leaving", "status", "early_minutes"),
    [
        ("17:00", "on_time", 0),
        ("16:59:01", "on_time", 0),
        ("16:59", "early", 1),
        ("16:00", "early", 60),
    ],
)
def test_att_06_early_leave(leaving, status, early_minutes):
    result = judge(["08:20", leaving])
    assert (result.status, result.early_minutes) == (status, early_minutes)


def test_a_working_day_without_punches_or_request_is_absent_req_04():
    result = judge([])
    assert (result.status, result.absent_days) == ("absent", Decimal("1"))
    assert "REQ-04" in result.rule_ids


def test_one_missing_punch_is_a_missing_punch_not_an_absence():
    result = judge(["08:25"])
    assert (result.status, result.missing_out, result.absent_days) == ("missing", 1, 0)


def test_split_shift_att_01_four_punches():
    result = judge(["08:29", "11:31", "13:05", "17:01"], blocks=SPLIT)
    assert (result.status, result.late_count, result.late_minutes) == ("late", 1, 5)
    # The whole afternoon block without a punch is half a day of absence.
    result = judge(["08:29", "11:31"], blocks=SPLIT)
    assert (result.status, result.absent_days, result.missing_in) == ("absent", Decimal("0.5"), 0)


def test_a_punch_at_noon_goes_to_the_nearest_checkpoint():
    # 12:00 is before the midpoint (12:15) between 11:30 and 13:00: the morning sign-out.
    result = judge(["08:30", "12:00", "13:00", "17:00"], blocks=SPLIT)
    assert result.status == "on_time"
    result = judge(["08:30", "12:20", "17:00"], blocks=SPLIT)  # 12:20 is an early sign-in for 13:00
    assert (result.missing_out, result.status) == (1, "missing")


def test_approved_leave_excuses_the_day_req_01():
    excuses = [Excuse("leave", "am", "personal", 7), Excuse("leave", "pm", "personal", 7)]
    result = judge([], excuses=excuses)
    assert (result.status, result.leave_days, result.leave_type) == (
        "leave",
        Decimal("1"),
        "personal",
    )
    assert result.evidence["requests"] == [7]


def test_half_day_leave_leaves_the_other_half_to_be_worked():
    result = judge(["13:00", "17:00"], blocks=SPLIT, excuses=[Excuse("leave", "am", "sick", 1)])
    assert (result.status, result.leave_days, result.absent_days) == ("leave", Decimal("0.5"), 0)
    result = judge([], blocks=SPLIT, excuses=[Excuse("leave", "am", "sick", 1)])
    assert (result.status, result.absent_days) == ("absent", Decimal("0.5"))


def test_a_trip_needs_no_sign_in_req_07():
    result = judge([], excuses=[Excuse("trip", "am"), Excuse("trip", "pm")])
    assert (result.status, result.trip_days) == ("trip", Decimal("1"))
    assert "REQ-07" in result.rule_ids


def test_proxy_signing_makes_the_day_absent_att_02():
    result = judge(["08:00", "17:00"], proxy_signing=True)
    assert (result.status, result.absent_days) == ("absent", Decimal("1"))
    assert "ATT-02" in result.rule_ids


def test_rest_days_and_holidays_are_not_judged_att_08():
    assert (
        judge_day(DayFacts(day_kind="holiday", blocks=[], calendar_name="国庆节"), POLICY).status
        == "holiday"
    )
    assert judge_day(DayFacts(day_kind="rest", blocks=[]), POLICY).status == "rest"


def month_of(late_minutes_list=(), early_minutes_list=(), absent_late=0):
    summary = MonthSummary()
    for minutes in late_minutes_list:
        add_day(
            summary, judge([(at("08:30") + timedelta(minutes=minutes)).strftime("%H:%M"), "17:00"])
        )
    for minutes in early_minutes_list:
        add_day(
            summary, judge(["08:30", (at("17:00") - timedelta(minutes=minutes)).strftime("%H:%M")])
        )
    for _ in range(absent_late):
        add_day(summary, judge(["10:00", "17:00"]))
    return close_month_summary(summary, POLICY)


def fines(summary):
    return {f.code: f.amount for f in summary.fines}


def test_att_04_the_fourth_late_arrival_is_fined_the_third_not():
    assert "late_each" not in fines(month_of([5, 5, 5]))
    assert fines(month_of([5, 5, 5, 5]))["late_each"] == Decimal("20.00")
    assert fines(month_of([5] * 6))["late_each"] == Decimal("60.00")


def test_att_04_late_beyond_an_hour_is_absent_and_fined_double():
    summary = month_of(absent_late=1)
    assert fines(summary)["late_absence"] == Decimal("40.00")
    assert summary.absent_days == 1 and summary.late_count == 0


@pytest.mark.parametrize(
    ("minutes", "fine"),
    [(59, "0"), (60, "100"), (100, "100"), (101, "200"), (150, "200"), (151, "500")],
)
def test_att_05_bands_of_cumulative_late_minutes(minutes, fine):
    assert late_band_fine(minutes, POLICY)[1] == Decimal(fine)


def test_att_05_band_applies_to_the_months_late_minutes():
    summary = month_of([50, 51])  # 101 min, two arrivals
    assert fines(summary)["late_band"] == Decimal("200.00")


def test_att_06_early_leave_fines_and_sixty_minutes_make_an_absence():
    summary = month_of(early_minutes_list=[30, 29])
    assert fines(summary)["early_each"] == Decimal("40.00")
    assert summary.early_absence_days == 0
    summary = month_of(early_minutes_list=[30, 30])
    assert summary.early_absence_days == 1 and summary.total_absent_days == 1


@pytest.mark.parametrize(
    ("lates", "level"), [(0, ""), (1, "criticism"), (3, "criticism"), (4, "vendor_notice")]
)
def test_att_03_notice_level(lates, level):
    assert month_of([5] * lates).notice_level == level


times = st.lists(st.integers(min_value=6 * 60, max_value=20 * 60), max_size=6)


@given(times, st.randoms())
def test_judgement_does_not_depend_on_the_order_punches_arrive_in(minutes, rnd):
    punches = [at("00:00") + timedelta(minutes=m) for m in minutes]
    shuffled = list(punches)
    rnd.shuffle(shuffled)
    facts = DayFacts(day_kind="workday", blocks=SPLIT, punches=punches)
    again = DayFacts(day_kind="workday", blocks=SPLIT, punches=shuffled)
    assert judge_day(facts, POLICY) == judge_day(again, POLICY)


@given(st.lists(times, max_size=25))
def test_the_month_equals_the_sum_of_its_days(days):
    results = [
        judge_day(
            DayFacts(
                day_kind="workday",
                blocks=SPLIT,
                punches=[at("00:00") + timedelta(minutes=m) for m in d],
            ),
            POLICY,
        )
        for d in days
    ]
    summary = summarise_month(results, POLICY)
    assert summary.late_minutes == sum(r.late_minutes for r in results)
    assert summary.early_count == sum(r.early_count for r in results)
    assert summary.absent_days == sum(r.absent_days for r in results)
    assert summary.workdays == len(results)
    assert summary.attended_days + summary.absent_days == len(results)
    assert summary.fine_total >= 0
