"""Register rules as tables (INS-07, SEC-04): no database."""

from datetime import date

import pytest

from registers import rules
from registers.tests.conftest import local


@pytest.mark.parametrize(
    ("first", "last", "per_month", "expected"),
    [
        (date(2026, 11, 1), date(2026, 11, 30), 1, [date(2026, 11, 30)]),
        (date(2026, 11, 1), date(2026, 11, 30), 2, [date(2026, 11, 15), date(2026, 11, 30)]),
        (date(2026, 12, 1), date(2026, 12, 31), 2, [date(2026, 12, 16), date(2026, 12, 31)]),
        (date(2026, 2, 1), date(2026, 2, 28), 4, [date(2026, 2, d) for d in (7, 14, 21, 28)]),
        (date(2026, 2, 1), date(2026, 2, 28), 31, [date(2026, 2, d) for d in range(1, 29)]),
    ],
)
def test_stocktake_due_dates_spread_over_the_month_INS_07(first, last, per_month, expected):
    assert rules.stocktake_due_dates(first, last, per_month) == expected


def test_stocktake_needs_at_least_one_count_a_month_INS_07():
    with pytest.raises(ValueError):
        rules.stocktake_due_dates(date(2026, 11, 1), date(2026, 11, 30), 0)


@pytest.mark.parametrize(
    ("expected", "counted", "missing"), [(10, 10, 0), (10, 7, 3), (1, 0, 1), (2, 5, 0)]
)
def test_a_shortfall_is_a_loss_a_surplus_is_not_INS_07(expected, counted, missing):
    assert rules.shortfall(expected, counted) == missing


@pytest.mark.parametrize(
    ("today", "done", "overdue"),
    [
        (date(2026, 11, 30), False, False),
        (date(2026, 12, 1), False, True),
        (date(2026, 12, 1), True, False),
    ],
)
def test_stocktake_overdue_after_its_due_day_INS_07(today, done, overdue):
    assert rules.stocktake_overdue(date(2026, 11, 30), done, today) is overdue


def test_a_loss_closes_only_with_the_police_receipt_INS_07():
    assert rules.loss_can_close(True) and not rules.loss_can_close(False)


@pytest.mark.parametrize(
    ("returned", "at", "overdue"),
    [
        (None, local(2026, 11, 3, 18), False),
        (None, local(2026, 11, 3, 18, 0, 1), True),
        (local(2026, 11, 3, 19), local(2026, 11, 4), False),
    ],
)
def test_loan_overdue_SEC_04(returned, at, overdue):
    assert rules.loan_overdue(local(2026, 11, 3, 18), returned, at) is overdue


def test_entry_time_out_not_before_time_in_SEC_04():
    assert rules.entry_times_valid(local(2026, 11, 3, 9), None)
    assert rules.entry_times_valid(local(2026, 11, 3, 9), local(2026, 11, 3, 9))
    assert not rules.entry_times_valid(local(2026, 11, 3, 9), local(2026, 11, 3, 8, 59))
