"""Each chart by name: its figures (aggregate queries shaped by charts.py) and the records behind
it (for the rows page and the Excel export). Views, the API and the benchmark go through here."""

from collections.abc import Callable
from functools import partial

from django.db.models import QuerySet
from django.http import Http404

from dashboards import charts, queries
from dashboards.charts import Chart
from dashboards.queries import Scope
from dashboards.rules import Period


def _orders(scope: Scope, period: Period) -> Chart:
    return charts.orders_chart(queries.orders_figures(scope, period))


def _sla(scope: Scope, period: Period) -> Chart:
    totals, breaches = queries.sla_figures(scope, period)
    return charts.sla_chart(totals, breaches, period.months)


def _escalations(scope: Scope, period: Period) -> Chart:
    return charts.escalations_chart(queries.escalations_figures(scope, period), period.months)


def _attendance(scope: Scope, period: Period) -> Chart:
    return charts.attendance_chart(queries.attendance_figures(scope, period), period.months)


def _ledger(name: str, scope: Scope, period: Period) -> Chart:
    return charts.ledger_chart(name, queries.ledger_figures(scope, period), period.months)


def _inspections(scope: Scope, period: Period) -> Chart:
    return charts.inspections_chart(queries.inspections_figures(scope, period), period.months)


def _callbacks(scope: Scope, period: Period) -> Chart:
    return charts.callbacks_chart(queries.callbacks_figures(scope, period), period.months)


BUILDERS: dict[str, Callable[[Scope, Period], Chart]] = {
    "orders": _orders,
    "sla": _sla,
    "escalations": _escalations,
    "attendance": _attendance,
    "points": partial(_ledger, "points"),
    "fines": partial(_ledger, "fines"),
    "inspections": _inspections,
    "callbacks": _callbacks,
}

ROWS: dict[str, Callable[..., QuerySet]] = {
    "orders": queries.orders_rows,
    "sla": queries.sla_rows,
    "escalations": queries.escalations_rows,
    "attendance": queries.attendance_rows,
    "points": partial(queries.ledger_rows, measure="points"),
    "fines": partial(queries.ledger_rows, measure="fine"),
    "inspections": queries.inspections_rows,
    "callbacks": queries.callbacks_rows,
}


def check_name(name: str) -> str:
    if name not in BUILDERS:
        raise Http404
    return name


def chart_for(name: str, scope: Scope, period: Period) -> Chart:
    return BUILDERS[check_name(name)](scope, period)


def rows_for(name: str, scope: Scope, period: Period, category: str = "", series: str = ""):
    return ROWS[check_name(name)](scope, period, category=category, series=series)
