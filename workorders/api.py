"""Work orders over the API: the whole lifecycle, scoped like the pages (outsiders get 404).

Writes take an `idempotency_key`: a retried mobile request gets the first answer back (with the
header `Idempotent-Replayed: true`) and is not applied twice (core/idempotency.py). Errors name
the field: an illegal step is a 400 on "state" (e.g. "arrive" before "contact"), a double-booked
appointment a 400 on "start" offering the next free time, a dispatch to someone on leave a 400 on
"engineer_id", an unknown customer a 400 on "customer_id"; nothing is half-written.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from core import clock
from core.errors import DomainError
from core.idempotency import Answer, once
from core.pagination import Id, Pagination
from people.models import Person
from people.queries import customers_for, person_of, role_of, units_for
from people.roles import Role
from workorders import rules
from workorders.models import Order, State
from workorders.queries import (
    ORDER_TAKERS,
    STEP_RELATED,
    access_order,
    board_orders,
    can_take_orders,
    engineers_for,
    may_take_step,
    suggest_engineers,
    with_colour,
)
from workorders.schemas import (
    DispatchIn,
    HandInOut,
    OrderDetailOut,
    OrderFilters,
    OrderIn,
    OrderOut,
    StepIn,
    SuggestionOut,
)
from workorders.services import create_order, dispatch_order, hand_in_daily, hand_in_states
from workorders.steps import take_named_step

router = Router(tags=["orders"])


def _me(request) -> Person:
    me = person_of(request.auth)
    if me is None:
        raise HttpError(403, _("Only staff with a person record can do this."))
    return me


def _order_json(request, order_id: int) -> dict:
    return _detail_json(request, access_order(request.auth, order_id))


def _detail_json(request, order: Order) -> dict:
    """The order as OrderDetailOut, from the row a service just wrote (its related objects
    kept from access_order): no second read of the order."""
    with_colour(order, clock.now())
    return OrderDetailOut.model_validate(order, context={"request": request}).model_dump(
        mode="json"
    )


def _reply(answer: Answer) -> JsonResponse:
    """The same body for the first answer and its replays."""
    response = JsonResponse(answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@contextmanager
def _fields_named(names: dict[str, str]) -> Iterator[None]:
    """Services name their arguments (engineer); the API answers with the body's names
    (engineer_id)."""
    try:
        yield
    except DomainError as exc:
        if exc.field in names:
            raise DomainError(exc.message, field=names[exc.field]) from None
        raise


@router.post("/orders", response={201: OrderDetailOut})
def create(request, payload: OrderIn):
    """Take an order for a customer (install, repair, renewal) or a site (inspection, support).
    A new-user install carries its registration form (WO-10); `critical` reports it at once to
    technical support and the operations manager (WO-09)."""
    me = _me(request)
    if not can_take_orders(request.auth):
        raise HttpError(
            403, _("Only customer service, dispatchers and station managers take orders.")
        )

    def run():
        customer = unit = None
        if payload.customer_id is not None:
            customer = customers_for(request.auth).filter(pk=payload.customer_id).first()
            if customer is None:
                raise DomainError(_("Unknown customer."), field="customer_id")
        if payload.unit_id is not None:
            unit = units_for(request.auth).filter(pk=payload.unit_id).first()
            if unit is None:
                raise DomainError(_("Unknown site."), field="unit_id")
        if customer is not None:
            if unit is not None and unit.pk != customer.unit_id:
                raise DomainError(_("The site is the customer's own unit."), field="unit_id")
            unit = customer.unit
        if unit is None and payload.kind not in rules.CUSTOMER_KINDS:
            raise DomainError(_("Choose the site or the customer."), field="unit_id")
        registration = payload.registration.model_dump() if payload.registration else {}
        with _fields_named({"customer": "customer_id", "unit": "unit_id"}):
            order = create_order(
                by=me,
                kind=payload.kind,
                unit=unit,
                customer=customer,
                description=payload.description,
                address=payload.address,
                fault_class=payload.fault_class or "",
                support_kind=payload.support_kind or "",
                critical=payload.critical,
                registration={k: v for k, v in registration.items() if v},
            )
        return 201, _order_json(request, order.pk)

    return _reply(once(request, payload.idempotency_key, run))


@router.get("/orders", response=list[OrderOut])
@paginate(Pagination)
def list_orders(request, filters: Query[OrderFilters]):
    """Orders the caller may see, reddest and most urgent first (like the board). `state` is
    "open" (default), "all" or one state; `mine=true` only the caller's own."""
    state = filters.state or ""
    if state not in {"", "open", "all", *State.values}:
        raise DomainError(_("Unknown state."), field="state")
    chosen = {
        "state": "" if state == "open" else state,
        "kind": filters.kind or "",
        "sla": filters.sla or "",
        "q": filters.q,
        "engineer": filters.engineer_id,
    }
    if filters.station_id is not None:
        chosen["station"] = units_for(request.auth).filter(pk=filters.station_id).first()
        if chosen["station"] is None:
            raise DomainError(_("Unknown station."), field="station_id")
    if filters.mine:
        me = person_of(request.auth)
        chosen["engineer"] = me.pk if me else 0
    return board_orders(request.auth, chosen, now=clock.now())


@router.get("/orders/{int:order_id}", response=OrderDetailOut)
def get_order(request, order_id: Id):
    """The order with its timeline (every step, notice and acknowledgement) and breaches."""
    return access_order(request.auth, order_id)


@router.get("/orders/{int:order_id}/suggestions", response=list[SuggestionOut])
def suggestions(request, order_id: Id):
    """Engineers to dispatch to, best first, each with the reasons (zone, skill, present today,
    load, next free appointment time)."""
    order = access_order(request.auth, order_id)
    if role_of(request.auth) not in ORDER_TAKERS:
        raise HttpError(403, _("Only dispatchers see the suggestions."))
    return suggest_engineers(order, clock.now())


@router.post("/orders/{int:order_id}/dispatch", response={200: OrderDetailOut})
def dispatch(request, order_id: Id, payload: DispatchIn):
    """派单 to one engineer, or reassign (the timeline keeps both)."""
    order = access_order(request.auth, order_id)
    me = _me(request)
    if me.role not in ORDER_TAKERS:
        raise HttpError(403, _("Only dispatchers dispatch orders."))

    def run():
        engineer = engineers_for(request.auth).filter(pk=payload.engineer_id).first()
        if engineer is None:
            raise DomainError(_("Unknown engineer."), field="engineer_id")
        with _fields_named({"engineer": "engineer_id"}):
            done = dispatch_order(order, engineer=engineer, by=me)
        return 200, _detail_json(request, done)

    return _reply(once(request, payload.idempotency_key, run))


@router.post("/orders/{int:order_id}/steps", response={200: OrderDetailOut})
def take_step(request, order_id: Id, payload: StepIn):
    """One step of the lifecycle, or a WO-05 chain notice (`notify_ops` by customer service,
    `notify_station` by the operations manager). A step the state does not allow is a 400 on
    "state"; a step that is someone else's is a 403."""
    order = access_order(request.auth, order_id, related=STEP_RELATED)
    me = _me(request)
    if not may_take_step(request.auth, order, payload.step):
        raise HttpError(403, _("This step is not yours to take."))

    def run():
        done = take_named_step(
            order,
            payload.step,
            by=me,
            outcome=payload.outcome,
            start=payload.start,
            end=payload.end,
            note=payload.note,
            cause_class=payload.cause_class,
            case_report=payload.case_report,
        )
        return 200, _detail_json(request, done)

    return _reply(once(request, payload.idempotency_key, run))


# --- WO-12: the daily event record -------------------------------------------------------------


@router.post("/daily/{day}/hand-in", response=HandInOut, tags=["daily records"])
def hand_in(request, day: date):
    """Hand in the caller's own daily event record of `day` (WO-12). Idempotent: a second call
    returns the first hand-in unchanged."""
    me = _me(request)
    record = hand_in_daily(me, day, by=me)
    (row,) = hand_in_states([me], day, now=clock.now())
    return {"day": day, "person_id": me.pk, "person_name": me.name} | _state(row, record)


@router.get("/daily/{day}/hand-ins", response=list[HandInOut], tags=["daily records"])
def hand_ins(request, day: date):
    """WO-12 for the group leader and managers: each engineer the caller sees, his events of
    the day and the hand-in state (handed_in, late, open, missing, none)."""
    me = person_of(request.auth)
    if me is not None and me.role == Role.ENGINEER:
        raise HttpError(403, _("Only group leaders and managers see the team's hand-ins."))
    people = list(engineers_for(request.auth)[:500])
    return [
        {"day": day, "person_id": row["person"].pk, "person_name": row["person"].name}
        | _state(row, None)
        for row in hand_in_states(people, day, now=clock.now())
    ]


def _state(row: dict, record) -> dict:
    return {
        "events": row["events"],
        "state": row["state"],
        "handed_in_at": record.handed_in_at if record else row["handed_in_at"],
        "flagged_at": row["flagged_at"],
    }
