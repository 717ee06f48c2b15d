"""Pure rules of statements: the KPI-10 quarterly client score and its policy, quarters, rule
families, and the settlement guard's policy share."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError
from core.policy import DEFAULTS, Policy
from statements import rules
from statements.rules import QuarterInputs, ScorePolicy, quarter_score, score_parts

DEFAULT = ScorePolicy()


def test_kpi_10_default_weights_from_the_policy_add_up_to_100():
    policy = ScorePolicy.from_policy(Policy(values=dict(DEFAULTS)))
    assert sum(policy.weights.values()) == 100
    assert policy == DEFAULT


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        # everything perfect → 100
        (QuarterInputs(10, 10, 5, 0, 20, 0, Decimal("5"), 4), Decimal("100.0")),
        # half the inspections (30 % × 50) + perfect rest (70) → 85
        (QuarterInputs(5, 10, 5, 0, 20, 0, Decimal("5"), 4), Decimal("85.0")),
        # one of four repairs late: faults 75 → 30 + 22.5 + 20 + 20
        (QuarterInputs(10, 10, 4, 1, 20, 0, Decimal("5"), 4), Decimal("92.5")),
        # 5 breaches in 20 orders: stability 75 → 95
        (QuarterInputs(10, 10, 4, 0, 20, 5, Decimal("5"), 4), Decimal("95.0")),
        # satisfaction 4 of 5: callbacks 80 → 96
        (QuarterInputs(10, 10, 4, 0, 20, 0, Decimal("4"), 4), Decimal("96.0")),
        # no inspections source, no callbacks: only faults and stability count (weights 30 + 20)
        (QuarterInputs(None, None, 4, 2, 10, 0, None, 0), Decimal("70.0")),
        # nothing measured at all → no score rather than zero
        (QuarterInputs(), None),
        # more inspections done than planned is capped at 100 %
        (QuarterInputs(12, 10, 0, 0, 0, 0, None, 0), Decimal("100.0")),
    ],
)
def test_kpi_10_quarterly_score_table(inputs, expected):
    assert quarter_score(inputs, DEFAULT).score == expected


def test_kpi_10_weights_come_from_the_policy():
    inputs = QuarterInputs(0, 10, 4, 0, 20, 0, Decimal("5"), 4)  # inspections 0, the rest 100
    assert quarter_score(inputs, DEFAULT).score == Decimal("70.0")
    only_inspections = ScorePolicy(inspections=100, faults=0, stability=0, callbacks=0)
    assert quarter_score(inputs, only_inspections).score == Decimal("0.0")


@pytest.mark.parametrize(
    "weights",
    [(30, 30, 20, 10), (50, 50, 50, 0), (0, 0, 0, 0), (110, -10, 0, 0)],
)
def test_kpi_10_weights_not_adding_up_to_100_are_refused(weights):
    with pytest.raises(DomainError) as error:
        ScorePolicy(*weights).validated()
    assert error.value.field == "kpi.score_weight_inspections"


def test_kpi_10_parts_without_data_are_none_not_zero():
    parts = score_parts(QuarterInputs(faults_fixed=2), DEFAULT)
    assert parts == {
        "inspections": None,
        "faults": Decimal("100"),
        "stability": None,
        "callbacks": None,
    }
    # breaches with no order dispatched in the quarter: stability is zero
    assert score_parts(QuarterInputs(breaches=2), DEFAULT)["stability"] == Decimal("0")


@given(
    done=st.integers(0, 200),
    planned=st.integers(0, 200),
    fixed=st.integers(0, 100),
    late=st.integers(0, 100),
    orders=st.integers(0, 300),
    breaches=st.integers(0, 300),
    satisfaction=st.none() | st.decimals(0, 5, places=2),
    callbacks=st.integers(0, 50),
    weights=st.sampled_from([(30, 30, 20, 20), (100, 0, 0, 0), (25, 25, 25, 25), (0, 0, 0, 100)]),
)
def test_kpi_10_score_is_always_between_0_and_100(
    done, planned, fixed, late, orders, breaches, satisfaction, callbacks, weights
):
    inputs = QuarterInputs(
        done, planned, fixed, min(late, fixed), orders, breaches, satisfaction, callbacks
    )
    score = quarter_score(inputs, ScorePolicy(*weights)).score
    assert score is None or Decimal("0") <= score <= Decimal("100")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-Q1", (2026, 1)), ("2026-q4", (2026, 4)), (" 2027-Q2 ", (2027, 2))],
)
def test_kpi_10_quarters_are_read_as_yyyy_qn(text, expected):
    assert rules.parse_quarter(text) == expected


@pytest.mark.parametrize("text", ["2026-Q5", "2026-Q0", "26-Q1", "2026Q1", "", "2026-03"])
def test_kpi_10_a_bad_quarter_is_an_error(text):
    with pytest.raises(DomainError):
        rules.parse_quarter(text)


def test_kpi_10_quarter_bounds_cross_the_year_end():
    assert rules.quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2027, 1, 1))
    assert rules.quarter_months(2026, 2) == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]


def test_kpi_11_rule_families_split_attendance_fines_from_the_others():
    assert [rules.rule_family(r) for r in ("KPI-05", "BEH-01", "WO-05", "ATT-04")] == list(
        rules.FAMILIES
    )
    assert rules.is_attendance_rule("ATT-06") and not rules.is_attendance_rule("KPI-01")


def test_the_settlement_guard_share_comes_from_the_policy():
    assert rules.settlement_cap_share(Policy(values=dict(DEFAULTS))) == Decimal("0.2")


@pytest.mark.parametrize(
    ("source", "evidence", "why"),
    [
        ("breach", {"order_no": "WX-1", "sla_rule": "WO-04"}, "WX-1 WO-04"),
        ("attendance", {"detail": "2 × early leave", "code": "early"}, "2 × early leave"),
        ("callback", {"item": "B3", "label": "收取红包"}, "收取红包"),
        ("complaint", {"reason": "态度差"}, "态度差"),
        ("manual", {"text": "未佩戴工牌"}, "未佩戴工牌"),
        ("manual", {}, ""),
    ],
)
def test_kpi_11_each_statement_entry_says_why_it_exists(source, evidence, why):
    from statements.queries import evidence_text

    assert evidence_text(source, evidence) == why
