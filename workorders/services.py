"""Work-order operations: create, dispatch, each lifecycle step, the SLA sweep and the WO-05
chain. Each write is one transaction with a timeline event and an audit entry."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError
from core.policy import policy_for
from notifications.services import notify
from people.models import Customer, OrgUnit, Person
from people.roles import Role
from workorders import rules
from workorders.models import Appointment, Breach, Kind, Order, OrderEvent, State

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
    return f"/orders/{order.pk}/"


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


# --- creating and dispatching -------------------------------------------------------------------


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
        notify(
            person,
            event="workorders.order.critical",
            title=gettext_lazy("Critical problem: order {number}"),
            params={"number": order.number},
            url=_order_url(order),
            unit=order.unit,
        )
    _event(order, "critical_reported", by=by, notified=[p.pk for p in people])


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
    order = Order.objects.select_for_update().get(pk=order.pk)
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
    notify(
        engineer,
        event="workorders.order.dispatched",
        title=gettext_lazy("New order {number}"),
        body=order.description[:200],
        params={"number": order.number},
        url=_order_url(order),
        unit=order.unit,
    )
    return order


# --- steps ---------------------------------------------------------------------------------------


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


@transaction.atomic
def log_contact(order: Order, *, by: Person, outcome: str, note: str = "") -> Order:
    """The engineer's call to the customer (WO-01), logged with its outcome. Only a call that
    reached the customer counts as contact."""
    order = _lock(order)
    _check_step(order, "contact")
    if outcome not in {"reached", "no_answer", "busy", "wrong_number"}:
        raise DomainError(_("Unknown call outcome."), field="outcome")
    now = clock.now()
    _event(order, "call", by=by, note=note, outcome=outcome)
    if outcome == "reached" and order.contacted_at is None:
        order.contacted_at = now
        order.state = State.CONTACTED
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
        notify(
            person,
            event="workorders.order.escalated",
            title=gettext_lazy("Order {number} escalated to technical support"),
            body=note,
            params={"number": order.number},
            url=_order_url(order),
            unit=order.unit,
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
    return order


# --- the WO-05 chain actions ---------------------------------------------------------------------


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
            notify(
                people[key],
                event="workorders.chain.station",
                title=gettext_lazy("Customer of order {number} still not contacted"),
                params={"number": order.number},
                url=_order_url(order),
                unit=order.unit,
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
        notify(
            person,
            event=f"workorders.chain.{action.notify}",
            title=title,
            params={"number": order.number},
            url=_order_url(order),
            unit=order.unit,
        )
        _event(order, f"chain_notice_{action.notify}", by=None, to=person.name)


# --- the sweep -----------------------------------------------------------------------------------


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
    if order.chain_due_at:
        candidates.append(order.chain_due_at)
    return [d for d in candidates if after is None or d > after]


def _save_and_schedule(order: Order) -> None:
    pending = _pending_deadlines(order)
    order.next_due_at = min(pending) if pending else None
    order.save()
    if order.next_due_at is not None:
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
