"""ATT-10 arrival records at the client's service desk: the resident engineer's "report arrival"
button, the client's desk page (today's residents, arrived or not yet) with its confirm button,
and the arrival and REQ-06 personal-leave parts of a person's month page."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from attendance import arrival_rules as ar
from attendance.arrival import (
    access_resident,
    arrival_days,
    can_confirm_arrival,
    can_open_desk,
    confirm_arrival,
    report_arrival,
    residents_for_desk,
)
from core import clock
from core.clock import month_bounds
from core.errors import DomainError
from people.queries import person_of
from people.roles import EmploymentType

STATE_LABELS = {
    ar.NOT_REQUIRED: gettext_lazy("No record needed"),
    ar.EXPECTED: gettext_lazy("Not yet due"),
    ar.OVERDUE: gettext_lazy("Not arrived yet"),
    ar.MISSING: gettext_lazy("No arrival record"),
    ar.ON_TIME: gettext_lazy("Arrived on time"),
    ar.LATE: gettext_lazy("Arrived late"),
}
STATE_CSS = {
    ar.NOT_REQUIRED: "st-rest",
    ar.EXPECTED: "st-none",
    ar.OVERDUE: "st-missing",
    ar.MISSING: "st-absent",
    ar.ON_TIME: "st-on_time",
    ar.LATE: "st-late",
}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def arrival_view(entry) -> dict[str, Any]:
    """An ArrivalDay as the templates show it."""
    return {
        "entry": entry,
        "person": entry.person,
        "record": entry.record,
        "state": entry.check.state,
        "label": STATE_LABELS[entry.check.state],
        "css": STATE_CSS[entry.check.state],
        "expected": timezone.localtime(entry.check.expected_at)
        if entry.check.expected_at
        else None,
        "late_minutes": entry.check.late_minutes,
    }


def today_arrival(person, *, at) -> dict[str, Any] | None:
    """The phone page's ATT-10 card of a resident engineer; None for everyone else."""
    if person is None or person.employment_type != EmploymentType.RESIDENT:
        return None
    day = timezone.localtime(at).date()
    entry = arrival_days([person], day, day, at=at).get((person.pk, day))
    if entry is None or entry.check.state == ar.NOT_REQUIRED:
        return None
    return arrival_view(entry)


@login_required
@require_POST
def report(request):
    """ATT-10: the resident engineer reports his arrival at the client's desk (once a day)."""
    person = person_of(request.user)
    if person is None or person.employment_type != EmploymentType.RESIDENT:
        raise Http404
    try:
        record, created = report_arrival(person, by=request.user, at=clock.now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        time = timezone.localtime(record.arrived_at).strftime("%H:%M")
        if created:
            messages.success(
                request, _("Arrival at the desk reported at {time}.").format(time=time)
            )
        else:
            messages.info(
                request, _("Your arrival was already reported at {time}.").format(time=time)
            )
    return redirect("attendance:home")


def _desk_rows(user, day: date, at) -> list[dict[str, Any]]:
    people = list(residents_for_desk(user))
    entries = arrival_days(people, day, day, at=at)
    rows = []
    for person in people:
        entry = entries.get((person.pk, day))
        if entry is not None:
            rows.append(arrival_view(entry))
    return rows


@login_required
def desk(request):
    """ATT-10: today's resident staff of the client (only those the user may see): arrived or
    not yet; the client's person in charge confirms each arrival here."""
    if not can_open_desk(request.user):
        raise Http404
    now = clock.now()
    rows = _desk_rows(request.user, timezone.localtime(now).date(), now)
    due = [r for r in rows if r["state"] != ar.NOT_REQUIRED]
    return render(
        request,
        "attendance/desk.html",
        {
            "today": timezone.localtime(now).date(),
            "rows": due,
            "off_today": [r for r in rows if r["state"] == ar.NOT_REQUIRED],
            "arrived": sum(1 for r in due if r["record"]),
            "can_confirm": can_confirm_arrival(request.user),
        },
    )


@login_required
@require_POST
def desk_confirm(request, pk: int):
    """ATT-10: the client's person in charge confirms (or records) a resident's arrival today.
    A second tap changes nothing. HTMX gets the row back, a plain form the page."""
    person = access_resident(request.user, pk)
    now = clock.now()
    error = ""
    try:
        confirm_arrival(person, by=request.user, at=now, note=request.POST.get("note", ""))
    except DomainError as exc:
        error = exc.message
    if _is_htmx(request):
        day = timezone.localtime(now).date()
        entry = arrival_days([person], day, day, at=now)[(person.pk, day)]
        return render(
            request,
            "attendance/_desk_row.html",
            {"row": arrival_view(entry), "can_confirm": True, "error": error},
        )
    if error:
        messages.error(request, error)
    return redirect("attendance:desk")


def month_extras(user, person, month: date, row) -> dict[str, Any]:
    """The person's month page: the ATT-10 arrival days of a resident and the REQ-06 personal
    leave with, where a wage is recorded and the viewer may see it, the amount deducted."""
    from leave.deduction import deduction_amount
    from leave.rules import LeaveDeduction

    extras: dict[str, Any] = {"arrivals": [], "arrival_month": row.arrival}
    if person.employment_type == EmploymentType.RESIDENT:
        first, last = month_bounds(month)
        entries = arrival_days([person], first, last, at=clock.now())
        extras["arrivals"] = [
            arrival_view(e)
            for _key, e in sorted(entries.items())
            if e.check.state not in (ar.NOT_REQUIRED, ar.EXPECTED)
        ]
    deduction = row.personal_leave or LeaveDeduction()
    extras["personal_leave"] = deduction
    extras["deduction_percent"] = (deduction.share * 100).quantize(Decimal("0.01"))
    extras["deduction_amount"] = None
    wage = _wage_for(user, person, month)
    if wage is not None:
        extras["deduction_amount"] = deduction_amount(wage, deduction.share)
    return extras


def _wage_for(user, person, month: date):
    """The monthly wage of statements.WageRecord, only for the person himself and those who
    keep wages (statements.queries.can_edit_wages); None otherwise or when not recorded."""
    try:
        from statements.queries import can_edit_wages, wages_for
    except ImportError:  # the statements app is optional here
        return None
    if person.user_id != user.pk and not can_edit_wages(user):
        return None
    record = wages_for([person.pk], month).get(person.pk)
    return record.monthly_wage if record is not None else None
