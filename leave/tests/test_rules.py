"""leave.rules straight from RULES.md §3 (REQ-01..11, ATT-09): no database."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workcalendar import package_day
from leave import rules
from leave.rules import Approver, Period, PersonFacts, RequestPolicy, StepSpec

POLICY = RequestPolicy()
OWN = PersonFacts(employment_type="own")
RESIDENT = PersonFacts(employment_type="resident")
SH = ZoneInfo("Asia/Shanghai")


def mon_fri(day: date) -> bool:
    return day.weekday() < 5


def cn_calendar(day: date) -> bool:
    """Mainland China working days from the chinese-calendar package (ATT-08), no overrides."""
    return package_day(day).is_workday


# --- durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "start_half", "end", "end_half", "days"),
    [
        (date(2026, 11, 16), "am", date(2026, 11, 16), "pm", Decimal("1")),
        (date(2026, 11, 16), "am", date(2026, 11, 16), "am", Decimal("0.5")),
        (date(2026, 11, 16), "pm", date(2026, 11, 16), "pm", Decimal("0.5")),
        (date(2026, 11, 16), "pm", date(2026, 11, 17), "pm", Decimal("1.5")),
        (date(2026, 11, 16), "am", date(2026, 11, 20), "pm", Decimal("5")),
        (date(2026, 11, 20), "am", date(2026, 11, 23), "pm", Decimal("2")),  # over a weekend
        (date(2026, 11, 21), "am", date(2026, 11, 22), "pm", Decimal("0")),  # weekend only
        (date(2026, 11, 16), "pm", date(2026, 11, 16), "am", Decimal("0")),  # out of order
    ],
)
def test_request_days_count_working_half_days(start, start_half, end, end_half, days):
    assert rules.request_days(Period(start, end, start_half, end_half), mon_fri) == days


def test_request_days_skip_the_national_day_holiday_and_count_the_adjusted_saturday():
    # 2026-09-30 (Wed) .. 2026-10-10 (Sat): 1 + 0 (Oct 1–7 holiday) + Oct 8, 9 + Oct 10 (调休)
    period = Period(date(2026, 9, 30), date(2026, 10, 10))
    assert rules.request_days(period, cn_calendar) == Decimal(4)


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
    length=st.integers(min_value=0, max_value=40),
    start_half=st.sampled_from(["am", "pm"]),
    end_half=st.sampled_from(["am", "pm"]),
)
def test_duration_never_exceeds_the_calendar_span_and_is_a_multiple_of_a_half_day(
    start, length, start_half, end_half
):
    period = Period(start, start + timedelta(days=length), start_half, end_half)
    days = rules.request_days(period, cn_calendar)
    assert Decimal(0) <= days <= Decimal(length + 1)
    assert (days * 2) == (days * 2).to_integral_value()


@given(
    a_start=st.integers(0, 20),
    a_len=st.integers(0, 5),
    b_start=st.integers(0, 20),
    b_len=st.integers(0, 5),
    halves=st.tuples(*[st.sampled_from(["am", "pm"])] * 4),
)
def test_overlap_is_symmetric(a_start, a_len, b_start, b_len, halves):
    base = date(2026, 11, 2)
    a = Period(base + timedelta(a_start), base + timedelta(a_start + a_len), halves[0], halves[1])
    b = Period(base + timedelta(b_start), base + timedelta(b_start + b_len), halves[2], halves[3])
    assert rules.overlaps(a, b) == rules.overlaps(b, a)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (("2026-11-16", "am", "2026-11-16", "am"), ("2026-11-16", "pm", "2026-11-16", "pm"), False),
        (("2026-11-16", "am", "2026-11-16", "pm"), ("2026-11-16", "pm", "2026-11-17", "pm"), True),
        (("2026-11-16", "am", "2026-11-18", "pm"), ("2026-11-17", "am", "2026-11-17", "am"), True),
        (("2026-11-16", "am", "2026-11-16", "pm"), ("2026-11-17", "am", "2026-11-17", "pm"), False),
    ],
)
def test_overlaps_works_in_half_days(a, b, expected):
    def period(start, start_half, end, end_half):
        return Period(date.fromisoformat(start), date.fromisoformat(end), start_half, end_half)

    assert rules.overlaps(period(*a), period(*b)) is expected


# --- REQ-01, REQ-07, REQ-08, REQ-09, ATT-09, ATT-02: approval chains --------------------------


@pytest.mark.parametrize(
    ("days", "who"),
    [
        (Decimal("0.5"), Approver.GROUP_LEADER),
        (Decimal("1"), Approver.GROUP_LEADER),  # exactly one day is inclusive
        (Decimal("1.5"), Approver.CLIENT_PIC),
        (Decimal("10"), Approver.CLIENT_PIC),
    ],
)
def test_REQ_01_leave_up_to_one_day_goes_to_the_group_leader_longer_to_the_client(days, who):
    assert rules.approval_chain("leave", days, OWN, POLICY) == [StepSpec("REQ-01", who)]


def test_REQ_01_the_limit_is_a_policy_parameter():
    policy = RequestPolicy(leader_max_leave_days=Decimal("3"))
    chain = rules.approval_chain("leave", Decimal("2.5"), OWN, policy)
    assert [s.who for s in chain] == [Approver.GROUP_LEADER]


@pytest.mark.parametrize(
    ("days", "consent", "chain"),
    [
        (Decimal("1"), True, [("REQ-01", "group_leader"), ("REQ-09", "client_pic")]),
        (Decimal("2"), True, [("REQ-01", "client_pic")]),  # the client already decides
        (Decimal("1"), False, [("REQ-01", "group_leader")]),
    ],
)
def test_REQ_09_a_resident_engineers_leave_needs_the_clients_consent(days, consent, chain):
    policy = RequestPolicy(resident_leave_client_consent=consent)
    steps = rules.approval_chain("leave", days, RESIDENT, policy)
    assert [(s.basis_rule_id, str(s.who)) for s in steps] == chain


def test_REQ_07_a_business_trip_goes_to_the_clients_person_in_charge():
    assert rules.approval_chain("trip", Decimal("3"), OWN, POLICY) == [
        StepSpec("REQ-07", Approver.CLIENT_PIC)
    ]


@pytest.mark.parametrize(
    ("steps", "chain"),
    [
        (2, ["client_pic", "unit_leader"]),
        (1, ["client_pic"]),
        (3, ["group_leader", "client_pic", "unit_leader"]),
    ],
)
def test_REQ_08_a_secondment_takes_two_steps_client_then_requesting_unit(steps, chain):
    policy = RequestPolicy(secondment_steps=steps)
    result = rules.approval_chain("secondment", Decimal("5"), OWN, policy)
    assert [str(s.who) for s in result] == chain
    assert {s.basis_rule_id for s in result} == {"REQ-08"}


def test_ATT_09_overtime_goes_to_the_department_head_unless_the_policy_waives_it():
    assert rules.approval_chain("overtime", Decimal(0), OWN, POLICY) == [
        StepSpec("ATT-09", Approver.STATION_HEAD)
    ]
    waived = RequestPolicy(overtime_needs_approval=False)
    assert rules.approval_chain("overtime", Decimal(0), OWN, waived) == []


def test_ATT_02_a_make_up_punch_goes_to_the_group_leader():
    assert rules.approval_chain("makeup", Decimal(0), OWN, POLICY) == [
        StepSpec("ATT-02", Approver.GROUP_LEADER)
    ]


def test_step_basis_names_rule_and_role():
    assert StepSpec("REQ-01", Approver.GROUP_LEADER).basis == "REQ-01 group_leader"


# --- REQ-02 advance notice -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "filed", "needs_notice", "emergency", "ok"),
    [
        ("2026-11-17", "2026-11-17", True, False, False),  # the same day: refused
        ("2026-11-17", "2026-11-17", True, True, True),  # emergency: allowed (REQ-03)
        ("2026-11-17", "2026-11-16", True, False, True),  # one day ahead
        ("2026-11-17", "2026-11-18", True, False, False),  # afterwards
        ("2026-11-17", "2026-11-17", False, False, True),  # sick leave needs no notice
    ],
)
def test_REQ_02_personal_leave_is_filed_a_day_in_advance(start, filed, needs_notice, emergency, ok):
    assert (
        rules.notice_ok(
            "leave",
            needs_notice,
            date.fromisoformat(start),
            date.fromisoformat(filed),
            POLICY,
            emergency=emergency,
        )
        is ok
    )


def test_REQ_02_notice_applies_to_leave_only_and_its_days_are_policy():
    assert rules.notice_ok("trip", True, date(2026, 11, 17), date(2026, 11, 17), POLICY)
    policy = RequestPolicy(personal_leave_notice_days=Decimal("3"))
    assert not rules.notice_ok("leave", True, date(2026, 11, 19), date(2026, 11, 17), policy)
    assert rules.notice_ok("leave", True, date(2026, 11, 20), date(2026, 11, 17), policy)


# --- REQ-03 retroactive emergency requests --------------------------------------------------


@pytest.mark.parametrize(
    ("end", "deadline"),
    [
        ("2026-11-17", "2026-11-19"),  # Tue → back Wed, deadline Thu
        ("2026-11-20", "2026-11-24"),  # Fri → back Mon, deadline Tue (over the weekend)
        ("2026-09-30", "2026-10-09"),  # National Day 10-01..07 → back Thu 10-08, deadline Fri
        ("2026-10-09", "2026-10-12"),  # Fri 10-09 → back Sat 10-10 (调休 workday), deadline Mon
    ],
)
def test_REQ_03_the_deadline_is_the_second_working_day_after_return(end, deadline):
    assert rules.retro_deadline(date.fromisoformat(end), cn_calendar, POLICY) == date.fromisoformat(
        deadline
    )


@pytest.mark.parametrize(
    ("filed", "allowed"),
    [("2026-11-23", True), ("2026-11-24", True), ("2026-11-25", False)],
)
def test_REQ_03_past_the_deadline_the_days_stay_absent(filed, allowed):
    end = date(2026, 11, 20)
    assert rules.retro_allowed(end, date.fromisoformat(filed), cn_calendar, POLICY) is allowed


def test_REQ_03_the_number_of_working_days_is_policy():
    policy = RequestPolicy(retro_deadline_working_days=1)
    assert rules.retro_deadline(date(2026, 11, 20), cn_calendar, policy) == date(2026, 11, 23)


def test_REQ_03_a_request_is_retroactive_once_its_first_day_has_begun():
    assert rules.is_retroactive(date(2026, 11, 16), date(2026, 11, 17))
    assert not rules.is_retroactive(date(2026, 11, 17), date(2026, 11, 17))


# --- REQ-05, ATT-02, REQ-10, REQ-07, ATT-09 --------------------------------------------------


@pytest.mark.parametrize(
    ("needs_certificate", "days", "required"),
    [
        (True, Decimal("1"), False),  # up to the limit: no certificate
        (True, Decimal("1.5"), True),
        (False, Decimal("5"), False),  # not sick leave
    ],
)
def test_REQ_05_sick_leave_over_the_limit_needs_a_certificate(needs_certificate, days, required):
    assert rules.certificate_required(needs_certificate, days, POLICY) is required


@pytest.mark.parametrize(("already", "allowed"), [(0, True), (2, True), (3, False), (4, False)])
def test_ATT_02_make_up_punches_are_limited_per_month(already, allowed):
    assert rules.makeup_allowed(already, POLICY) is allowed


@pytest.mark.parametrize(
    ("kind", "status", "employment", "allowed"),
    [
        ("leave", "approved", "reserve", True),
        ("leave", "pending", "reserve", False),
        ("leave", "approved", "own", False),
        ("trip", "approved", "reserve", False),
    ],
)
def test_REQ_10_only_a_reserve_engineer_covers_an_approved_leave(kind, status, employment, allowed):
    assert rules.cover_allowed(kind, status, employment, POLICY) is allowed
    assert not rules.cover_allowed(kind, status, employment, RequestPolicy(reserve_cover=False))


def test_REQ_07_the_trip_report_is_due_days_after_return():
    assert rules.trip_report_due(date(2026, 11, 20), POLICY) == date(2026, 11, 23)


def test_ATT_09_overtime_hours_are_counted_in_half_hours():
    start = datetime(2026, 11, 21, 9, 0, tzinfo=SH)
    assert rules.overtime_hours(start, start + timedelta(hours=3, minutes=50)) == Decimal("3.5")
    assert rules.overtime_hours(start, start + timedelta(minutes=20)) == Decimal(0)


def test_request_policy_reads_the_policy_parameters():
    from core.policy import DEFAULTS, Policy

    policy = RequestPolicy.from_policy(Policy(values=dict(DEFAULTS)))
    assert policy == RequestPolicy()
