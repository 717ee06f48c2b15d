"""The dashboards' pure decisions: which months a dashboard covers, rates and averages."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationErrors
from dashboards.rules import (
    DEFAULT_MONTHS,
    add_months,
    average,
    months_between,
    percent,
    period_for,
)

TODAY = date(2026, 11, 15)


def test_the_default_period_is_the_last_twelve_months_up_to_this_one():
    period = period_for(None, None, today=TODAY)
    assert (period.first, period.last) == (date(2025, 12, 1), date(2026, 11, 1))
    assert len(period.months) == DEFAULT_MONTHS
    assert period.end == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("start", "end", "first", "last"),
    [
        ("2026-01", "2026-03", date(2026, 1, 1), date(2026, 3, 1)),
        ("2025-11", None, date(2025, 11, 1), date(2026, 11, 1)),
        (None, "2026-06", date(2025, 7, 1), date(2026, 6, 1)),  # 12 months back from the end
        ("2026-10", "2026-10", date(2026, 10, 1), date(2026, 10, 1)),
    ],
)
def test_a_range_of_months_is_taken_as_given(start, end, first, last):
    period = period_for(start, end, today=TODAY)
    assert (period.first, period.last) == (first, last)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-13", None, "from"),
        ("soon", None, "from"),
        (None, "2026-1x", "to"),
        ("2026-05", "2026-04", "from"),  # backwards
        ("2020-01", "2026-01", "from"),  # too long
        ("1999-01", None, "from"),
    ],
)
def test_bad_months_are_field_errors(start, end, field):
    with pytest.raises(ValidationErrors) as exc:
        period_for(start, end, today=TODAY)
    assert field in exc.value.errors


def test_months_run_across_the_year_end():
    assert months_between(date(2025, 11, 1), date(2026, 2, 1)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 1, 1)), st.integers(-40, 40))
def test_adding_months_lands_on_a_first_day_and_counts_them(day, n):
    month = day.replace(day=1)
    moved = add_months(month, n)
    assert moved.day == 1
    assert (moved.year - month.year) * 12 + moved.month - month.month == n


def test_compliance_percent_and_nothing_to_divide():
    assert percent(1, 2) == Decimal("50.0")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(0, 0) is None


def test_cb_01_average_satisfaction_from_a_distribution():
    """CB-01: satisfaction 1–5 averaged over the answered callbacks."""
    assert average({5: 1, 3: 1}) == Decimal("4.00")
    assert average({1: 2, 2: 1}) == Decimal("1.33")
    assert average({}) is None
