"""A station's month: the summary with its Excel export, the month close and proxy signings."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance.exports import header_rows, summary_columns, summary_workbook
from attendance.forms import CloseMonthForm, ProxySigningForm
from attendance.queries import (
    can_close_month,
    can_record_proxy,
    flagged_punches_for,
    month_close_of,
    month_summaries,
    people_of_unit_for,
    proxy_signings_for,
)
from attendance.services import (
    close_month,
    record_proxy_signing,
)
from attendance.views.days import (
    _month_links,
    _plain,
)
from core import clock
from core.clock import month_bounds
from core.errors import DomainError
from people.models import OrgUnit
from people.queries import access_unit

# --- a station's month -----------------------------------------------------------------------------


def _cell(value: Any, column) -> dict:
    if isinstance(value, Decimal):
        text = f"{value:.2f}" if column.number_format == "0.00" else _plain(value)
    else:
        text = str(value)
    return {"text": text, "zero": text in {"0", "0.00"}, "is_text": column.number_format == "@"}


def _station_context(request, unit: OrgUnit, month: date, *, proxy_form=None) -> dict:
    from leave.models import LeaveType  # leave builds on attendance

    people = people_of_unit_for(request.user, unit, month)
    rows = month_summaries(people, month)
    columns = summary_columns(LeaveType.objects.filter(active=True), rows)
    first, last = month_bounds(month)
    today = clock.today()
    can_proxy = can_record_proxy(request.user)
    if can_proxy and proxy_form is None:
        proxy_form = ProxySigningForm(people=people, initial={"date": min(today, last)})
    return {
        "unit": unit,
        "month": month,
        "columns": columns,
        "headers": header_rows(columns),
        "has_groups": any(c.group for c in columns),
        "rows": [
            {"row": row, "cells": [_cell(c.value(row), c) for c in columns[1:]]} for row in rows
        ],
        "closed": month_close_of(unit, month),
        "can_close": can_close_month(request.user),
        "month_ended": last < today,
        "close_form": CloseMonthForm(),
        "flagged": flagged_punches_for(people, month),
        "proxies": proxy_signings_for(people, month),
        "proxy_form": proxy_form if can_proxy else None,
        "links": _month_links(month),
    }


@login_required
def station_current(request, unit_pk: int):
    access_unit(request.user, unit_pk)
    return redirect("attendance:station", unit_pk=unit_pk, month=clock.today().replace(day=1))


@login_required
def station_month(request, unit_pk: int, month: date):
    """ATT-07: the station's 考勤汇总表, one row per person, with close, export and review."""
    unit = access_unit(request.user, unit_pk)
    return render(request, "attendance/station_month.html", _station_context(request, unit, month))


@login_required
def station_export(request, unit_pk: int, month: date):
    from leave.models import LeaveType

    unit = access_unit(request.user, unit_pk)
    rows = month_summaries(people_of_unit_for(request.user, unit, month), month)
    content = summary_workbook(
        rows,
        unit_name=unit.name,
        month=month,
        leave_types=LeaveType.objects.filter(active=True),
        generated_at=timezone.localtime(clock.now()),
    )
    return xlsx_response(content, unit, month)


def xlsx_response(content: bytes, unit: OrgUnit, month: date) -> FileResponse:
    from io import BytesIO

    return FileResponse(
        BytesIO(content),
        as_attachment=True,
        filename=f"考勤汇总表-{unit.code}-{month:%Y-%m}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_POST
def station_close(request, unit_pk: int, month: date):
    """ATT-07: lock the station's month; later recomputations show as corrections."""
    unit = access_unit(request.user, unit_pk)
    if not can_close_month(request.user):
        raise Http404
    form = CloseMonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm closing the month."))
    else:
        try:
            close_month(unit, month=month, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("{month} of {unit} is closed.").format(month=f"{month:%Y-%m}", unit=unit.name),
            )
    return redirect("attendance:station", unit_pk=unit.pk, month=month)


@login_required
@require_POST
def station_proxy(request, unit_pk: int, month: date):
    """ATT-02: record a confirmed proxy signing; both people are absent that day."""
    unit = access_unit(request.user, unit_pk)
    if not can_record_proxy(request.user):
        raise Http404
    people = people_of_unit_for(request.user, unit, month)
    form = ProxySigningForm(request.POST, people=people)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_proxy_signing(
                data["signer"], data["signee"], day=data["date"], by=request.user, note=data["note"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Proxy signing recorded: {signer} and {signee} are absent on {date}.").format(
                    signer=data["signer"], signee=data["signee"], date=data["date"]
                ),
            )
            return redirect("attendance:station", unit_pk=unit.pk, month=month)
    context = _station_context(request, unit, month, proxy_form=form)
    return render(request, "attendance/station_month.html", context, status=400)
