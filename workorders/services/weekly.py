"""WO-14: on-site work longer than a week needs a weekly service report to the customer. An
hourly check flags such orders (report_due_at) and reminds the engineer each week; the report
is recorded on the order (a timeline event with its text)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError
from core.policy import policy_for
from people.models import Person
from workorders import rules
from workorders.models import Order
from workorders.services.common import _check_step, _event, _lock, notify_order

# The shortest wo.weekly_report_after_days allowed: a cheap bound for the hourly check's query.
SHORTEST = timedelta(days=1)


def _policy(order: Order, cache: dict) -> rules.SlaPolicy:
    key = order.unit.client_id
    if key not in cache:
        cache[key] = rules.SlaPolicy.from_policy(policy_for(key, on=clock.today()))
    return cache[key]


def remind_weekly_reports(now: datetime | None = None) -> int:
    """WO-14: every open order on site for longer than the policy's days is flagged with its
    report due time; when that passes, the engineer is reminded and the next reminder set a
    week on. Each reminder once (a conditional UPDATE claims it). Returns reminders sent."""
    now = now or clock.now()
    candidates = (
        Order.objects.filter(
            state__in=rules.ON_SITE_STATES,
            resolved_at=None,
            arrived_at__lte=now - SHORTEST,
        )
        .select_related("unit", "engineer")
        .order_by("pk")
    )
    cache: dict = {}
    sent = 0
    for order in candidates.iterator():
        policy = _policy(order, cache)
        due = order.report_due_at or rules.weekly_report_due(
            arrived_at=order.arrived_at, last_report_at=order.last_report_at, policy=policy
        )
        following = rules.weekly_report_action(
            state=order.state, resolved=False, due=due, now=now, policy=policy
        )
        if following is None:
            if order.report_due_at is None and due is not None and due - now <= timedelta(days=1):
                # flag it a day ahead, so the pages show the report coming
                Order.objects.filter(pk=order.pk, report_due_at=None).update(report_due_at=due)
            continue
        with transaction.atomic():
            claimed = Order.objects.filter(pk=order.pk, report_due_at=order.report_due_at).update(
                report_due_at=following
            )
            if not claimed:
                continue
            sent += 1
            if order.engineer is not None:
                notify_order(
                    order.engineer,
                    order,
                    event="workorders.order.weekly_report",
                    title=gettext_lazy("Order {number}: the weekly service report is due"),
                )
            _event(order, "weekly_report_reminder", by=None, due=due)
    return sent


@transaction.atomic
def record_weekly_report(order: Order, *, by: Person, text: str) -> Order:
    """WO-14: the weekly service report to the customer, kept on the order; the next one is due
    a week later."""
    order = _lock(order)
    _check_step(order, "weekly_report")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write what was done this week and what comes next."), field="note")
    now = clock.now()
    policy = rules.SlaPolicy.from_policy(policy_for(order.unit.client_id, on=clock.today()))
    order.last_report_at = now
    order.report_due_at = rules.weekly_report_due(
        arrived_at=order.arrived_at, last_report_at=now, policy=policy
    )
    order.save(update_fields=["last_report_at", "report_due_at"])
    _event(order, "weekly_report", by=by, note=text)
    audit.record(order, "workorders.order.weekly_report", by=by, data={"chars": len(text)})
    return order
