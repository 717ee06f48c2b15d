"""The sweep: every deadline of one order that fell due, handled once (race-safe claim), with
the breach facts (WO-01..04, WO-08), the WO-05 chain stages and the contact retries."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy

from core import clock
from workorders import rules
from workorders.models import Order, State
from workorders.services.common import (
    _breach,
    _event,
    _save_and_schedule,
    chain_people,
    notify_order,
    sla_policy,
)
from workorders.services.escalation import _apply_chain


def sweep_order(order_id: int, *, now: datetime | None = None) -> bool:
    """Handle every deadline of one order that fell due by `now`. The claim is a conditional
    UPDATE on `swept_until`: of two workers only one gets the row, so nothing fires twice, and
    deadlines missed while the worker was down fire once when it is back."""
    now = now or clock.now()
    order = Order.objects.select_related("unit").filter(pk=order_id).first()
    if order is None or order.next_due_at is None or order.next_due_at > now:
        return False
    with transaction.atomic():
        claimed = (
            Order.objects.filter(pk=order.pk, next_due_at=order.next_due_at)
            .filter(
                Q(swept_until=order.swept_until)
                if order.swept_until
                else Q(swept_until__isnull=True)
            )
            .update(swept_until=now, next_due_at=None)
        )
        if not claimed:
            return False
        since = order.swept_until
        policy = sla_policy(order, now)

        def fell_due(deadline):
            return deadline is not None and deadline <= now and (since is None or deadline > since)

        engineer = order.engineer
        # WO-08: a response by phone or on site, whichever came first.
        responded = min((t for t in (order.contacted_at, order.arrived_at) if t), default=None)
        if (
            order.kind not in rules.CUSTOMER_KINDS
            and fell_due(order.contact_due_at)
            and (responded is None or responded > order.contact_due_at)
        ):
            _breach(
                order,
                rules.contact_rule(order.kind),
                "response_late",
                engineer,
                order.contact_due_at,
            )
        if fell_due(order.on_site_due_at) and (
            order.arrived_at is None or order.arrived_at > order.on_site_due_at
        ):
            _breach(order, "WO-02", "on_site_late", engineer, order.on_site_due_at)
        if fell_due(order.complete_due_at) and (
            order.resolved_at is None or order.resolved_at > order.complete_due_at
        ):
            _breach(
                order,
                rules.complete_rule(order.kind),
                "complete_late",
                engineer,
                order.complete_due_at,
            )
        _retry(order, since=since, now=now)
        while order.chain_due_at is not None and order.chain_due_at <= now:
            due = order.chain_due_at
            contacted = order.contacted_at is not None and order.contacted_at <= due
            action = rules.chain_on_due(
                order.chain_stage, due_at=due, contacted=contacted, policy=policy
            )
            if action.record == "contact_late":
                _breach(order, "WO-01", "contact_late", engineer, order.contact_due_at or due)
            elif action.record == "cs_notify_late":
                _breach(order, "WO-05", "cs_notify_late", order.cs_agent, due)
            elif action.record == "chain_fine":
                for person in {
                    p.pk: p for p in chain_people(order).values() if p is not None
                }.values():
                    _breach(order, "WO-05", "chain_fine", person, due, amount=policy.chain_fine)
            _apply_chain(order, action, at=due, by=None)
        order.swept_until = now
        _save_and_schedule(order)
    return True


def _retry(order: Order, *, since: datetime | None, now: datetime) -> None:
    """WO-05 variant: remind the engineer when the next contact attempt falls due; a breach fact
    when it passed unattempted (one per failed attempt, numbered)."""
    waiting = (
        order.state not in (State.CLOSED, State.CANCELLED)
        and order.contacted_at is None
        and order.arrived_at is None
    )
    retry = rules.RetryClock(order.retry_due_at, order.retry_late_at)
    for action in rules.retry_actions(retry, since=since, now=now, waiting=waiting):
        engineer = order.engineer
        if action == "remind":
            if engineer is not None:
                notify_order(
                    engineer,
                    order,
                    event="workorders.order.retry",
                    title=gettext_lazy("Order {number}: call the customer again now"),
                )
            _event(
                order,
                "retry_reminder",
                by=None,
                to=engineer.name if engineer else "",
                due=order.retry_due_at,
            )
        else:
            _breach(
                order,
                "WO-05",
                f"retry_missed_{order.retry_count}",
                engineer,
                order.retry_due_at,
            )
