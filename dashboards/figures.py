"""Each chart by name: its figures (aggregate queries shaped by charts.py) and the records behind
it (for the rows page and the Excel export). Views, the API and the benchmark go through here."""

from collections.abc import Callable
from functools import partial

from django.db.models import QuerySet
from django.http import Http404

from dashboards import charts, queries, rollup
from dashboards.charts import Chart
from dashboards.queries import Scope
from dashboards.rules import Period


def _rolled_or_live(name: str, scope: Scope, period: Period, live):
    """The rolled-up rows when every month is rolled up (with their time), else live ones."""
    found = rollup.rolled(name, scope, period)
    if found is not None:
        return found.rows, found.as_of
    return live(scope, period), None


def _with_time(chart: Chart, as_of) -> Chart:
    chart.as_of = as_of
    return chart


def _orders(scope: Scope, period: Period) -> Chart:
    rows, as_of = _rolled_or_live("orders", scope, period, queries.orders_figures)
    return _with_time(charts.orders_chart(rows), as_of)


def _sla(scope: Scope, period: Period) -> Chart:
    (totals, breaches), as_of = _rolled_or_live("sla", scope, period, queries.sla_figures)
    return _with_time(charts.sla_chart(totals, breaches, period.months), as_of)


def _escalations(scope: Scope, period: Period) -> Chart:
    rows, as_of = _rolled_or_live("escalations", scope, period, queries.escalations_figures)
    return _with_time(charts.escalations_chart(rows, period.months), as_of)


def _attendance(scope: Scope, period: Period) -> Chart:
    rows, as_of = _rolled_or_live("attendance", scope, period, queries.attendance_figures)
    return _with_time(charts.attendance_chart(rows, period.months), as_of)


def _ledger(name: str, scope: Scope, period: Period) -> Chart:
    return charts.ledger_chart(name, queries.ledger_figures(scope, period), period.months)


def _inspections(scope: Scope, period: Period) -> Chart:
    return charts.inspections_chart(queries.inspections_figures(scope, period), period.months)


def _callbacks(scope: Scope, period: Period) -> Chart:
    rows, as_of = _rolled_or_live("callbacks", scope, period, queries.callbacks_figures)
    return _with_time(charts.callbacks_chart(rows, period.months), as_of)


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
