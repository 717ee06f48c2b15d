"""Creating an order and its lifecycle steps (contact, appointment, on the way, arrived,
resolved, escalated, not completed, feedback, closed, follow-up). Each write is one transaction
with a timeline event."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError
from core.policy import policy_for
from people.models import Customer, OrgUnit, Person
from people.roles import Role
from workorders import rules, wording
from workorders.models import Appointment, Kind, Order, State
from workorders.services.common import (
    _check_step,
    _event,
    _lock,
    _save_and_schedule,
    notify_order,
    sla_policy,
)

# --- creating ----------------------------------------------------------------------------------


def _next_number(now: datetime) -> str:
    prefix = f"WO{timezone.localtime(now):%Y%m%d}"
    last = (
        Order.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


@transaction.atomic
def create_order(
    *,
    by: Person,
    kind: str,
    unit: OrgUnit,
    description: str,
    customer: Customer | None = None,
    address: str = "",
    fault_class: str = "",
    support_kind: str = "",
    critical: bool = False,
    registration: dict | None = None,
) -> Order:
    """Customer service takes a call (or an integration posts one). WO-10: a new-user install
    carries its registration form; WO-09: a critical problem is reported at once."""
    if kind not in Kind.values:
        raise DomainError(_("Unknown order type."), field="kind")
    if kind in rules.CUSTOMER_KINDS and customer is None:
        raise DomainError(_("Choose the customer."), field="customer")
    if kind == Kind.REPAIR and fault_class not in {"general", "major"}:
        raise DomainError(_("Choose general or major fault (WO-04)."), field="fault_class")
    if kind == Kind.SUPPORT and not support_kind:
        raise DomainError(_("Choose the support task."), field="support_kind")
    if not (description or "").strip():
        raise DomainError(_("Describe the problem or the work."), field="description")
    policy = policy_for(unit.client_id, on=clock.today())
    registration = registration or {}
    if kind == Kind.INSTALL and policy["wo.registration_form_required"]:
        missing = [
            f for f in ("name", "id_number", "package") if not str(registration.get(f, "")).strip()
        ]
        if missing:
            raise DomainError(
                _("The registration form (WO-10) lacks: {fields}.").format(
                    fields=", ".join(missing)
                ),
                field=f"registration.{missing[0]}",
            )
    now = clock.now()
    order = Order.objects.create(
        number=_next_number(now),
        kind=kind,
        unit=unit,
        customer=customer,
        address=address or (customer.address if customer else ""),
        description=description.strip(),
        fault_class=fault_class if kind == Kind.REPAIR else "",
        support_kind=support_kind if kind == Kind.SUPPORT else "",
        critical=critical,
        registration=registration,
        created_at=now,
        created_by=by.user,
        cs_agent=by if by.role == Role.CUSTOMER_SERVICE else None,
    )
    _event(order, "created", by=by)
    audit.record(
        order, "workorders.order.created", by=by, data={"kind": kind, "critical": critical}
    )
    if critical:
        _report_critical(order, by=by)
    return order


def _report_critical(order: Order, *, by: Person) -> None:
    """WO-09: product/technical support and the office head hear of a critical problem at once."""
    people = Person.objects.filter(active=True, role__in=[Role.TECH_SUPPORT, Role.OPS_MANAGER])
    for person in people:
        notify_order(
            person,
            order,
            event="workorders.order.critical",
            title=gettext_lazy("Critical problem: order {number}"),
        )
    _event(order, "critical_reported", by=by, notified=[p.pk for p in people])


# --- steps ---------------------------------------------------------------------------------------


@transaction.atomic
def log_contact(order: Order, *, by: Person, outcome: str, note: str = "") -> Order:
    """The engineer's call to the customer (WO-01), logged with its outcome. Only a call that
    reached the customer counts as contact; after one that did not, the next attempt is due
    `wo.contact_retry_hours` later where the policy sets it (WO-05 variant)."""
    order = _lock(order)
    _check_step(order, "contact")
    if outcome not in {"reached", "no_answer", "busy", "wrong_number"}:
        raise DomainError(_("Unknown call outcome."), field="outcome")
    now = clock.now()
    _event(order, "call", by=by, note=note, outcome=outcome)
    if outcome == "reached":
        changed = order.retry_due_at is not None or order.contacted_at is None
        order.retry_due_at = order.retry_late_at = None
        if order.contacted_at is None:
            order.contacted_at = now
            order.state = State.CONTACTED
        if changed:
            _save_and_schedule(order)
        return order
    # WO-05 variant: a failed attempt starts the clock of the next one (when the policy says so).
    order.retry_count += 1
    retry = rules.contact_retry(outcome, at=now, policy=sla_policy(order, now))
    order.retry_due_at, order.retry_late_at = retry.due, retry.late
    _save_and_schedule(order)
    return order


@transaction.atomic
def agree_appointment(order: Order, *, by: Person, start: datetime, end: datetime) -> Order:
    """WO-07: the visit time agreed by phone goes into the engineer's appointment table, which
    refuses double booking and offers the next free time."""
    order = _lock(order)
    _check_step(order, "appoint")
    if end <= start:
        raise DomainError(_("The end of the appointment must be after its start."), field="end")
    engineer = order.engineer
    busy = list(
        Appointment.objects.filter(
            engineer=engineer, active=True, end__gt=start - timedelta(days=1)
        )
        .exclude(order=order)
        .values_list("start", "end")
    )
    if any(rules.overlaps(start, end, b_start, b_end) for b_start, b_end in busy):
        free = rules.next_free_slot(busy, wanted_start=start, length=end - start)
        raise DomainError(
            _("{name} is already booked then. Next free time: {time}.").format(
                name=engineer.name, time=timezone.localtime(free).strftime("%Y-%m-%d %H:%M")
            ),
            field="start",
        )
    Appointment.objects.filter(order=order, active=True).update(active=False)
    Appointment.objects.create(engineer=engineer, order=order, start=start, end=end)
    order.appointment_start, order.appointment_end = start, end
    if order.kind == Kind.INSTALL and order.resolved_at is None:
        order.complete_due_at = end  # WO-03: or within the time agreed with the customer
    order.state = State.APPOINTED
    _event(order, "appointment", by=by, start=start, end=end)
    _save_and_schedule(order)
    return order


@transaction.atomic
def take_step(order: Order, step: str, *, by: Person, note: str = "") -> Order:
    """Simple steps: on the way, arrived, resolved, feedback, follow-up."""
    order = _lock(order)
    _check_step(order, step)
    now = clock.now()
    if step == "on_the_way":
        order.on_the_way_at, order.state = now, State.ON_THE_WAY
    elif step == "arrive":
        order.arrived_at, order.state = now, State.ARRIVED
    elif step == "resolve":
        order.resolved_at, order.state = now, State.RESOLVED
        Appointment.objects.filter(order=order, active=True).update(active=False)
    elif step == "feedback":
        order.feedback_at, order.state = now, State.FEEDBACK
    elif step == "follow_up":
        if order.followed_up_at is not None:
            raise DomainError(_("The follow-up is already recorded."), field="state")
        order.followed_up_at = now
    else:
        raise DomainError(_("Unknown step."), field="step")
    _event(order, step, by=by, note=note)
    _save_and_schedule(order)
    return order


@transaction.atomic
def escalate_to_tech(order: Order, *, by: Person, note: str) -> Order:
    """WO-06: a repair the engineer cannot fix goes to technical support at once; customer
    service is told."""
    order = _lock(order)
    _check_step(order, "escalate")
    if not (note or "").strip():
        raise DomainError(_("Say what was tried and what is wrong."), field="note")
    order.escalated_at, order.state = clock.now(), State.ESCALATED
    _event(order, "escalated", by=by, note=note)
    _save_and_schedule(order)
    told = list(Person.objects.filter(active=True, role=Role.TECH_SUPPORT))
    if order.cs_agent:
        told.append(order.cs_agent)
    for person in told:
        notify_order(
            person,
            order,
            event="workorders.order.escalated",
            title=gettext_lazy("Order {number} escalated to technical support"),
            text=note,
        )
    return order


@transaction.atomic
def mark_not_completed(order: Order, *, by: Person, reason: str) -> Order:
    order = _lock(order)
    _check_step(order, "not_complete")
    if not (reason or "").strip():
        raise DomainError(_("Give the reason."), field="reason")
    order.state = State.NOT_COMPLETED
    Appointment.objects.filter(order=order, active=True).update(active=False)
    _event(order, "not_completed", by=by, note=reason)
    _save_and_schedule(order)
    return order


@transaction.atomic
def close_order(order: Order, *, by: Person, cause_class: str, case_report: str = "") -> Order:
    """WO-13: the cause class in customer wording; WO-08: the case report; WO-11: follow-up due."""
    order = _lock(order)
    _check_step(order, "close")
    policy = policy_for(order.unit.client_id, on=clock.today())
    if policy["wo.cause_class_required"] and cause_class not in {
        "our_side",
        "third_party",
        "customer_side",
    }:
        raise DomainError(_("Choose the cause (WO-13)."), field="cause_class")
    if order.kind == Kind.SUPPORT and not (case_report or "").strip():
        raise DomainError(_("A support task needs its case report (WO-08)."), field="case_report")
    now = clock.now()
    order.closed_at, order.state = now, State.CLOSED
    order.cause_class, order.case_report = cause_class, case_report
    left_site = order.resolved_at or now
    order.follow_up_due = rules.follow_up_due(left_site, sla_policy(order, now))
    _event(order, "closed", by=by, cause=cause_class)
    _save_and_schedule(order)
    audit.record(order, "workorders.order.closed", by=by, data={"cause": cause_class})
    # WO-15: the customer is told in the standard wording of the WO-13 cause.
    if order.customer_id and policy["wo.standard_wording"] and cause_class:
        from workorders.services.wording import record_notice

        record_notice(
            order,
            by=by,
            situation=wording.situation_for(state=order.state, cause_class=cause_class),
        )
    return order
