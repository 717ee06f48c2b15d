"""Delivery decisions without a database: which rule covers an event, and the retry backoff."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.rules import RetryPolicy, event_matches, next_try, retry_delay

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
POLICY = RetryPolicy()


@pytest.mark.parametrize(
    ("prefix", "event", "matches"),
    [
        ("", "workorders.chain.cs", True),
        ("workorders", "workorders.chain.cs", True),
        ("workorders.chain", "workorders.chain.cs", True),
        ("workorders.chain", "workorders.chain", True),
        ("workorders.chain.", "workorders.chain.ops", True),
        ("workorders.chain.*", "workorders.chain.ops", True),
        ("workorders.chain", "workorders.chainsaw", False),
        ("workorders.chain", "workorders.order.dispatched", False),
        ("leave", "workorders.chain.cs", False),
        (" workorders ", "workorders.order.critical", True),
    ],
)
def test_a_rule_covers_its_event_prefix_on_dot_boundaries(prefix, event, matches):
    assert event_matches(prefix, event) is matches


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [
        (1, timedelta(seconds=30)),
        (2, timedelta(minutes=1)),
        (3, timedelta(minutes=2)),
        (4, timedelta(minutes=4)),
        (7, timedelta(minutes=32)),
        (12, timedelta(hours=1)),  # capped
    ],
)
def test_the_pause_doubles_after_each_failed_attempt(attempts, delay):
    assert retry_delay(attempts, POLICY) == delay
    assert next_try(T0, attempts, RetryPolicy(max_attempts=20)) == T0 + delay


def test_it_gives_up_after_the_last_attempt():
    assert next_try(T0, 7, POLICY) == T0 + timedelta(minutes=32)
    assert next_try(T0, 8, POLICY) is None


@given(st.integers(min_value=1, max_value=10_000))
def test_the_pause_never_shrinks_and_stays_within_bounds(attempts):
    assert POLICY.first_delay <= retry_delay(attempts, POLICY) <= POLICY.max_delay
    assert retry_delay(attempts + 1, POLICY) >= retry_delay(attempts, POLICY)
