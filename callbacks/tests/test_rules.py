"""Pure callback rules: CB-01 sampling, BEH-01 checklist codes, KPI-04 vs KPI-06, quarters."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callbacks import rules


@given(st.integers(min_value=1, max_value=10**9))
def test_cb01_sampling_is_deterministic_and_monotonic_in_the_percent(order_id):
    """CB-01: the same order always decides the same way; a larger sample keeps the smaller one."""
    assert rules.is_sampled(order_id, "repair", 100)
    assert not rules.is_sampled(order_id, "repair", 0)
    assert rules.is_sampled(order_id, "install", 37) == rules.is_sampled(order_id, "install", 37)
    if rules.is_sampled(order_id, "renewal", 20):
        assert rules.is_sampled(order_id, "renewal", 50)


def test_cb01_sampling_takes_about_the_share_of_the_policy():
    taken = sum(rules.is_sampled(pk, "repair", 30) for pk in range(1, 5001))
    assert 1300 < taken < 1700


@pytest.mark.parametrize("kind", ["inspection", "support"])
def test_cb01_only_home_services_get_callbacks(kind):
    assert not rules.is_sampled(1, kind, 100)


def test_beh01_unknown_codes_are_named():
    assert rules.unknown_codes(["knocking", "x", "y", "x"], ["knocking"]) == ["x", "y"]
    assert rules.unknown_codes([], ["knocking"]) == []


@pytest.mark.parametrize(
    "score, ok", [(1, True), (5, True), (0, False), (6, False), ("3", False), (True, False)]
)
def test_satisfaction_is_one_to_five(score, ok):
    assert rules.valid_satisfaction(score) is ok


@pytest.mark.parametrize(
    "kind, late, rule",
    [
        ("renewal", True, "KPI-04"),
        ("renewal", False, "KPI-06"),
        ("repair", True, "KPI-06"),
        (None, False, "KPI-06"),
    ],
)
def test_kpi04_a_late_renewal_complaint_replaces_kpi06(kind, late, rule):
    """KPI-04: renewal visit not made in time leading to a complaint; else KPI-06."""
    assert rules.complaint_rule(kind, late) == rule


@pytest.mark.parametrize(
    "day, start, end",
    [
        (date(2026, 11, 10), date(2026, 10, 1), date(2026, 12, 31)),
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 6, 30), date(2026, 4, 1), date(2026, 6, 30)),
    ],
)
def test_cb02_quarters(day, start, end):
    assert rules.quarter_start(day) == start
    assert rules.quarter_end(start) == end
    assert rules.quarter_months(day)[0] == start


def test_average_score():
    assert rules.average_score([]) is None
    assert rules.average_score([5, 4, 4]) == Decimal("4.3")


@pytest.mark.django_db
def test_BEH_01_shipped_checklist_items_are_put_back_once_and_edits_kept():
    from callbacks.checklist import DEFAULT_ITEMS, ensure_default_items
    from callbacks.models import BehaviourItem

    assert ensure_default_items() == 0  # the data migration shipped them
    BehaviourItem.objects.filter(code="knocking").delete()
    BehaviourItem.objects.filter(code="greeting").update(label="Greeting", active=False)
    assert ensure_default_items() == 1
    assert BehaviourItem.objects.count() == len(DEFAULT_ITEMS)
    greeting = BehaviourItem.objects.get(code="greeting")
    assert (greeting.label, greeting.active) == ("Greeting", False)
