"""派单: dispatching an order to one engineer (or reassigning it), which starts the SLA clocks."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError
from people.models import Person
from people.roles import Role
from workorders import rules
from workorders.models import Appointment, Order, State
from workorders.services.common import (
    _check_step,
    _event,
    _lock,
    _save_and_schedule,
    notify_order,
    sla_policy,
)


def on_leave_today(engineer: Person, day) -> bool:
    from leave.models import Request

    return Request.objects.filter(
        person=engineer,
        status=Request.Status.APPROVED,
        kind__in=[Request.Kind.LEAVE, Request.Kind.TRIP, Request.Kind.SECONDMENT],
        start_date__lte=day,
        end_date__gte=day,
    ).exists()


@transaction.atomic
def dispatch_order(order: Order, *, engineer: Person, by: Person) -> Order:
    """派单: to one engineer. A reassignment keeps the clocks and the history."""
    order = _lock(order)
    _check_step(order, "dispatch")
    if not engineer.active or engineer.role not in {Role.ENGINEER, Role.GROUP_LEADER}:
        raise DomainError(_("Orders go to an active engineer."), field="engineer")
    if on_leave_today(engineer, clock.today()):
        raise DomainError(
            _("{name} is on leave, on a trip or seconded today.").format(name=engineer.name),
            field="engineer",
        )
    now = clock.now()
    previous = order.engineer
    order.engineer = engineer
    if order.dispatched_at is None:
        order.dispatched_at = now
        policy = sla_policy(order, now)
        due = rules.deadlines(
            order.kind,
            dispatched_at=now,
            fault_class=order.fault_class,
            support_kind=order.support_kind,
            policy=policy,
        )
        order.contact_due_at, order.on_site_due_at, order.complete_due_at = (
            due.contact,
            due.on_site,
            due.complete,
        )
        if order.kind in rules.CUSTOMER_KINDS:
            order.chain_due_at = due.contact  # WO-05 starts at the contact deadline
        order.state = State.DISPATCHED
        _event(order, "dispatched", by=by, engineer=engineer.name)
    else:
        _event(
            order,
            "reassigned",
            by=by,
            engineer=engineer.name,
            previous=previous.name if previous else "",
        )
        Appointment.objects.filter(order=order, active=True).update(active=False)
    _save_and_schedule(order)
    audit.record(
        order,
        "workorders.order.dispatched",
        by=by,
        changes={"engineer": [str(previous or ""), str(engineer)]},
    )
    notify_order(
        engineer,
        order,
        event="workorders.order.dispatched",
        title=gettext_lazy("New order {number}"),
        text=order.description[:200],
    )
    return order
