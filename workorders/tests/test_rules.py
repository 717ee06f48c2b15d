"""Work-order rules at the boundaries of every clock (RULES §4)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workorders import rules

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=TZ)
POLICY = rules.SlaPolicy()


@pytest.mark.parametrize(
    ("kind", "extra", "contact", "on_site", "complete"),
    [
        ("install", {}, timedelta(minutes=10), None, timedelta(days=2)),  # WO-01, WO-03
        (
            "repair",
            {"fault_class": "general"},
            timedelta(minutes=10),
            timedelta(hours=1),
            timedelta(hours=24),
        ),  # WO-02, WO-04
        (
            "repair",
            {"fault_class": "major"},
            timedelta(minutes=10),
            timedelta(hours=1),
            timedelta(hours=72),
        ),  # WO-04
        ("renewal", {}, timedelta(minutes=10), None, None),  # WO-01
        ("support", {"support_kind": "fault"}, timedelta(minutes=10), None, None),  # WO-08
        ("support", {"support_kind": "upgrade"}, None, None, None),
        ("inspection", {}, None, None, None),
    ],
)
def test_deadlines_started_by_a_dispatch(kind, extra, contact, on_site, complete):
    due = rules.deadlines(kind, dispatched_at=T0, policy=POLICY, **extra)
    assert due.contact == (T0 + contact if contact else None)
    assert due.on_site == (T0 + on_site if on_site else None)
    assert due.complete == (T0 + complete if complete else None)


def test_wo_03_an_agreed_time_replaces_the_two_days():
    agreed = T0 + timedelta(days=5)
    assert (
        rules.deadlines("install", dispatched_at=T0, agreed_end=agreed, policy=POLICY).complete
        == agreed
    )


@pytest.mark.parametrize(
    ("step", "state", "kind", "allowed"),
    [
        ("arrive", "dispatched", "repair", False),  # arrived before contacted
        ("arrive", "contacted", "repair", True),
        ("arrive", "dispatched", "inspection", True),  # no customer call for an inspection
        ("resolve", "contacted", "repair", False),
        ("resolve", "arrived", "repair", True),
        ("close", "resolved", "repair", True),
        ("close", "arrived", "repair", False),
        ("follow_up", "closed", "install", True),
        ("contact", "closed", "install", False),
    ],
)
def test_steps_follow_the_lifecycle(step, state, kind, allowed):
    assert rules.step_allowed(step, state=state, kind=kind) is allowed


def test_wo_05_chain_stage_by_stage():
    due = T0 + timedelta(minutes=10)
    first = rules.chain_on_due(0, due_at=due, contacted=False, policy=POLICY)
    assert (first.stage, first.record, first.notify, first.due_at) == (
        1,
        "contact_late",
        "cs",
        due + timedelta(minutes=5),
    )
    second = rules.chain_on_due(1, due_at=first.due_at, contacted=False, policy=POLICY)
    assert (second.stage, second.record, second.notify) == (2, "cs_notify_late", "ops")
    assert second.due_at == T0 + timedelta(minutes=20)
    third = rules.chain_on_due(2, due_at=second.due_at, contacted=False, policy=POLICY)
    assert (third.stage, third.record, third.due_at) == (3, "chain_fine", None)
    assert rules.chain_on_due(1, due_at=due, contacted=True, policy=POLICY).record == ""


def test_wo_05_customer_service_in_time_starts_the_last_five_minutes():
    at = T0 + timedelta(minutes=12)
    action = rules.chain_on_cs_notified(1, at=at, policy=POLICY)
    assert (action.stage, action.due_at, action.record) == (2, at + timedelta(minutes=5), "")
    assert rules.chain_on_cs_notified(0, at=at, policy=POLICY) is None


def test_wo_11_follow_up_within_three_days():
    assert rules.follow_up_due(T0, POLICY) == T0 + timedelta(days=3)


def test_wo_07_next_free_slot():
    busy = [(T0, T0 + timedelta(hours=1)), (T0 + timedelta(hours=1), T0 + timedelta(hours=2))]
    assert rules.next_free_slot(busy, wanted_start=T0, length=timedelta(hours=1)) == T0 + timedelta(
        hours=2
    )
    assert rules.next_free_slot(
        busy, wanted_start=T0 - timedelta(hours=1), length=timedelta(hours=1)
    ) == T0 - timedelta(hours=1)


@given(
    st.lists(st.tuples(st.integers(0, 48), st.integers(1, 6)), max_size=8),
    st.integers(0, 48),
    st.integers(1, 4),
)
def test_the_next_free_slot_never_overlaps_a_booking(bookings, wanted, length):
    busy = [(T0 + timedelta(hours=s), T0 + timedelta(hours=s + d)) for s, d in bookings]
    start = rules.next_free_slot(
        busy, wanted_start=T0 + timedelta(hours=wanted), length=timedelta(hours=length)
    )
    assert start >= T0 + timedelta(hours=wanted)
    assert not any(rules.overlaps(start, start + timedelta(hours=length), a, b) for a, b in busy)
