"""What every work-order service shares: step labels and checks, the timeline event, the
order's policy, the people of the WO-05 chain, the row lock, and the deadline bookkeeping
(next_due_at, the sweep's wake-up) with the breach facts."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.errors import DomainError
from core.policy import policy_for
from notifications.services import notify
from people.models import OrgUnit, Person
from people.roles import Role
from workorders import rules
from workorders.models import Breach, Order, OrderEvent, State

STEP_LABELS = {
    "contact": gettext_lazy("log the customer call"),
    "appoint": gettext_lazy("agree an appointment"),
    "on_the_way": gettext_lazy("set off"),
    "arrive": gettext_lazy("arrive on site"),
    "resolve": gettext_lazy("mark resolved"),
    "escalate": gettext_lazy("escalate to technical support"),
    "not_complete": gettext_lazy("mark not completed"),
    "feedback": gettext_lazy("give feedback to customer service"),
    "close": gettext_lazy("close the order"),
    "follow_up": gettext_lazy("record the follow-up"),
    "dispatch": gettext_lazy("dispatch"),
    "cancel": gettext_lazy("cancel"),
    "weekly_report": gettext_lazy("record the weekly service report"),
}


def sla_policy(order: Order, at: datetime | None = None) -> rules.SlaPolicy:
    day = timezone.localdate(at or clock.now())
    return rules.SlaPolicy.from_policy(policy_for(order.unit.client_id, on=day))


def _event(
    order: Order, kind: str, *, by: Person | None, note: str = "", **data: Any
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        at=clock.now(),
        kind=kind,
        by=by,
        note=note[:1000],
        data={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()},
    )


def _check_step(order: Order, step: str) -> None:
    if not rules.step_allowed(step, state=order.state, kind=order.kind):
        raise DomainError(
            _("You cannot {step} while the order is “{state}”.").format(
                step=STEP_LABELS[step], state=order.get_state_display()
            ),
            field="state",
        )


def _order_url(order: Order) -> str:
    return reverse("workorders:detail", args=[order.pk])


def order_link(order: Order) -> str:
    """The order page as an absolute link (settings.SITE_URL), for e-mails and robot messages."""
    return settings.SITE_URL + _order_url(order)


def notify_order(
    person: Person | None, order: Order, *, event: str, title: Any, text: str = ""
) -> None:
    """A notice about an order: the inbox links to the page; the body (what e-mails and group
    robots send) ends with the absolute link. User text goes in as a value, never as a format
    string, so braces in a description are harmless."""
    if person is None:
        return
    notify(
        person,
        event=event,
        title=title,
        body="{text}\n{link}" if text else "{link}",
        params={
            "number": order.number,
            "text": text[:200] if text else "",
            "link": order_link(order),
        },
        url=_order_url(order),
        unit=order.unit,
    )


# --- the people of the chain ---------------------------------------------------------------------


def station_of(unit: OrgUnit) -> OrgUnit | None:
    """The station (区站) above or at a unit."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    return OrgUnit.objects.filter(pk__in=ids, kind=OrgUnit.Kind.STATION).order_by("-path").first()


def chain_people(order: Order) -> dict[str, Person | None]:
    """WO-05: engineer, station head, station manager, customer-service agent, operations manager."""
    station = station_of(order.unit)
    by_role = {}
    if station is not None:
        for person in Person.objects.filter(
            unit=station, active=True, role__in=[Role.STATION_HEAD, Role.STATION_MANAGER]
        ).order_by("pk"):
            by_role.setdefault(person.role, person)
    ops = Person.objects.filter(role=Role.OPS_MANAGER, active=True).order_by("pk").first()
    return {
        "engineer": order.engineer,
        "station_head": by_role.get(Role.STATION_HEAD),
        "station_manager": by_role.get(Role.STATION_MANAGER),
        "cs_agent": order.cs_agent,
        "ops_manager": ops,
    }


# Relations a caller may already have loaded (access_order): the locked row keeps them, so the
# service and the answer built from its result do not read them again.
KEPT_RELATIONS = ("unit", "customer", "engineer", "cs_agent", "created_by")


def _lock(order: Order) -> Order:
    """The order's row, locked for this transaction (fresh values), with the related objects
    the caller had loaded when they are still the same rows."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    for name in KEPT_RELATIONS:
        field = Order._meta.get_field(name)
        if field.is_cached(order) and getattr(order, field.attname) == getattr(
            locked, field.attname
        ):
            field.set_cached_value(locked, field.get_cached_value(order))
    locked._scheduled_due = locked.next_due_at
    locked._loaded = {f.attname: getattr(locked, f.attname) for f in Order._meta.concrete_fields}
    return locked


# --- deadlines and breach facts -----------------------------------------------------------------


def _pending_deadlines(order: Order) -> list[datetime]:
    after = order.swept_until
    candidates = []
    if order.state not in (State.CLOSED, State.CANCELLED):
        if (
            order.kind not in rules.CUSTOMER_KINDS
            and order.contact_due_at
            and order.contacted_at is None
            and order.arrived_at is None
        ):
            candidates.append(order.contact_due_at)
        if order.on_site_due_at and order.arrived_at is None:
            candidates.append(order.on_site_due_at)
        if order.complete_due_at and order.resolved_at is None:
            candidates.append(order.complete_due_at)
        if order.contacted_at is None and order.arrived_at is None:  # WO-05 variant
            candidates += [d for d in (order.retry_due_at, order.retry_late_at) if d]
    if order.chain_due_at:
        candidates.append(order.chain_due_at)
    return [d for d in candidates if after is None or d > after]


def _save_and_schedule(order: Order) -> None:
    pending = _pending_deadlines(order)
    order.next_due_at = min(pending) if pending else None
    loaded = getattr(order, "_loaded", None)
    if loaded is None:
        order.save()
    else:  # a locked row (_lock): write only what changed, a much smaller UPDATE
        changed = [name for name, value in loaded.items() if getattr(order, name) != value]
        if changed:
            order.save(update_fields=changed)  # attnames: engineer_id etc.
            order._loaded = {**loaded, **{n: getattr(order, n) for n in changed}}
    # A sweep is already scheduled at an unchanged deadline (Huey keeps it across restarts;
    # the minute sweep is the safety net): wake the worker only for a new deadline.
    unchanged = getattr(order, "_scheduled_due", False) == order.next_due_at
    if order.next_due_at is not None and not unchanged:
        from workorders.tasks import schedule_sweep

        due, pk = order.next_due_at, order.pk
        transaction.on_commit(lambda: schedule_sweep(pk, due))


def _breach(
    order: Order, rule_id: str, kind: str, person: Person | None, due_at: datetime, amount=0
) -> bool:
    _obj, created = Breach.objects.get_or_create(
        order=order,
        rule_id=rule_id,
        kind=kind,
        person=person,
        defaults={"due_at": due_at, "recorded_at": clock.now(), "amount": amount},
    )
    if created:
        _event(
            order,
            "breach",
            by=None,
            rule=rule_id,
            breach=kind,
            person=person.name if person else "",
            due=due_at,
            amount=str(amount),
        )
    return created
