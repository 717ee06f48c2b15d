"""WO-05 variant: contact attempts every N hours where the policy sets wo.contact_retry_hours.
Rule boundaries on an explicit clock, then the service, sweep, order page and phone page."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core.models import PolicyVersion
from notifications.models import Notification
from workorders import rules, services
from workorders.models import Breach, Order, OrderEvent
from workorders.tests.factories import repair_order

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=TZ)
EVERY_2H = rules.SlaPolicy(contact_retry=timedelta(hours=2))


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["no_answer", "busy", "wrong_number"])
def test_wo_05_a_failed_call_puts_the_next_attempt_n_hours_later(outcome):
    clock = rules.contact_retry(outcome, at=T0, policy=EVERY_2H)
    assert clock.due == at(120)
    assert clock.late == at(130)  # missed when not attempted within WO-01's 10 minutes after


def test_wo_05_no_retry_clock_after_reaching_the_customer_or_without_the_policy():
    assert rules.contact_retry("reached", at=T0, policy=EVERY_2H) == rules.RetryClock()
    assert rules.contact_retry("no_answer", at=T0, policy=rules.SlaPolicy()) == rules.RetryClock()


@pytest.mark.parametrize(
    ("since", "now", "expected"),
    [
        (None, at(120) - timedelta(seconds=1), []),  # one second before: nothing
        (None, at(120), ["remind"]),  # the moment it falls due: the reminder
        (at(120), at(130) - timedelta(seconds=1), []),  # reminded already, not yet missed
        (at(120), at(130), ["breach"]),  # the moment it is missed
        (None, at(130), ["remind", "breach"]),  # a worker back late does both, once
        (at(130), at(200), []),  # both handled before: never twice
    ],
)
def test_wo_05_retry_actions_at_the_boundaries(since, now, expected):
    clock = rules.RetryClock(at(120), at(130))
    assert rules.retry_actions(clock, since=since, now=now, waiting=True) == expected


def test_wo_05_no_retry_action_once_contacted_or_on_site():
    clock = rules.RetryClock(at(120), at(130))
    assert rules.retry_actions(clock, since=None, now=at(200), waiting=False) == []


# --- services, sweep and pages -------------------------------------------------------------------


@pytest.fixture
def every_2h(db):
    return PolicyVersion.objects.create(
        company=None,
        effective_from=date(2026, 1, 1),
        values={"wo.contact_retry_hours": 2},
        created_at=T0 - timedelta(days=30),
    )


@pytest.fixture
def clock_at():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def failed_call(org, clock_at, minutes):
    order = services.dispatch_order(repair_order(org), engineer=org.engineer_a, by=org.cs)
    clock_at.move_to(at(minutes))
    return services.log_contact(order, by=org.engineer_a, outcome="no_answer")


@pytest.mark.django_db
def test_wo_05_a_missed_attempt_is_reminded_then_recorded_once(org, every_2h, clock_at):
    order = failed_call(org, clock_at, 5)
    assert order.retry_due_at == at(125) and order.retry_late_at == at(135)
    assert order.retry_count == 1
    services.sweep_order(order.pk, now=at(124))
    assert not OrderEvent.objects.filter(order=order, kind="retry_reminder").exists()
    clock_at.move_to(at(125))
    assert services.sweep_order(order.pk, now=at(125))
    assert OrderEvent.objects.filter(order=order, kind="retry_reminder").count() == 1
    assert Notification.objects.filter(
        recipient=org.engineer_a, event="workorders.order.retry"
    ).exists()
    assert not Breach.objects.filter(rule_id="WO-05", kind__startswith="retry").exists()
    clock_at.move_to(at(135))
    services.sweep_order(order.pk, now=at(135))
    services.sweep_order(order.pk, now=at(136))
    missed = Breach.objects.get(rule_id="WO-05", kind="retry_missed_1")
    assert missed.person == org.engineer_a and missed.due_at == at(125)
    assert OrderEvent.objects.filter(order=order, kind="retry_reminder").count() == 1


@pytest.mark.django_db
def test_wo_05_an_attempt_in_time_moves_the_clock_and_reaching_the_customer_stops_it(
    org, every_2h, clock_at
):
    order = failed_call(org, clock_at, 5)
    clock_at.move_to(at(126))  # after the reminder, before it counts as missed
    order = services.log_contact(order, by=org.engineer_a, outcome="busy")
    assert order.retry_due_at == at(246) and order.retry_count == 2
    services.sweep_order(order.pk, now=at(140))
    assert not Breach.objects.filter(kind__startswith="retry").exists()
    clock_at.move_to(at(200))
    order = services.log_contact(order, by=org.engineer_a, outcome="reached")
    assert order.retry_due_at is None and order.retry_late_at is None
    services.sweep_order(order.pk, now=at(400))
    assert not Breach.objects.filter(kind__startswith="retry").exists()
    assert not OrderEvent.objects.filter(order=order, kind="retry_reminder").exists()


@pytest.mark.django_db
def test_wo_05_without_the_policy_a_failed_call_starts_no_clock(org, clock_at):
    order = failed_call(org, clock_at, 5)
    assert order.retry_due_at is None and order.retry_count == 1
    assert Order.objects.get(pk=order.pk).next_due_at == order.contact_due_at


@pytest.mark.django_db
def test_wo_05_the_order_page_and_the_phone_page_show_the_next_attempt(
    client, org, every_2h, clock_at
):
    order = failed_call(org, clock_at, 5)
    client.force_login(org.engineer_a.user)
    page = client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert 'data-clock="retry"' in page and "11-03 11:05" in page
    phone = client.get(reverse("workorders:mine")).content.decode()
    assert 'data-testid="retry-due"' in phone and "11-03 11:05" in phone
