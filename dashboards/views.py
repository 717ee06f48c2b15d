"""Dashboard pages: the company's and a station's charts (drawn in the browser from each chart's
JSON), the rows behind a chart and its Excel export. Thin: parse, scope (else 404), call
figures.py, render."""

from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import clock
from core.errors import DomainError, ValidationErrors
from dashboards import exports, figures, tables
from dashboards.charts import CHARTS
from dashboards.queries import (
    Scope,
    can_see_company,
    company_scope,
    home_unit_for,
    scope_for,
    station_scope,
    stations_for,
)
from dashboards.rules import Period, period_for

ROWS_PER_PAGE = 50


def _unit_param(request) -> int | None:
    value = request.GET.get("unit", "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


def _period(request) -> Period:
    return period_for(request.GET.get("from"), request.GET.get("to"), today=clock.today())


def _query(scope: Scope, period: Period, **extra) -> str:
    params = {"from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"}
    if scope.unit is not None:
        params["unit"] = scope.unit.pk
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)


def _scope_name(scope: Scope) -> str:
    return scope.unit.name if scope.unit is not None else _("Whole company")


def _chart_links(scope: Scope, period: Period) -> list[dict]:
    query = _query(scope, period)
    return [
        {
            "name": name,
            "title": info.title,
            "rules": info.rules,
            "data_url": f"{reverse('dashboards:chart-data', args=[name])}?{query}",
            "rows_url": f"{reverse('dashboards:chart-rows', args=[name])}?{query}",
            "export_url": f"{reverse('dashboards:chart-export', args=[name])}?{query}",
        }
        for name, info in CHARTS.items()
    ]


def _dashboard(request, scope: Scope):
    errors, status = {}, 200
    try:
        period = _period(request)
    except ValidationErrors as exc:
        errors, status = exc.errors, 400
        period = period_for(None, None, today=clock.today())
    context = {
        "scope": scope,
        "scope_name": _scope_name(scope),
        "period": period,
        "errors": errors,
        "charts": _chart_links(scope, period),
        "stations": stations_for(request.user),
        "company": can_see_company(request.user),
    }
    return render(request, "dashboards/dashboard.html", context, status=status)


@login_required
@require_GET
def company(request):
    """The whole company's dashboard; station staff land on their own unit's."""
    if not can_see_company(request.user):
        unit = home_unit_for(request.user)
        if unit is None:
            raise Http404
        return redirect("dashboards:station", unit_pk=unit.pk)
    return _dashboard(request, company_scope(request.user))


@login_required
@require_GET
def station(request, unit_pk: int):
    return _dashboard(request, station_scope(request.user, unit_pk))


@login_required
@require_GET
def chart_data(request, name: str):
    """A chart's figures as JSON (categories, series, axes) plus the links to its rows."""
    figures.check_name(name)
    scope = scope_for(request.user, _unit_param(request))
    try:
        period = _period(request)
    except DomainError as exc:
        errors = getattr(exc, "errors", {exc.field: exc.message})
        return JsonResponse(
            {
                "detail": exc.message,
                "errors": [{"field": f, "message": m} for f, m in errors.items()],
            },
            status=400,
        )
    chart = figures.chart_for(name, scope, period)
    data = chart.as_json()
    data["as_of_text"] = (
        formats.date_format(timezone.localtime(chart.as_of), "Y-m-d H:i") if chart.as_of else ""
    )
    data["rows_url"] = f"{reverse('dashboards:chart-rows', args=[name])}?{_query(scope, period)}"
    return JsonResponse(data)


def _shown(value) -> str:
    if value is True:
        return "✓"
    if value is False or value is None:
        return "—"
    if isinstance(value, datetime):
        return formats.date_format(value, "Y-m-d H:i")
    if isinstance(value, date):
        return formats.date_format(value, "Y-m-d")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _rows_request(request, name: str):
    figures.check_name(name)
    scope = scope_for(request.user, _unit_param(request))
    period = _period(request)
    category = request.GET.get("category", "")[:20]
    series = request.GET.get("series", "")[:20]
    return scope, period, category, series


@login_required
@require_GET
def chart_rows(request, name: str):
    """The records behind a chart (or one bar of it), paginated, each linking to its page."""
    try:
        scope, period, category, series = _rows_request(request, name)
    except ValidationErrors as exc:
        return render(
            request, "dashboards/rows.html", {"errors": exc.errors, "name": name}, status=400
        )
    rows = figures.rows_for(name, scope, period, category, series)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    table = tables.TABLES[name]
    lines = [
        {"url": table.link(obj), "cells": [_shown(v) for v in tables.cells(name, obj)]}
        for obj in page.object_list
    ]
    query = _query(scope, period, category=category, series=series)
    back = (
        reverse("dashboards:station", args=[scope.unit.pk])
        if scope.unit is not None
        else reverse("dashboards:company")
    )
    context = {
        "name": name,
        "info": CHARTS[name],
        "scope_name": _scope_name(scope),
        "period": period,
        "category": category,
        "series": series,
        "header": tables.header(name),
        "lines": lines,
        "page": page,
        "export_url": f"{reverse('dashboards:chart-export', args=[name])}?{query}",
        "back_url": f"{back}?{_query(Scope(None), period)}",
    }
    return render(request, "dashboards/rows.html", context)


@login_required
@require_GET
def chart_export(request, name: str):
    """The chart's figures and rows as an .xlsx file."""
    try:
        scope, period, category, series = _rows_request(request, name)
    except ValidationErrors as exc:
        return HttpResponse("; ".join(exc.errors.values()), status=400)
    chart = figures.chart_for(name, scope, period)
    rows = figures.rows_for(name, scope, period, category, series)
    content = exports.chart_workbook(chart, rows, scope_name=_scope_name(scope), period=period)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"dashboard-{name}-{period.first:%Y%m}-{period.last:%Y%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
