"""Order pages: the customer-service intake, the dispatcher board (HTMX refresh), the order page
with deadlines, timeline, breaches, dispatch and WO-05 chain buttons, the engineer's phone page
(one big button for the next step). The daily event record (WO-12) is in views_daily.py."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from people.queries import customer_phone_for, customers_for, person_of
from people.rules import masked_phone
from workorders import rules, wording
from workorders.forms import (
    REGISTRATION_FIELDS,
    BoardFilterForm,
    DispatchForm,
    OrderForm,
    StepForm,
)
from workorders.labels import (
    CLOCK_LABELS,
    EVENT_LABELS,
    REGISTRATION_LABELS,
    STEP_BUTTONS,
    breach_label,
    event_detail,
)
from workorders.models import CauseClass, FaultClass, Kind, Order, State, SupportKind
from workorders.queries import (
    ORDER_TAKERS,
    access_order,
    appointment_table,
    board_page,
    can_dispatch,
    can_take_orders,
    customers_matching,
    engineer_orders,
    first_clock,
    may_take_step,
    next_step,
    registration_for,
    steps_for,
    suggest_engineers,
)
from workorders.services import create_order, dispatch_order
from workorders.steps import take_named_step

BOARD_PAGE_SIZE = 50
LABELLED = {"kind": Kind, "fault_class": FaultClass, "support_kind": SupportKind, "state": State}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _me(request):
    me = person_of(request.user)
    if me is None:
        raise Http404
    return me


# --- the dispatcher board -----------------------------------------------------------------------


@login_required
def board(request):
    """Open orders with SLA colour and live countdowns; the rows refresh every 10 s (HTMX)."""
    now = clock.now()
    form = BoardFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    page = board_page(
        request.user, filters, now=now, number=request.GET.get("page"), per_page=BOARD_PAGE_SIZE
    )
    # get_FOO_display hashes its lazy choices on every call: label each row from plain dicts.
    labels = {f: {k: str(v) for k, v in c.choices} for f, c in LABELLED.items()}
    for order in page.object_list:
        order.clock_label = CLOCK_LABELS[order.clock.name] if order.clock else ""
        for name, by_value in labels.items():
            setattr(order, f"{name}_label", by_value.get(getattr(order, name), ""))
    context = {
        "page": page,
        "form": form,
        "now": now,
    }
    if _is_htmx(request):  # the 10-second refresh: the rows only
        template = "workorders/_board_rows.html"
    else:
        template = "workorders/board.html"
        context |= {
            "filters": {name: form.data.get(name, "") for name in form.fields},
            "stations": list(form.fields["station"].queryset.values_list("pk", "name")),
            "can_take_orders": can_take_orders(request.user),
        }
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- the intake ---------------------------------------------------------------------------------


def _shown_customers(customers):
    for customer in customers:
        customer.shown_phone = masked_phone(customer.phone)  # SEC-05 in the search list
    return customers


@login_required
def order_new(request):
    """Customer service takes a call. One page per type (like the request form); the customer
    is found by account number, name or phone and the order's site is the customer's unit."""
    me = _me(request)
    if not can_take_orders(request.user):
        raise Http404
    kind = request.POST.get("kind") or request.GET.get("kind") or Kind.REPAIR
    if kind not in Kind.values:
        kind = Kind.REPAIR
    finding = request.method == "POST" and "find" in request.POST
    if finding:  # the search button without JavaScript: keep what was typed, show no errors
        form = OrderForm(initial=request.POST.dict(), user=request.user, kind=kind)
    else:
        form = OrderForm(request.POST or None, user=request.user, kind=kind)
    if request.method == "POST" and not finding and form.is_valid():
        data = form.cleaned_data
        try:
            order = create_order(
                by=me,
                kind=kind,
                unit=form.site(),
                customer=data.get("customer"),
                description=data["description"],
                address=data.get("address", ""),
                fault_class=data.get("fault_class", ""),
                support_kind=data.get("support_kind", ""),
                critical=data.get("critical", False),
                registration=form.registration(),
            )
        except DomainError as exc:
            field = (exc.field or "").replace("registration.", "reg_")
            if field == "customer":
                field = "customer_q"
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Order {number} taken.").format(number=order.number))
            return redirect("workorders:detail", pk=order.pk)
    chosen = request.POST.get("customer") or ""
    found = []
    if "customer_q" in form.fields:
        if finding:
            found = customers_matching(customers_for(request.user), request.POST["customer_q"])
        elif chosen.isdigit():
            found = list(customers_for(request.user).filter(pk=int(chosen)))
    return render(
        request,
        "workorders/order_form.html",
        {
            "form": form,
            "kind": kind,
            "kinds": Kind.choices,
            "customers": _shown_customers(found),
            "chosen": chosen,
            "searched": finding,
            "registration_names": [f"reg_{name}" for name in REGISTRATION_FIELDS],
        },
    )


@login_required
def customer_search(request):
    """The intake's customer search as you type (HTMX partial)."""
    if not can_take_orders(request.user):
        raise Http404
    found = customers_matching(customers_for(request.user), request.GET.get("customer_q", ""))
    return render(
        request,
        "workorders/_customer_choices.html",
        {"customers": _shown_customers(found), "searched": True, "chosen": ""},
    )


# --- the order page -----------------------------------------------------------------------------


def _deadline_rows(order: Order) -> list[dict]:
    """Each SLA clock of the order: due when, met when (late or in time) or still running."""
    is_open = order.state not in (State.CLOSED, State.CANCELLED)
    spec = [
        (
            "contact",
            rules.contact_rule(order.kind),
            order.contact_due_at,
            order.contacted_at or order.arrived_at,
        ),
        ("on_site", "WO-02", order.on_site_due_at, order.arrived_at),
        ("complete", rules.complete_rule(order.kind), order.complete_due_at, order.resolved_at),
        ("chain", "WO-05", order.chain_due_at, order.contacted_at),
        ("retry", "WO-05", order.retry_due_at, order.contacted_at or order.arrived_at),
        ("weekly_report", "WO-14", order.report_due_at, order.resolved_at),
        ("follow_up", "WO-11", order.follow_up_due, order.followed_up_at),
    ]
    rows = []
    for name, rule_id, due, done in spec:
        if due is None:
            continue
        running = done is None and (is_open or name == "follow_up")
        rows.append(
            {
                "name": name,
                "label": CLOCK_LABELS[name],
                "rule_id": rule_id,
                "due": due,
                "done": done,
                "late": done is not None and done > due,
                "running": running,
            }
        )
    return rows


def _detail_context(request, order: Order, now: datetime) -> dict:
    user = request.user
    events = list(order.events.select_related("by"))
    for event in events:
        event.label = EVENT_LABELS.get(event.kind, event.kind)
        event.detail = event_detail(event)
    breaches = list(order.breaches.select_related("person").order_by("recorded_at", "pk"))
    for breach in breaches:
        breach.label = breach_label(breach.kind)
    registration = registration_for(user, order)
    context = _card_context(now) | {
        "order": order,
        "next_url": reverse("workorders:detail", args=[order.pk]),
        "phone": customer_phone_for(user, order.customer) if order.customer_id else "",
        "registration": [
            (REGISTRATION_LABELS.get(k, k), v)
            for k, v in registration.items()
            if v not in ("", None)
        ],
        "deadlines": _deadline_rows(order),
        "events": events,
        "breaches": breaches,
        "steps": [(s, STEP_BUTTONS[s]) for s in steps_for(user, order)],
        "step_form": StepForm(),
        "now": now,
        "can_dispatch": can_dispatch(user, order),
    }
    context["notice"] = _notice_context(request, order)
    if context["can_dispatch"]:
        context["suggestions"] = suggest_engineers(order, now)
        context["dispatch_form"] = DispatchForm(user=user)
    return context


def _notice_context(request, order: Order) -> dict | None:
    """WO-15: the customer notice that fits the order now (or the situation asked for with
    ?notice=), in both languages, for those who may send it."""
    from workorders.services.wording import notice_for, uses_standard_wording
    from workorders.views_wording import can_send_notice

    if not can_send_notice(request.user, order) or not uses_standard_wording(order):
        return None
    suggested = wording.situation_for(state=order.state, cause_class=order.cause_class)
    situation = request.GET.get("notice", "")
    if situation not in wording.SITUATION_KEYS:
        situation = suggested
    return {
        "situation": situation,
        "suggested": suggested,
        "situations": wording.SITUATIONS,
        "texts": [
            (code, name, notice_for(order, situation=situation, language=code))
            for code, name in wording.LANGUAGES
        ],
    }


@login_required
def order_detail(request, pk: int):
    now = clock.now()
    order = access_order(request.user, pk, now=now)
    return render(request, "workorders/order_detail.html", _detail_context(request, order, now))


@login_required
def order_dispatch(request, pk: int):
    """派单 or reassignment to one engineer (from the suggestion list or anyone dispatchable)."""
    if request.method != "POST":
        return redirect("workorders:detail", pk=pk)
    order = access_order(request.user, pk)
    me = _me(request)
    if me.role not in ORDER_TAKERS:
        raise Http404
    form = DispatchForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form.errors["engineer"][0])
    else:
        engineer = form.cleaned_data["engineer"]
        try:
            dispatch_order(order, engineer=engineer, by=me)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Order {number} dispatched to {name}.").format(
                    number=order.number, name=engineer.name
                ),
            )
    return redirect("workorders:detail", pk=order.pk)


@login_required
def order_step(request, pk: int):
    """One lifecycle step (or a WO-05 chain notice) from the phone card or the order page."""
    if request.method != "POST":
        return redirect("workorders:detail", pk=pk)
    order = access_order(request.user, pk)
    me = _me(request)
    form = StepForm(request.POST)
    error = ""
    step = ""
    if not form.is_valid():
        error = form.first_error()
    else:
        data = form.cleaned_data
        step = data["step"]
        if not may_take_step(request.user, order, step):
            error = _("This step is not yours to take.")
        else:
            try:
                take_named_step(
                    order,
                    step,
                    by=me,
                    outcome=data["outcome"] or None,
                    start=data["start"],
                    end=data["end"],
                    note=data["note"],
                    cause_class=data["cause_class"] or None,
                    case_report=data["case_report"],
                )
            except DomainError as exc:
                error = exc.message
    if _is_htmx(request) and request.POST.get("view") == "card":
        return _card_response(request, order.pk, error=error, step=step)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Done: {step}.").format(step=STEP_BUTTONS[step]))
    return redirect(_next_url(request, reverse("workorders:detail", args=[order.pk])))


# --- the engineer's phone page ------------------------------------------------------------------


def _decorate_card(user, order: Order) -> Order:
    """What a card shows: the phone as this user may see it, the running clock, the one big
    next step and the other steps he may take now."""
    order.shown_phone = customer_phone_for(user, order.customer) if order.customer_id else ""
    order.clock = first_clock(order)
    order.clock_label = CLOCK_LABELS[order.clock.name] if order.clock else ""
    steps = steps_for(user, order)
    primary = next_step(order)
    order.primary = primary if primary in steps else (steps[0] if steps else "")
    order.more = [s for s in steps if s != order.primary]
    order.primary_label = STEP_BUTTONS.get(order.primary, "")
    order.more_labels = [(s, STEP_BUTTONS[s]) for s in order.more]
    return order


def _appointment_days(person, today: date) -> list[tuple[date, list]]:
    days: dict[date, list] = {}
    for slot in appointment_table(person, today):
        days.setdefault(timezone.localtime(slot.start).date(), []).append(slot)
    return sorted(days.items())


def _card_context(now: datetime) -> dict:
    soon = timezone.localtime(now).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return {
        "now": now,  # countdowns count on the server's clock (countdown.js)
        "clock_labels": CLOCK_LABELS,
        "default_start": soon,
        "default_end": soon + timedelta(hours=1),
        "causes": CauseClass.choices,
    }


def _card_response(request, pk: int, *, error: str, step: str):
    now = clock.now()
    order = _decorate_card(request.user, access_order(request.user, pk, now=now))
    me = person_of(request.user)
    context = _card_context(now) | {
        "order": order,
        "next_url": reverse("workorders:mine"),
        "error": error,
        "done": STEP_BUTTONS.get(step, "") if step and not error else "",
        "oob_appointments": me is not None and order.engineer_id == me.pk,
    }
    if context["oob_appointments"]:
        context["appointment_days"] = _appointment_days(me, timezone.localdate(now))
    return render(request, "workorders/_engineer_card.html", context)


@login_required
def my_orders(request):
    """The engineer's phone page: his open orders as cards, one big button for the next step,
    and his appointment table of the coming days (WO-07)."""
    me = _me(request)
    now = clock.now()
    orders = [_decorate_card(request.user, o) for o in engineer_orders(me, now=now)]
    context = _card_context(now) | {
        "orders": orders,
        "next_url": reverse("workorders:mine"),
        "appointment_days": _appointment_days(me, timezone.localdate(now)),
        "today": timezone.localdate(now),
    }
    return render(request, "workorders/mine.html", context)
