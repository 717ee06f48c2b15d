"""Policy parameters: every RULES.md number has a default, and values are type- and range-checked."""

import re
from datetime import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError, ValidationErrors
from core.policy import DEFAULTS, Policy, validate_values
from core.policy_params import BY_KEY, PARAMETERS

RULES = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "RULES.md"


def test_every_parameter_has_a_valid_default_and_a_rule_id():
    for spec in PARAMETERS:
        assert re.fullmatch(r"(ATT|REQ|WO|KPI|BEH|CB|INS|REP|SEC)-\d{2}", spec.rule_id), spec.key
        assert spec.parse(spec.default) == DEFAULTS[spec.key]


@pytest.mark.skipif(not RULES.exists(), reason="shared/spec/RULES.md is not beside the repository")
def test_every_numbered_rule_of_the_regulations_has_a_parameter():
    ids = set(
        re.findall(r"^\| ((?:ATT|REQ|WO|KPI|BEH|CB|INS|REP)-\d{2}) \|", RULES.read_text(), re.M)
    )
    covered = {spec.rule_id for spec in PARAMETERS}
    # REQ-11 is a procedure (approval trail), not a number.
    assert ids - covered <= {"REQ-11"}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("wo.contact_within_minutes", 10),  # WO-01
        ("wo.repair_on_site_minutes", 60),  # WO-02
        ("wo.install_within_days", Decimal("2")),  # WO-03
        ("wo.general_fault_hours", 24),  # WO-04
        ("wo.major_fault_hours", 72),  # WO-04
        ("wo.cs_notify_ops_minutes", 5),  # WO-05
        ("wo.chain_contact_minutes", 5),  # WO-05
        ("wo.chain_fine", Decimal("200")),  # WO-05
        ("wo.fault_response_minutes", 10),  # WO-08
        ("wo.follow_up_days", Decimal("3")),  # WO-11
        ("att.work_start", time(8, 30)),  # ATT-01
        ("att.notice_threshold", 3),  # ATT-03
        ("att.late_free_count", 3),  # ATT-04
        ("att.late_fine", Decimal("20")),  # ATT-04
        ("att.late_absence_minutes", 60),  # ATT-04
        ("att.late_band1_fine", Decimal("100")),  # ATT-05
        ("att.late_band3_fine", Decimal("500")),  # ATT-05
        ("att.early_leave_fine", Decimal("20")),  # ATT-06
        ("att.early_leave_absence_minutes", 60),  # ATT-06
        ("req.leader_max_leave_days", Decimal("1")),  # REQ-01
        ("req.retro_deadline_working_days", 2),  # REQ-03
        ("kpi.install_late_points", Decimal("0.5")),  # KPI-01
        ("kpi.complaint_points", Decimal("1")),  # KPI-06
        ("kpi.fine_per_point", Decimal("100")),  # KPI-07
        ("kpi.month_separation_points", Decimal("2")),  # KPI-08
        ("kpi.window_separation_points", Decimal("3")),  # KPI-09
        ("kpi.window_months", 3),  # KPI-09
        ("kpi.vendor_replacement_breaches", 3),  # KPI-12
        ("beh.violation_fine", Decimal("50")),  # BEH-01
        ("beh.dismissal_violations", 3),  # BEH-02
        ("beh.phone_off_fine", Decimal("100")),  # BEH-03
        ("ins.cafe_per_month", 2),  # INS-01
        ("rep.daily_due", time(20, 0)),  # REP-01
        ("rep.weekly_due_weekday", 5),  # REP-02
    ],
)
def test_defaults_are_the_numbers_of_the_regulations(key, expected):
    assert Policy(values=dict(DEFAULTS))[key] == expected


@pytest.mark.parametrize(
    ("key", "raw", "stored"),
    [
        ("wo.contact_within_minutes", "15", 15),
        ("wo.contact_within_minutes", 15, 15),
        ("wo.chain_fine", "200.50", "200.5"),
        ("kpi.install_late_points", "0.5", "0.5"),
        ("att.work_start", "09:00", "09:00"),
        ("att.split_shift", "on", True),
        ("att.split_shift", "", False),
        ("att.split_shift", False, False),
        ("wo.install_within_days", "2", "2"),
    ],
)
def test_it_parses_valid_values(key, raw, stored):
    assert BY_KEY[key].parse(raw) == stored


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("wo.contact_within_minutes", "-5"),  # below range
        ("wo.contact_within_minutes", "0"),  # WO-01 needs at least a minute
        ("wo.contact_within_minutes", "1441"),  # above range
        ("wo.contact_within_minutes", "ten"),  # wrong type
        ("wo.contact_within_minutes", "10.5"),  # not whole
        ("wo.contact_within_minutes", 10.0),  # a float is never accepted
        ("wo.contact_within_minutes", True),  # a boolean is not a number
        ("wo.contact_within_minutes", ""),  # required
        ("wo.chain_fine", "-1"),  # money never negative
        ("wo.chain_fine", "1.234"),  # fen at most
        ("wo.chain_fine", "NaN"),
        ("att.work_start", "8:30"),  # HH:MM
        ("att.work_start", "24:00"),
        ("att.split_shift", "maybe"),
        ("rep.weekly_due_weekday", "8"),
    ],
)
def test_it_refuses_bad_values_naming_the_field(key, raw):
    with pytest.raises(DomainError) as err:
        BY_KEY[key].parse(raw)
    assert err.value.field == key
    assert err.value.message


def test_validate_values_reports_every_bad_field_at_once():
    with pytest.raises(ValidationErrors) as err:
        validate_values(
            {"wo.chain_fine": "-1", "no.such": "1", "att.work_start": "25:00"}, partial=True
        )
    assert set(err.value.errors) == {"wo.chain_fine", "no.such", "att.work_start"}


@given(st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False))
def test_any_amount_in_range_round_trips_as_decimal(amount):
    spec = BY_KEY["wo.chain_fine"]
    assert spec.typed(spec.parse(str(amount))) == amount


@given(st.integers())
def test_integer_parameters_accept_exactly_their_range(value):
    spec = BY_KEY["wo.contact_within_minutes"]
    if spec.minimum <= value <= spec.maximum:
        assert spec.parse(str(value)) == value
    else:
        with pytest.raises(DomainError):
            spec.parse(str(value))


def test_policy_gives_durations():
    policy = Policy(values=dict(DEFAULTS))
    assert policy.duration("wo.contact_within_minutes").total_seconds() == 600
    assert policy.duration("wo.general_fault_hours").total_seconds() == 24 * 3600
    assert policy.duration("wo.install_within_days").days == 2
