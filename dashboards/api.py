"""Dashboards over the API, scoped like the pages: a chart's figures as JSON (outsiders 404)."""

from django.http import Http404
from ninja import Field, Query, Router, Schema

from core import clock
from core.pagination import Id
from dashboards import figures
from dashboards.charts import CHARTS
from dashboards.queries import scope_for
from dashboards.rules import period_for

router = Router(tags=["dashboards"])


class ChartQuery(Schema):
    unit: Id | None = None
    start: str | None = Field(None, alias="from", max_length=7)
    end: str | None = Field(None, alias="to", max_length=7)


class SeriesOut(Schema):
    key: str
    name: str
    kind: str
    axis: int
    stack: str
    data: list[float | int | None]


class AxisOut(Schema):
    name: str
    min: int | None
    max: int | None
    integer: bool


class ChartOut(Schema):
    name: str
    title: str
    as_of: str | None
    categories: list[str]
    category_keys: list[str]
    axes: list[AxisOut]
    series: list[SeriesOut]


@router.get("/dashboards/charts/", response=list[str])
def chart_names(request):
    """The chart names: orders, sla, escalations, attendance, points, fines, inspections,
    callbacks."""
    return list(CHARTS)


@router.get("/dashboards/charts/{name}/", response=ChartOut)
def chart(request, name: str, filters: Query[ChartQuery]):
    """One chart's figures for the company (no unit) or a unit, over months from..to (YYYY-MM;
    default the last 12). DomainErrors become 400 with the field."""
    if name not in CHARTS:
        raise Http404
    scope = scope_for(request.auth, filters.unit)
    period = period_for(filters.start, filters.end, today=clock.today())
    return figures.chart_for(name, scope, period).as_json()
