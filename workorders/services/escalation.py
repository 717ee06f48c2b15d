"""The WO-05 escalation chain: the notices passed along it by customer service and the
operations manager, and the chain action applied when a stage falls due."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.errors import DomainError
from people.models import Person
from people.roles import Role
from workorders import rules
from workorders.models import Order
from workorders.services.common import (
    _event,
    _lock,
    _save_and_schedule,
    chain_people,
    notify_order,
    sla_policy,
)


@transaction.atomic
def cs_notify_ops(order: Order, *, by: Person) -> Order:
    """Customer service tells the operations manager that the customer was not contacted."""
    order = _lock(order)
    action = rules.chain_on_cs_notified(order.chain_stage, at=clock.now(), policy=sla_policy(order))
    if action is None:
        raise DomainError(_("There is nothing to pass on for this order now."), field="chain_stage")
    ops = chain_people(order)["ops_manager"]
    _apply_chain(order, action, at=clock.now(), by=by)
    _event(order, "chain_cs_notified_ops", by=by, ops=ops.name if ops else "")
    _save_and_schedule(order)
    return order


@transaction.atomic
def ops_notify_station(order: Order, *, by: Person) -> Order:
    """The operations manager passes the alert to the station manager and head (WO-05)."""
    order = _lock(order)
    if order.chain_stage != rules.STAGE_OPS_NOTIFIED:
        raise DomainError(_("There is nothing to pass on for this order now."), field="chain_stage")
    people = chain_people(order)
    for key in ("station_manager", "station_head"):
        if people[key] is not None:
            notify_order(
                people[key],
                order,
                event="workorders.chain.station",
                title=gettext_lazy("Customer of order {number} still not contacted"),
            )
    _event(
        order,
        "chain_ops_notified_station",
        by=by,
        notified=[people[k].name for k in ("station_manager", "station_head") if people[k]],
    )
    return order


def _apply_chain(
    order: Order, action: rules.ChainAction, *, at: datetime, by: Person | None
) -> None:
    order.chain_stage, order.chain_due_at = action.stage, action.due_at
    people = chain_people(order)
    targets = {
        "cs": [people["cs_agent"]]
        if people["cs_agent"]
        else list(Person.objects.filter(active=True, role=Role.CUSTOMER_SERVICE)),
        "ops": [people["ops_manager"]],
    }.get(action.notify, [])
    for person in targets:
        if person is None:
            continue
        title = (
            gettext_lazy(
                "Order {number}: the customer was not contacted in time; notify the operations manager"
            )
            if action.notify == "cs"
            else gettext_lazy("Order {number}: the customer was not contacted in time")
        )
        notify_order(
            person,
            order,
            event=f"workorders.chain.{action.notify}",
            title=title,
        )
        _event(order, f"chain_notice_{action.notify}", by=None, to=person.name)
