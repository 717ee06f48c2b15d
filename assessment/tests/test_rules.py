"""Assessment rules from RULES.md §5–7, as tables."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment import rules

POLICY = rules.AssessmentPolicy(points=rules.DEFAULT_POINTS)


def decisions(month, points, violations=0, breaches=0, vendor=False):
    return [
        (d.rule_id, d.kind)
        for d in rules.threshold_decisions(
            month,
            points_by_month=points,
            violations=violations,
            rule_breaches=breaches,
            vendor_engineer=vendor,
            policy=POLICY,
        )
    ]


def test_kpi_08_half_plus_half_plus_one_in_a_month_is_separation():
    entries = [rules.points_consequence(r, POLICY) for r in ("KPI-01", "KPI-02", "KPI-06")]
    total = rules.month_points(entries)
    assert total == D("2")
    assert decisions(date(2026, 10, 1), {date(2026, 10, 1): total}) == [("KPI-08", "separation")]


def test_kpi_08_one_and_a_half_is_not():
    assert decisions(date(2026, 10, 1), {date(2026, 10, 1): D("1.5")}) == []


def test_kpi_09_one_point_a_month_over_nov_dec_jan_is_separation():
    points = {date(2025, 11, 1): D("1"), date(2025, 12, 1): D("1"), date(2026, 1, 1): D("1")}
    assert decisions(date(2026, 1, 1), points) == [("KPI-09", "separation")]


def test_kpi_09_two_and_a_half_over_three_months_is_none():
    points = {date(2025, 11, 1): D("1"), date(2025, 12, 1): D("1"), date(2026, 1, 1): D("0.5")}
    assert decisions(date(2026, 1, 1), points) == []


@pytest.mark.parametrize(("violations", "expected"), [(3, []), (4, [("BEH-02", "dismissal")])])
def test_beh_02_the_fourth_violation_in_a_month_is_dismissal(violations, expected):
    assert decisions(date(2026, 10, 1), {}, violations=violations) == expected


@pytest.mark.parametrize(
    ("breaches", "vendor", "expected"),
    [(3, True, []), (4, True, [("KPI-12", "vendor_replacement")]), (4, False, [])],
)
def test_kpi_12_vendor_replacement(breaches, vendor, expected):
    assert decisions(date(2026, 10, 1), {}, breaches=breaches, vendor=vendor) == expected


@pytest.mark.parametrize(("points", "fine"), [("0.5", "50.00"), ("1", "100.00"), ("2", "200.00")])
def test_kpi_07_each_point_costs_100_cny(points, fine):
    assert rules.points_fine(D(points), POLICY) == D(fine)


def test_beh_01_each_violation_costs_50_cny():
    assert rules.violation_consequence(2, POLICY).fine == D("100.00")


@pytest.mark.parametrize(
    ("rule_id", "kind", "escalated", "expected"),
    [
        ("WO-01", "contact_late", False, ("KPI-02", D("0.5"), D("50.00"))),
        ("WO-02", "on_site_late", False, ("KPI-02", D("0.5"), D("50.00"))),
        ("WO-03", "complete_late", False, ("KPI-01", D("0.5"), D("50.00"))),
        ("WO-04", "complete_late", False, ("KPI-03", D("0.5"), D("50.00"))),
        ("WO-04", "complete_late", True, None),
        ("WO-05", "chain_fine", False, ("WO-05", D("0"), D("200.00"))),
        ("WO-05", "cs_notify_late", False, None),
    ],
)
def test_what_an_sla_breach_costs(rule_id, kind, escalated, expected):
    result = rules.breach_consequence(
        rule_id, kind, escalated=escalated, amount=D("200"), policy=POLICY
    )
    assert (None if result is None else (result.rule_id, result.points, result.fine)) == expected


@pytest.mark.parametrize(
    ("total", "wage", "minimum", "deductible", "over_cap", "below_minimum"),
    [
        ("300", "5000", "2360", "300.00", False, False),
        ("1200", "5000", "2360", "1000.00", True, False),  # 20 % cap
        ("500", "2500", "2360", "140.00", False, True),  # never below the minimum wage
        ("300", None, None, "300.00", False, False),  # no wage recorded: nothing to guard
    ],
)
def test_the_settlement_guard(total, wage, minimum, deductible, over_cap, below_minimum):
    result = rules.settlement_guard(
        D(total),
        monthly_wage=D(wage) if wage else None,
        minimum_wage=D(minimum) if minimum else None,
    )
    assert (result.total, result.deductible, result.over_cap, result.below_minimum) == (
        D(total).quantize(D("0.01")),
        D(deductible),
        over_cap,
        below_minimum,
    )


def test_months_cross_year_ends():
    assert rules.previous_months(date(2026, 1, 1), 3) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
    ]


@given(
    st.lists(
        st.sampled_from(["KPI-01", "KPI-02", "KPI-03", "KPI-04", "KPI-05", "KPI-06"]), max_size=10
    )
)
def test_points_left_never_go_below_zero_and_fines_follow_points(rule_ids):
    entries = [rules.points_consequence(r, POLICY) for r in rule_ids]
    deducted = rules.month_points(entries)
    assert rules.points_left(deducted) >= 0
    assert sum(e.fine for e in entries) == rules.points_fine(deducted, POLICY)
