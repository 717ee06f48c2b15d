"""Inspection rules from RULES §8 and CB-03, without a database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workcalendar import package_day
from inspections import rules


def cn_workday(day: date) -> bool:
    return package_day(day).is_workday


def mon_fri(day: date) -> bool:
    return day.weekday() < 5


# --- periods, windows, schedule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "day", "expected"),
    [
        ("weekly", date(2026, 10, 1), (date(2026, 9, 28), date(2026, 10, 4))),
        ("monthly", date(2026, 2, 10), (date(2026, 2, 1), date(2026, 2, 28))),
        ("monthly", date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
        ("quarterly", date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31))),
        ("quarterly", date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30))),
        ("quarterly", date(2026, 11, 3), (date(2026, 10, 1), date(2026, 12, 31))),
    ],
)
def test_period_bounds_across_months_and_quarter_ends(frequency, day, expected):
    """INS-05 quarters end on 3-31, 6-30, 9-30 and 12-31."""
    assert rules.period_bounds(frequency, day) == expected


def test_INS_01_twice_a_month_is_first_half_and_second_half():
    assert rules.windows(date(2026, 11, 1), date(2026, 11, 30), 2) == [
        (date(2026, 11, 1), date(2026, 11, 15)),
        (date(2026, 11, 16), date(2026, 11, 30)),
    ]
    assert rules.windows(date(2026, 2, 1), date(2026, 2, 28), 2) == [
        (date(2026, 2, 1), date(2026, 2, 14)),
        (date(2026, 2, 15), date(2026, 2, 28)),
    ]


@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    st.integers(min_value=1, max_value=28),
)
def test_windows_cover_the_month_without_gap_or_overlap(day, count):
    start, end = rules.period_bounds("monthly", day)
    found = rules.windows(start, end, count)
    assert found[0][0] == start and found[-1][1] == end
    for (_a, first_end), (second_start, _b) in zip(found, found[1:], strict=False):
        assert second_start == first_end + timedelta(days=1)
    lengths = [(e - s).days + 1 for s, e in found]
    assert max(lengths) - min(lengths) <= 1  # INS-01 spacing: windows of equal length


def test_INS_01_two_visits_of_a_cafe_are_about_two_weeks_apart():
    slots = rules.slots("monthly", 2, date(2026, 11, 1), date(2026, 11, 30), cn_workday)
    assert len(slots) == 2
    assert slots[0].due_on < slots[1].planned_on
    assert (slots[1].due_on - slots[0].due_on).days >= 10


def test_golden_week_moves_planned_and_due_days_off_holidays():
    """ATT-08 calendar: October 1–7, 2026 are holidays; no ticket is planned or due then."""
    slots = rules.slots("monthly", 2, date(2026, 10, 1), date(2026, 10, 31), cn_workday)
    first = slots[0]
    assert first.window_start == date(2026, 10, 1)
    assert first.planned_on == date(2026, 10, 8)  # first working day after the holiday
    for slot in slots:
        assert cn_workday(slot.planned_on) and cn_workday(slot.due_on)
        assert not date(2026, 10, 1) <= slot.planned_on <= date(2026, 10, 7)


def test_a_week_without_working_day_moves_to_the_next_working_day():
    """INS-06 weekly: a whole week of holiday (here: a calendar that works only on Mondays of
    another week) still gets its inspection, on the first working day after it."""

    def only(days):
        return lambda d: d in days

    slot = rules.schedule(date(2026, 10, 1), date(2026, 10, 7), only({date(2026, 10, 9)}))
    assert slot.planned_on == slot.due_on == date(2026, 10, 9)


def test_INS_06_weekly_slots_follow_the_weeks():
    slots = rules.slots("weekly", 1, date(2026, 11, 2), date(2026, 11, 29), mon_fri)
    assert [s.window_start for s in slots] == [date(2026, 11, d) for d in (2, 9, 16, 23)]
    assert all(s.due_on.weekday() == 4 for s in slots)  # Friday


def test_INS_05_quarterly_slots_one_per_quarter():
    slots = rules.slots("quarterly", 1, date(2026, 1, 1), date(2026, 12, 31), cn_workday)
    assert [s.window_start for s in slots] == [date(2026, m, 1) for m in (1, 4, 7, 10)]
    assert slots[2].due_on == date(2026, 9, 30)
    assert slots[3].due_on == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("frequency", "per_period", "field"),
    [
        ("weekly", 8, "per_period"),
        ("weekly", 0, "per_period"),
        ("monthly", 29, "per_period"),
        ("quarterly", 91, "per_period"),
        ("daily", 1, "frequency"),
    ],
)
def test_an_impossible_recurrence_is_named(frequency, per_period, field):
    assert field in rules.recurrence_errors(frequency, per_period)


def test_possible_recurrences_have_no_errors():
    assert rules.recurrence_errors("monthly", 2) == {}
    assert rules.recurrence_errors("weekly", 7) == {}
    assert rules.recurrence_errors("monthly", None) == {}


def test_INS_03_sample_minimum_above_maximum_is_impossible():
    errors = rules.recurrence_errors("weekly", 1, sampled=True, sample_min=4, sample_max=3)
    assert "sampled" in errors


# --- INS-03 sampling -----------------------------------------------------------------------------


@given(st.integers(0, 10), st.integers(0, 10), st.text(max_size=10))
def test_INS_03_sample_size_stays_within_its_range(low, high, seed):
    size = rules.sample_size(low, high, seed)
    assert low <= size <= max(low, high)
    assert size == rules.sample_size(low, high, seed)  # the same week draws the same size


def test_INS_03_least_recently_inspected_boxes_first():
    candidates = [(1, date(2026, 11, 1)), (2, None), (3, date(2026, 10, 1)), (4, None)]
    assert rules.pick_sample(candidates, 3) == [2, 4, 3]


def test_INS_03_users_sample_is_reproducible():
    ids = list(range(1, 21))
    first = rules.spread_sample(ids, 4, "w")
    assert first == rules.spread_sample(ids, 4, "w") and len(first) == 4
    assert rules.spread_sample([5, 6], 4, "w") == [5, 6]


# --- answers (INS-09) ----------------------------------------------------------------------------

NUMBER = rules.ItemSpec("校准偏差", "number", True, Decimal("-5"), Decimal("5"))


@pytest.mark.parametrize(
    ("raw", "ok"),
    [("0", True), ("-5", True), ("5", True), ("5.001", False), ("-6", False), ("abc", False)],
)
def test_INS_09_a_number_outside_its_limits_is_refused(raw, ok):
    if ok:
        assert rules.check_answer(NUMBER, raw, has_photo=False).value_number == Decimal(raw)
    else:
        with pytest.raises(ValueError):
            rules.check_answer(NUMBER, raw, has_photo=False)


def test_INS_09_the_limits_are_in_the_message():
    with pytest.raises(ValueError, match=r"6 .*-5 .* 5"):
        rules.check_answer(NUMBER, "6", has_photo=False)


def test_INS_09_a_required_photo_must_be_there():
    photo = rules.ItemSpec("现场照片", "photo", True)
    with pytest.raises(ValueError):
        rules.check_answer(photo, "", has_photo=False)
    assert rules.check_answer(photo, "", has_photo=True).anomaly is False
    optional = rules.ItemSpec("维护照片", "photo", False)
    assert rules.check_answer(optional, "", has_photo=False).anomaly is False


def test_INS_04_a_failed_check_is_an_anomaly():
    cable = rules.ItemSpec("光缆无破损、无老化、无进水", "yes_no", True)
    assert rules.check_answer(cable, "no", has_photo=False).anomaly is True
    assert rules.check_answer(cable, "yes", has_photo=False).anomaly is False
    with pytest.raises(ValueError):
        rules.check_answer(cable, "", has_photo=False)


def test_a_number_within_limits_may_still_be_marked_an_anomaly():
    checked = rules.check_answer(NUMBER, "4", has_photo=False, marked_anomaly=True)
    assert checked.anomaly and checked.value_number == 4


@pytest.mark.parametrize(
    ("name", "head", "size", "ok"),
    [
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 12, 1000, True),
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, 1000, True),
        ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ", 1000, True),
        ("a.heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 4, 1000, True),
        ("a.pdf", b"%PDF-1.7" + b"\x00" * 8, 1000, False),
        ("a.jpg", b"MZ\x90\x00" + b"\x00" * 12, 1000, False),
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 12, 11 * 1024 * 1024, False),
    ],
)
def test_photos_are_images_of_limited_size(name, head, size, ok):
    problem = rules.photo_problem(name, size, head, 10 * 1024 * 1024)
    assert (problem is None) == ok


# --- INS-02, CB-03, KPI-10 ------------------------------------------------------------------------


@pytest.mark.parametrize(("faults", "due"), [(2, False), (3, True), (7, True)])
def test_INS_02_special_inspection_from_the_fault_count(faults, due):
    assert rules.special_inspection_due(faults, 3) is due


def test_INS_02_one_event_key_per_cafe_and_day():
    assert rules.special_event_key(4, date(2026, 11, 3)) == rules.special_event_key(
        4, date(2026, 11, 3)
    )
    assert rules.special_event_key(4, date(2026, 11, 3)) != rules.special_event_key(
        4, date(2026, 11, 4)
    )


def test_CB_03_spot_check_sample_is_about_the_percentage():
    sampled = sum(rules.in_spot_check_sample(pk, 10) for pk in range(1, 5001))
    assert 400 <= sampled <= 600
    assert not any(rules.in_spot_check_sample(pk, 0) for pk in range(1, 200))
    assert all(rules.in_spot_check_sample(pk, 100) for pk in range(1, 200))


def test_KPI_10_completion_rate():
    assert rules.completion_rate(3, 4) == Decimal("75.0")
    assert rules.completion_rate(0, 0) is None


@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 1)),
    st.sampled_from(["weekly", "monthly", "quarterly"]),
    st.integers(min_value=1, max_value=4),
)
def test_slots_respect_chinese_holidays_and_adjusted_working_days(day, frequency, count):
    """ATT-08 with chinese-calendar: a planned or due day is always a working day (an adjusted
    working Saturday counts), never before its window, and the due day is not before the
    planned day; a window with working days keeps both inside it."""
    start, end = rules.period_bounds(frequency, day)
    for slot in rules.slots(frequency, count, start, end, cn_workday):
        assert cn_workday(slot.planned_on) and cn_workday(slot.due_on)
        assert slot.window_start <= slot.planned_on <= slot.due_on
        has_workday = any(
            cn_workday(slot.window_start + timedelta(days=i))
            for i in range((slot.window_end - slot.window_start).days + 1)
        )
        if has_workday:
            assert slot.due_on <= slot.window_end


def test_an_adjusted_working_saturday_is_used():
    """2026-10-10 is a Saturday worked for National Day (调休)."""
    assert rules.schedule(date(2026, 10, 10), date(2026, 10, 11), cn_workday).due_on == date(
        2026, 10, 10
    )


def test_a_window_already_past_is_not_planned():
    """No ticket is born overdue (it would count as a missed inspection, KPI-10)."""
    slot = rules.schedule(date(2026, 10, 26), date(2026, 11, 1), mon_fri)
    assert slot.due_on == date(2026, 10, 30)
    assert not rules.plannable(slot, date(2026, 11, 3))
    assert rules.plannable(slot, date(2026, 10, 30))
