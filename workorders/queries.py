"""Reads of work orders for the pages and the API: who sees which orders (outsiders get 404),
who may take which step, the dispatcher board with its SLA colours, the engineers suggested for a
dispatch (in workorders/suggestions.py, re-exported here), the engineer's open orders and
appointment table, and his daily event record (WO-12)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from people.models import Customer, OrgUnit, Person
from people.queries import person_of, role_of, sees_everything
from people.roles import CLIENT_ROLES, FULL_PHONE_ROLES, UNIT_WIDE, Role
from workorders import rules
from workorders.models import OPEN_STATES, Appointment, Breach, Order, OrderEvent, State
from workorders.suggestions import (  # noqa: F401 - re-exported: queries.suggest_engineers etc.
    ENGINEER_ROLES,
    SKILL_WORDS,
    Suggestion,
    skill_words,
    station_of,
    suggest_engineers,
)

# Who takes orders and dispatches them: the desk (customer service, dispatch centre, operations
# manager) for everything, the station head and manager within their station.
DESK_ROLES = {Role.CUSTOMER_SERVICE, Role.DISPATCH_CENTRE, Role.OPS_MANAGER}
STATION_ROLES = {Role.STATION_HEAD, Role.STATION_MANAGER}
ORDER_TAKERS = DESK_ROLES | STATION_ROLES

# Which step is whose. Field steps belong to the order's engineer; the desk closes orders
# (WO-13) and may record the engineer's feedback or the WO-11 follow-up call for him.
FIELD_STEPS = [
    "contact",
    "appoint",
    "on_the_way",
    "arrive",
    "resolve",
    "escalate",
    "not_complete",
    "weekly_report",  # WO-14
]
SHARED_STEPS = ["feedback", "follow_up"]
CHAIN_STEPS = {"notify_ops": Role.CUSTOMER_SERVICE, "notify_station": Role.OPS_MANAGER}  # WO-05
ALL_STEPS = [*FIELD_STEPS, *SHARED_STEPS, "close", *CHAIN_STEPS]

# SLA colour of an open order: red when a clock has run out, amber when the next deadline is
# this close, green otherwise. A display threshold, not a regulation, so not a policy parameter.
AMBER_WITHIN = timedelta(minutes=15)
SLA_COLOURS = ["red", "amber", "green"]

# --- who sees what ------------------------------------------------------------------------------


def orders_for(user) -> QuerySet[Order]:
    """Orders the user may see: desk roles all, station roles their unit's subtree, client roles
    the orders at their company's units, a group leader his team's, an engineer his own; a
    vendor contact none."""
    qs = Order.objects.all()
    if sees_everything(user):
        return qs
    me = person_of(user)
    if me is None or me.role == Role.VENDOR_CONTACT:
        return qs.none()
    if me.role in UNIT_WIDE:
        return qs.filter(unit__path__startswith=me.unit.path) if me.unit_id else qs.none()
    if me.role in CLIENT_ROLES:
        return qs.filter(unit__client=me.client_id) if me.client_id else qs.none()
    if me.role == Role.GROUP_LEADER:
        return qs.filter(Q(engineer=me) | Q(engineer__team__leader=me))
    return qs.filter(engineer=me)


ORDER_RELATED = ("unit", "customer", "engineer", "cs_agent")
STEP_RELATED = ("unit", "customer", "engineer")  # what a step and its API answer read


def access_order(
    user, pk: int, *, now: datetime | None = None, related: tuple[str, ...] = ORDER_RELATED
) -> Order:
    """The order with its SLA colour, if the user may see it; else 404. One plain query (no
    ORDER BY, no CASE): the colour is computed from the row (`sla_colour`), which is the same
    answer as `with_sla` and much cheaper for a single order on every step request."""
    order = orders_for(user).select_related(*related).filter(pk=pk).order_by()[:1]
    order = next(iter(order), None)
    if order is None:
        raise Http404
    return with_colour(order, now or timezone.now())


def can_take_orders(user) -> bool:
    return role_of(user) in ORDER_TAKERS


def can_dispatch(user, order: Order) -> bool:
    return role_of(user) in ORDER_TAKERS and rules.step_allowed(
        "dispatch", state=order.state, kind=order.kind
    )


def may_take_step(user, order: Order, step: str) -> bool:
    """Whether this user is the one to take `step` on the order (not whether the state allows
    it: that is the service's answer, with its own error)."""
    me = person_of(user)
    if me is None:
        return False
    is_engineer = order.engineer_id is not None and order.engineer_id == me.pk
    if step in FIELD_STEPS:
        return is_engineer
    if step in SHARED_STEPS:
        return is_engineer or me.role in DESK_ROLES
    if step == "close":
        return me.role in ORDER_TAKERS
    if step in CHAIN_STEPS:
        return me.role == CHAIN_STEPS[step]
    return False


def station_notified(order: Order) -> bool:
    return order.events.filter(kind="chain_ops_notified_station").exists()


def steps_for(user, order: Order) -> list[str]:
    """The steps this user may take on the order now (buttons to show)."""
    steps = [
        s
        for s in [*FIELD_STEPS, *SHARED_STEPS, "close"]
        if may_take_step(user, order, s)
        and rules.step_allowed(s, state=order.state, kind=order.kind)
    ]
    if "follow_up" in steps and (order.followed_up_at or not order.follow_up_due):
        steps.remove("follow_up")
    if "weekly_report" in steps and not order.report_due_at:  # WO-14: only when flagged
        steps.remove("weekly_report")
    if may_take_step(user, order, "notify_ops") and order.chain_stage == rules.STAGE_CS_ALERTED:
        steps.append("notify_ops")
    if (
        may_take_step(user, order, "notify_station")
        and order.chain_stage == rules.STAGE_OPS_NOTIFIED
        and not station_notified(order)
    ):
        steps.append("notify_station")
    return steps


def next_step(order: Order) -> str:
    """The one step an engineer would take next (the big button on his phone)."""
    state = order.state
    if state == State.DISPATCHED:
        return "on_the_way" if order.kind in rules.NO_CONTACT_KINDS else "contact"
    if state == State.CONTACTED:
        return "appoint" if order.kind == "install" else "on_the_way"
    if state == State.APPOINTED:
        return "on_the_way"
    if state == State.ON_THE_WAY:
        return "arrive"
    if state in (State.ARRIVED, State.ESCALATED):
        return "resolve"
    if state == State.NOT_COMPLETED:
        return "contact"
    if state == State.RESOLVED:
        return "feedback"
    if state == State.CLOSED and order.follow_up_due and not order.followed_up_at:
        return "follow_up"
    return ""


def registration_for(user, order: Order) -> dict:
    """WO-10 registration form as shown: the ID card number masked like a phone (SEC-05) except
    for the desk roles that see full customer data."""
    data = dict(order.registration or {})
    number = str(data.get("id_number") or "")
    if number and not (getattr(user, "is_superuser", False) or role_of(user) in FULL_PHONE_ROLES):
        data["id_number"] = f"{number[:3]}{'*' * max(len(number) - 7, 0)}{number[-4:]}"
    return data


# --- SLA colour and running clocks ---------------------------------------------------------------


def due_by_q(limit: datetime) -> Q:
    """An order with a running SLA clock due by `limit`: a deadline whose step is not done.
    (The WO-05 chain runs only while the contact clock has run out, so the contact covers it;
    next_due_at is the sweep's wake-up time and may lag a step just taken, so it is not used.)"""
    return (
        Q(contact_due_at__lte=limit, contacted_at__isnull=True, arrived_at__isnull=True)
        | Q(on_site_due_at__lte=limit, arrived_at__isnull=True)
        | Q(complete_due_at__lte=limit, resolved_at__isnull=True)
    )


def with_sla(qs: QuerySet[Order], now: datetime) -> QuerySet[Order]:
    """Annotate `sla` (red / amber / green, "" when closed) and `sla_rank` for sorting."""
    is_open = Q(state__in=OPEN_STATES)
    red, amber = due_by_q(now), due_by_q(now + AMBER_WITHIN)
    return qs.annotate(
        sla=Case(
            When(~is_open, then=Value("")),
            When(red, then=Value("red")),
            When(amber, then=Value("amber")),
            default=Value("green"),
            output_field=CharField(),
        ),
        sla_rank=Case(
            When(~is_open, then=Value(3)),
            When(red, then=Value(0)),
            When(amber, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )


def _due_by(order: Order, limit: datetime) -> bool:
    """`due_by_q` on one order in Python."""
    return bool(
        (
            order.contact_due_at is not None
            and order.contact_due_at <= limit
            and order.contacted_at is None
            and order.arrived_at is None
        )
        or (
            order.on_site_due_at is not None
            and order.on_site_due_at <= limit
            and order.arrived_at is None
        )
        or (
            order.complete_due_at is not None
            and order.complete_due_at <= limit
            and order.resolved_at is None
        )
    )


def sla_colour(order: Order, now: datetime) -> str:
    """The SLA colour `with_sla` annotates, for an order already in memory."""
    if order.state not in OPEN_STATES:
        return ""
    if _due_by(order, now):
        return "red"
    if _due_by(order, now + AMBER_WITHIN):
        return "amber"
    return "green"


def with_colour(order: Order, now: datetime) -> Order:
    """Set `sla` and `sla_rank` on an order in memory, as `with_sla` annotates them."""
    order.sla = sla_colour(order, now)
    order.sla_rank = {"red": 0, "amber": 1, "green": 2}.get(order.sla, 3)
    return order


@dataclass(frozen=True)
class Clock:
    name: str  # contact | on_site | complete | chain
    rule_id: str
    due: datetime


def running_clocks(order: Order) -> list[Clock]:
    """The SLA clocks of an open order whose step is not done yet, earliest first."""
    if order.state not in OPEN_STATES:
        return []
    clocks = []
    if order.contact_due_at and order.contacted_at is None and order.arrived_at is None:
        clocks.append(Clock("contact", rules.contact_rule(order.kind), order.contact_due_at))
    if order.on_site_due_at and order.arrived_at is None:
        clocks.append(Clock("on_site", "WO-02", order.on_site_due_at))
    if order.complete_due_at and order.resolved_at is None:
        clocks.append(Clock("complete", rules.complete_rule(order.kind), order.complete_due_at))
    if order.chain_due_at and order.contacted_at is None:
        clocks.append(Clock("chain", "WO-05", order.chain_due_at))
    return sorted(clocks, key=lambda c: c.due)


def first_clock(order: Order) -> Clock | None:
    clocks = running_clocks(order)
    return clocks[0] if clocks else None


# --- the dispatcher board -----------------------------------------------------------------------


def board_orders(user, filters: dict, *, now: datetime) -> QuerySet[Order]:
    """The board: open orders (or the chosen state) the user may see, reddest and most urgent
    first. One query for the page and one for its count, whatever the number of orders.

    filters: station (OrgUnit), kind, state ("" = open, "all", or a state), sla, engineer, q.
    """
    qs = with_sla(orders_for(user), now).select_related("unit", "customer", "engineer")
    state = filters.get("state") or ""
    if state in State.values:
        qs = qs.filter(state=state)
    elif state != "all":
        qs = qs.filter(state__in=OPEN_STATES)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    station = filters.get("station")
    if station is not None:
        qs = qs.filter(unit__path__startswith=station.path)
    if filters.get("engineer") is not None:
        qs = qs.filter(engineer=filters["engineer"])
    colour = filters.get("sla")
    if colour in SLA_COLOURS:  # the conditions themselves, not the CASE: cheaper to filter on
        red, amber = due_by_q(now), due_by_q(now + AMBER_WITHIN)
        qs = qs.filter(state__in=OPEN_STATES)
        if colour == "red":
            qs = qs.filter(red)
        elif colour == "amber":
            qs = qs.filter(amber).exclude(red)
        else:
            qs = qs.exclude(amber)
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(customer__account_no=q) | Q(customer__name__icontains=q)
        )
    by_deadline = [F("next_due_at").asc(nulls_last=True), "-created_at", "-pk"]
    if colour in SLA_COLOURS:  # one colour: the rank is the same for all, skip computing it
        return qs.order_by(*by_deadline)
    return qs.order_by("sla_rank", *by_deadline)


def board_page(user, filters: dict, *, now: datetime, number, per_page: int = 50) -> Page:
    """One page of the board in four queries whatever the number of orders: the count, the
    page's ids (a narrow sort, cheap even 10,000 rows deep), those rows with their unit,
    customer and engineer, and their breach counts."""
    ids = board_orders(user, filters, now=now).values_list("pk", flat=True)
    page = Paginator(ids, per_page).get_page(number)
    wanted = list(page.object_list)
    rows = with_sla(Order.objects.filter(pk__in=wanted), now).select_related(
        "unit", "customer", "engineer"
    )
    by_pk = {order.pk: order for order in rows}
    page.object_list = attach_board_facts([by_pk[pk] for pk in wanted if pk in by_pk])
    return page


def attach_board_facts(orders: list[Order]) -> list[Order]:
    """Per row on a page: the first running clock and the number of breaches (one query)."""
    counts = dict(
        Breach.objects.filter(order_id__in=[o.pk for o in orders])
        .order_by()
        .values("order_id")
        .annotate(n=Count("pk"))
        .values_list("order_id", "n")
    )
    for order in orders:
        order.clock = first_clock(order)
        order.breach_count = counts.get(order.pk, 0)
    return orders


def stations_for_board(user) -> QuerySet[OrgUnit]:
    from people.queries import units_for

    return (
        units_for(user)
        .filter(kind=OrgUnit.Kind.STATION)
        .select_related(None)
        .only("pk", "name", "path")
        .order_by("path")
    )


# --- the engineer's day -------------------------------------------------------------------------


def engineer_orders(person: Person, *, now: datetime) -> QuerySet[Order]:
    """His open orders, plus closed ones whose WO-11 follow-up call is still to make."""
    return (
        with_sla(Order.objects.filter(engineer=person), now)
        .filter(
            Q(state__in=OPEN_STATES)
            | Q(state=State.CLOSED, followed_up_at__isnull=True, follow_up_due__isnull=False)
        )
        .select_related("unit", "customer")
        .order_by(F("next_due_at").asc(nulls_last=True), "created_at", "pk")
    )


def appointment_table(person: Person, start: date, days: int = 7) -> list[Appointment]:
    """WO-07: his booked slots from `start` for `days` days."""
    begin = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    return list(
        Appointment.objects.filter(
            engineer=person, active=True, end__gte=begin, start__lt=begin + timedelta(days=days)
        )
        .select_related("order", "order__customer", "order__unit")
        .order_by("start")
    )


def daily_events(person: Person, day: date) -> list[OrderEvent]:
    """WO-12: the maintenance events he recorded on `day` (运维事件记录单)."""
    begin = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return list(
        OrderEvent.objects.filter(by=person, at__gte=begin, at__lt=begin + timedelta(days=1))
        .select_related("order", "order__customer", "order__unit")
        .order_by("at", "pk")
    )


def engineers_for(user) -> QuerySet[Person]:
    """Engineers whose orders and daily record the user may open."""
    from people.queries import people_for

    return people_for(user).filter(role__in=ENGINEER_ROLES, active=True).order_by("name")


def customers_matching(qs: QuerySet[Customer], text: str, limit: int = 10) -> list[Customer]:
    """Intake search by account number, name or phone digits."""
    text = text.strip()
    if len(text) < 2:
        return []
    return list(
        qs.filter(
            Q(account_no__icontains=text) | Q(name__icontains=text) | Q(phone__contains=text)
        ).order_by("account_no")[:limit]
    )
