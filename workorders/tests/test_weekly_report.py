"""WO-14: on-site work longer than a week: a weekly service report to the customer is due. The
rule at its boundaries, the hourly check (flag, weekly reminder, each once), the report recorded
on the order through the step (page and API)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from core.errors import DomainError
from notifications.models import Notification
from workorders import rules, services
from workorders.models import Order, OrderEvent
from workorders.tests.conftest import T0, dispatched

POLICY = rules.SlaPolicy()
WEEK = timedelta(days=7)


def test_wo_14_the_report_is_due_a_week_after_arrival_and_after_each_report():
    assert rules.weekly_report_due(arrived_at=T0, last_report_at=None, policy=POLICY) == T0 + WEEK
    later = T0 + timedelta(days=9)
    assert rules.weekly_report_due(arrived_at=T0, last_report_at=later, policy=POLICY) == (
        later + WEEK
    )
    assert rules.weekly_report_due(arrived_at=None, last_report_at=None, policy=POLICY) is None


@pytest.mark.parametrize(
    ("now", "state", "resolved", "expected"),
    [
        (T0 + WEEK - timedelta(seconds=1), "arrived", False, None),  # not yet
        (T0 + WEEK, "arrived", False, T0 + 2 * WEEK),  # due: remind, next in a week
        (T0 + WEEK, "escalated", False, T0 + 2 * WEEK),
        (T0 + WEEK, "arrived", True, None),  # resolved: no report
        (T0 + WEEK, "feedback", False, None),  # left site
    ],
)
def test_wo_14_weekly_report_action_at_the_boundaries(now, state, resolved, expected):
    action = rules.weekly_report_action(
        state=state, resolved=resolved, due=T0 + WEEK, now=now, policy=POLICY
    )
    assert action == expected


def on_site(org, now):
    order = services.log_contact(dispatched(org), by=org.engineer_a, outcome="reached")
    order = services.take_step(order, "on_the_way", by=org.engineer_a)
    return services.take_step(order, "arrive", by=org.engineer_a)


@pytest.mark.django_db
def test_wo_14_the_hourly_check_flags_and_reminds_weekly_once(staff, now):
    order = on_site(staff, now)
    arrived = order.arrived_at
    assert services.remind_weekly_reports(arrived + timedelta(days=5)) == 0
    assert Order.objects.get(pk=order.pk).report_due_at is None
    assert services.remind_weekly_reports(arrived + timedelta(days=6, hours=1)) == 0
    assert Order.objects.get(pk=order.pk).report_due_at == arrived + WEEK  # flagged a day ahead
    assert services.remind_weekly_reports(arrived + WEEK) == 1
    assert services.remind_weekly_reports(arrived + WEEK + timedelta(hours=1)) == 0  # once
    assert Order.objects.get(pk=order.pk).report_due_at == arrived + 2 * WEEK
    assert services.remind_weekly_reports(arrived + 2 * WEEK) == 1  # and the week after
    reminders = Notification.objects.filter(event="workorders.order.weekly_report")
    assert reminders.count() == 2 and reminders[0].recipient == staff.engineer_a
    assert OrderEvent.objects.filter(order=order, kind="weekly_report_reminder").count() == 2


@pytest.mark.django_db
def test_wo_14_the_report_is_recorded_on_the_order(staff, now):
    order = on_site(staff, now)
    services.remind_weekly_reports(order.arrived_at + WEEK)
    now.move_to(order.arrived_at + WEEK + timedelta(hours=2))
    with pytest.raises(DomainError):
        services.record_weekly_report(order, by=staff.engineer_a, text=" ")
    order = services.record_weekly_report(order, by=staff.engineer_a, text="更换主干光缆，下周割接")
    assert order.last_report_at == order.arrived_at + WEEK + timedelta(hours=2)
    assert order.report_due_at == order.last_report_at + WEEK
    report = OrderEvent.objects.get(order=order, kind="weekly_report")
    assert report.note == "更换主干光缆，下周割接" and report.by == staff.engineer_a
    resolved = services.take_step(order, "resolve", by=staff.engineer_a)
    with pytest.raises(DomainError):
        services.record_weekly_report(resolved, by=staff.engineer_a, text="x")


@pytest.mark.django_db
def test_wo_14_the_phone_card_flags_it_and_the_step_records_it(client, staff, now):
    order = on_site(staff, now)
    client.force_login(staff.engineer_a.user)
    page = client.get(reverse("workorders:mine")).content.decode()
    assert 'data-testid="weekly-report-due"' not in page and 'data-step="weekly_report"' not in page
    services.remind_weekly_reports(order.arrived_at + WEEK)
    page = client.get(reverse("workorders:mine")).content.decode()
    assert 'data-testid="weekly-report-due"' in page and 'data-step="weekly_report"' in page
    response = client.post(
        reverse("workorders:step", args=[order.pk]),
        {"step": "weekly_report", "view": "page", "note": "本周完成设备调试"},
    )
    assert response.status_code == 302
    assert OrderEvent.objects.filter(order=order, kind="weekly_report").exists()
    detail = client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert 'data-clock="weekly_report"' in detail
