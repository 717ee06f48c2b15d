"""Statement pages (KPI-11, KPI-10, settlement guard): thin; reads in queries/scores, writes in
services, access checks return 404 outside the user's scope."""

from datetime import date
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.errors import DomainError
from people.queries import people_for, person_of, units_for
from people.roles import UNIT_WIDE
from statements import exports
from statements.forms import WageForm
from statements.models import AssessmentClose
from statements.queries import (
    access_score_unit,
    access_statement_person,
    access_summary_unit,
    active_close,
    can_close,
    can_edit_wages,
    closes_of,
    statement_of,
    station_statements,
    summary_total,
    wage_records_for,
    year_of,
    year_total,
)
from statements.rules import parse_quarter
from statements.scores import quarter_rows
from statements.services import reopen_month, save_wage_record, start_close

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> FileResponse:
    return FileResponse(BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX)


def _months_around(month: date) -> tuple[date, date]:
    previous = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return previous, following


@login_required
@require_GET
def index(request):
    """My statement of this month; for the station's management, their station's summary."""
    me = person_of(request.user)
    if me is None:
        raise Http404
    month = clock.today().replace(day=1)
    if me.role in UNIT_WIDE and me.unit_id:
        return redirect("statements:station", me.unit_id, month)
    return redirect("statements:person", me.pk, month)


def _home_unit(user):
    """The unit a user's summaries open on: his own, or the first he may see (client roles)."""
    me = person_of(user)
    if me is not None and me.unit_id:
        return me.unit_id
    unit = units_for(user).order_by("path").first()
    if unit is None:
        raise Http404
    return unit.pk


@login_required
@require_GET
def station_current(request):
    """This month's summary of the user's unit (the admin department: the whole region)."""
    return redirect("statements:station", _home_unit(request.user), clock.today().replace(day=1))


@login_required
@require_GET
def quarter_current(request):
    """KPI-10: this quarter's client scores of the user's unit."""
    today = clock.today()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return redirect("statements:quarter", _home_unit(request.user), quarter)


@login_required
@require_GET
def person_month(request, person_id: int, month: date):
    """KPI-11: a person's statement; ?print=1 gives the printable page (A4, no navigation)."""
    person = access_statement_person(request.user, person_id)
    statement = statement_of(person, month)
    previous, following = _months_around(month)
    context = {
        "person": person,
        "statement": statement,
        "month": month,
        "previous": previous,
        "following": following,
        "printed_at": clock.now(),
    }
    if request.GET.get("print"):
        return render(request, "statements/person_print.html", context)
    return render(request, "statements/person.html", context)


@login_required
@require_GET
def person_print(request, person_id: int, month: date):
    person = access_statement_person(request.user, person_id)
    context = {
        "person": person,
        "statement": statement_of(person, month),
        "month": month,
        "printed_at": clock.now(),
    }
    return render(request, "statements/person_print.html", context)


@login_required
@require_GET
def person_xlsx(request, person_id: int, month: date):
    person = access_statement_person(request.user, person_id)
    content = exports.person_workbook(statement_of(person, month))
    return _xlsx(content, f"statement-{person.staff_no}-{month:%Y-%m}.xlsx")


@login_required
@require_GET
def person_year(request, person_id: int, year: int):
    """KPI-11: the annual view, the sum of the months."""
    if not 2000 <= year <= 2100:
        raise Http404
    person = access_statement_person(request.user, person_id)
    months = year_of(person, year)
    return render(
        request,
        "statements/year.html",
        {"person": person, "year": year, "months": months, "total": year_total(months)},
    )


@login_required
@require_GET
def station_month(request, unit_id: int, month: date):
    """KPI-11: the station's summary for the admin department."""
    unit = access_summary_unit(request.user, unit_id)
    statements = station_statements(request.user, unit, month)
    previous, following = _months_around(month)
    return render(
        request,
        "statements/station.html",
        {
            "unit": unit,
            "month": month,
            "previous": previous,
            "following": following,
            "statements": statements,
            "close": active_close(unit, month),
            "history": closes_of(unit, month),
            "can_close": can_close(request.user),
            "month_ended": month < clock.today().replace(day=1),
            "sum": summary_total(statements),
        },
    )


@login_required
@require_GET
def station_xlsx(request, unit_id: int, month: date):
    unit = access_summary_unit(request.user, unit_id)
    content = exports.station_workbook(
        station_statements(request.user, unit, month), unit_name=unit.name, month=month
    )
    return _xlsx(content, f"assessment-{unit.code}-{month:%Y-%m}.xlsx")


@login_required
@require_POST
def station_close(request, unit_id: int, month: date):
    """KPI-11: the operations manager closes the station's month; the worker does it."""
    unit = access_summary_unit(request.user, unit_id)
    try:
        job = start_close(month, unit=unit, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("statements:station", unit.pk, month)
    return redirect("job", job.pk)


@login_required
@require_POST
def station_reopen(request, unit_id: int, month: date):
    unit = access_summary_unit(request.user, unit_id)
    close = AssessmentClose.objects.filter(unit=unit, month=month, reopened_at__isnull=True).first()
    if close is None:
        raise Http404
    try:
        reopen_month(close, by=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The month is open again."))
    return redirect("statements:station", unit.pk, month)


@login_required
@require_GET
def quarter(request, unit_id: int, quarter: str):
    """KPI-10: the quarterly client score per engineer with the inputs it rests on."""
    unit = access_score_unit(request.user, unit_id)
    try:
        year, number = parse_quarter(quarter)
    except DomainError:
        raise Http404 from None
    error, rows = "", []
    try:
        rows = quarter_rows(unit, year, number)
    except DomainError as exc:  # the policy's weights do not add up
        error = exc.message
    if request.GET.get("format") == "xlsx" and not error:
        content = exports.quarter_workbook(rows, unit_name=unit.name, quarter=quarter)
        return _xlsx(content, f"kpi10-{unit.code}-{quarter}.xlsx")
    previous = f"{year - (number == 1)}-Q{(number - 2) % 4 + 1}"
    following = f"{year + (number == 4)}-Q{number % 4 + 1}"
    return render(
        request,
        "statements/quarter.html",
        {
            "unit": unit,
            "quarter": f"{year}-Q{number}",
            "rows": rows,
            "error": error,
            "previous": previous,
            "following": following,
        },
    )


@login_required
def wages(request):
    """Settlement guard: HR records monthly and local minimum wages."""
    if not can_edit_wages(request.user):
        raise Http404
    people = people_for(request.user).filter(active=True).order_by("staff_no")
    form = WageForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            save_wage_record(
                form.cleaned_data["person"],
                monthly_wage=form.cleaned_data["monthly_wage"],
                minimum_wage=form.cleaned_data["minimum_wage"],
                effective_from=form.cleaned_data["effective_from"],
                by=request.user,
            )
        except DomainError as exc:
            for name, message in getattr(exc, "errors", {exc.field: exc.message}).items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("Wage recorded."))
            return redirect("statements:wages")
    return render(
        request,
        "statements/wages.html",
        {"form": form, "records": wage_records_for(request.user)[:500]},
    )
