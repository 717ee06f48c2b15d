"""A person's month (each day and why) and one day's detail."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from attendance.exports import notice_label
from attendance.queries import (
    access_day,
    month_close_of,
    month_summaries,
)
from attendance.views.days import (
    FINE_LABELS,
    _leave_type_names,
    _month_links,
    _weekday_names,
    month_days,
    weeks_of,
)
from attendance.views.desk import month_extras
from core import clock
from people.queries import access_person


@login_required
def person_current(request, pk: int):
    access_person(request.user, pk)
    return redirect("attendance:person", pk=pk, month=clock.today().replace(day=1))


@login_required
def person_month(request, pk: int, month: date):
    """Each day with its status and why (rule IDs, evidence), then the month's summary."""
    person = access_person(request.user, pk)
    today = clock.today()
    days = month_days(person, month, today, now=clock.now())
    (summary,) = month_summaries(type(person).objects.filter(pk=person.pk), month)
    names = _leave_type_names()
    return render(
        request,
        "attendance/person_month.html",
        {
            "person": person,
            "month": month,
            "days": days,
            "weeks": weeks_of(days),
            "row": summary,
            "fines": [
                {"line": f, "label": FINE_LABELS.get(f.code, f.code)} for f in summary.summary.fines
            ],
            "leave": [
                (names.get(code, code), days) for code, days in summary.summary.leave_days.items()
            ],
            "notice": notice_label(summary.summary.notice_level),
            "weekday_names": _weekday_names(),
            "closed": month_close_of(person.unit, month) if person.unit_id else None,
            "links": _month_links(month),
            "is_self": person.user_id == request.user.pk,
            **month_extras(request.user, person, month, summary),
        },
    )


@login_required
def day_detail(request, pk: int, day: date):
    """One stored day (HTMX partial or page): used by links from flagged punches."""
    judgement = access_day(request.user, pk, day)
    return redirect(
        reverse("attendance:person", kwargs={"pk": pk, "month": day.replace(day=1)})
        + f"#d{judgement.date:%d}"
    )
