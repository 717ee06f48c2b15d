"""Callback and complaint pages: the customer-service queue and form (CB-01), the client's monthly
callbacks and quarter (CB-02), complaints registered and verified (CB-04). Thin: parse, call one
service, render."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callbacks import services
from callbacks.forms import CallbackForm, ComplaintForm, ReasonForm
from callbacks.models import Callback, Complaint
from callbacks.queries import (
    access_callback,
    access_complaint,
    complaints_for,
    open_callbacks_for,
    quarter_statistics,
)
from callbacks.rules import quarter_end, quarter_start
from callbacks.services.callbacks import callers_for
from callbacks.services.common import COMPLAINT_TAKERS
from callbacks.services.quarter import QUARTER_SENDERS, quarter_label
from core import clock
from core.errors import DomainError
from core.models import AuditEntry
from people.queries import customer_phone_for, people_for, role_of, units_for
from people.roles import Role
from workorders.models import Order


def _add_error(form, exc: DomainError) -> None:
    errors = getattr(exc, "errors", None) or {exc.field: exc.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


def _history(obj):
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("at", "pk")


@login_required
def queue(request):
    """Open callbacks the user may see, oldest due first; filter by kind and station."""
    kind = request.GET.get("kind", "")
    unit = request.GET.get("unit", "")
    callbacks = open_callbacks_for(request.user, unit_id=int(unit) if unit.isdigit() else None)
    if kind in Callback.Kind.values:
        callbacks = callbacks.filter(kind=kind)
    page = Paginator(callbacks, 50).get_page(request.GET.get("page"))
    stations = units_for(request.user).filter(kind="station").order_by("name")
    return render(
        request,
        "callbacks/queue.html",
        {
            "page": page,
            "kind": kind,
            "kinds": Callback.Kind.choices,
            "unit": unit,
            "stations": stations,
        },
    )


def _may_record(user, callback: Callback) -> bool:
    return role_of(user) in callers_for(callback)


@login_required
def detail(request, pk: int):
    """A callback with its form: checkboxes of the behaviour items, satisfaction, note."""
    callback = access_callback(request.user, pk)
    checked = list(callback.violations.values_list("code", flat=True))
    may_record = _may_record(request.user, callback)
    if request.method == "POST" and may_record:
        form = CallbackForm(request.POST, checked=checked)
        if form.is_valid():
            try:
                services.record_callback(
                    callback,
                    by=request.user,
                    violations=form.cleaned_data["violations"],
                    satisfaction=form.cleaned_data["satisfaction"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, _("Callback recorded."))
                return redirect("callbacks:detail", pk=callback.pk)
    else:
        initial = {"violations": checked, "satisfaction": callback.satisfaction or ""}
        form = CallbackForm(initial=initial | {"note": callback.note}, checked=checked)
    return render(
        request,
        "callbacks/detail.html",
        {
            "callback": callback,
            "form": form,
            "may_record": may_record,
            "phone": customer_phone_for(request.user, callback.customer)
            if callback.customer
            else "",
            "violations": callback.violations.all(),
            "history": _history(callback),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_POST
@login_required
def unreachable(request, pk: int):
    callback = access_callback(request.user, pk)
    try:
        services.mark_unreachable(callback, by=request.user, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Marked as unreachable."))
    return redirect("callbacks:detail", pk=callback.pk)


def _engineers(user):
    return people_for(user).filter(role__in=[Role.ENGINEER, Role.GROUP_LEADER], active=True)


@login_required
def complaints(request):
    """Complaints the user may see; the register form for those who take complaints down."""
    state = request.GET.get("state", "")
    rows = complaints_for(request.user)
    if state in Complaint.State.values:
        rows = rows.filter(state=state)
    may_register = role_of(request.user) in COMPLAINT_TAKERS
    form = ComplaintForm(request.POST or None, engineers=_engineers(request.user))
    if request.method == "POST" and may_register and form.is_valid():
        data = form.cleaned_data
        order = None
        if data["order_number"]:
            order = Order.objects.filter(number=data["order_number"].strip()).first()
            if order is None or (
                order.engineer_id
                and not people_for(request.user).filter(pk=order.engineer_id).exists()
            ):
                form.add_error("order_number", _("No such work order."))
        if not form.errors:
            try:
                complaint = services.register_complaint(
                    by=request.user, engineer=data["engineer"], order=order, text=data["text"]
                )
            except DomainError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, _("Complaint registered; it counts once verified."))
                return redirect("callbacks:complaint", pk=complaint.pk)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "callbacks/complaints.html",
        {
            "page": page,
            "state": state,
            "states": Complaint.State.choices,
            "form": form,
            "may_register": may_register,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _may_verify(user) -> bool:
    from assessment.services import ASSESSORS

    return role_of(user) in ASSESSORS


@login_required
def complaint(request, pk: int):
    """A complaint; the assessment group verifies it as the employee's fault or rejects it."""
    item = access_complaint(request.user, pk)
    form = ReasonForm(request.POST or None)
    may_verify = _may_verify(request.user) and item.state == Complaint.State.REGISTERED
    if request.method == "POST" and may_verify and form.is_valid():
        decide = (
            services.verify_complaint
            if request.POST.get("decision") == "verify"
            else services.reject_complaint
        )
        try:
            decide(item, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Complaint decided."))
            return redirect("callbacks:complaint", pk=item.pk)
    return render(
        request,
        "callbacks/complaint_detail.html",
        {
            "complaint": item,
            "form": form,
            "may_verify": may_verify,
            "phone": customer_phone_for(request.user, item.customer) if item.customer else "",
            "history": _history(item),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _quarter_from(value: str | None) -> date:
    """'2026Q4' or '2026-10-01' → the quarter's first day; today's quarter otherwise."""
    value = (value or "").strip().upper()
    try:
        if "Q" in value:
            year, number = value.split("Q")
            return date(int(year), 3 * (int(number) - 1) + 1, 1)
        if value:
            return quarter_start(date.fromisoformat(value))
    except ValueError:
        pass
    return quarter_start(clock.today())


@login_required
def quarter(request):
    """CB-02: per engineer the quarter's client callbacks; send the results (notice)."""
    start = _quarter_from(request.GET.get("quarter") or request.POST.get("quarter"))
    may_send = role_of(request.user) in QUARTER_SENDERS
    if request.method == "POST" and may_send:
        try:
            count = services.send_quarter_results(start, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Results sent to {count} engineers.").format(count=count))
        return redirect(f"{request.path}?quarter={quarter_label(start)}")
    kind = request.GET.get("kind", Callback.Kind.CLIENT_MONTHLY)
    if kind not in Callback.Kind.values:
        kind = Callback.Kind.CLIENT_MONTHLY
    previous = quarter_start(start - timedelta(days=1))
    following = quarter_end(start) + timedelta(days=1)
    return render(
        request,
        "callbacks/quarter.html",
        {
            "rows": quarter_statistics(request.user, start, kind=kind),
            "label": quarter_label(start),
            "previous": quarter_label(previous),
            "following": quarter_label(following),
            "kind": kind,
            "kinds": Callback.Kind.choices,
            "may_send": may_send,
        },
    )
