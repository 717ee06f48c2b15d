"""Statements (KPI-11), station summaries, quarterly scores (KPI-10), wages (settlement guard)."""

from datetime import date

from django.urls import path, register_converter

from statements import views


class StatementMonthConverter:
    """YYYY-MM as the month's first day; an impossible month is a 404."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> date:
        year, month = (int(x) for x in value.split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError(value)
        return date(year, month, 1)

    def to_url(self, value: date) -> str:
        return f"{value:%Y-%m}"


register_converter(StatementMonthConverter, "statement_month")

app_name = "statements"
urlpatterns = [
    path("", views.index, name="index"),
    path("wages/", views.wages, name="wages"),
    path("station/", views.station_current, name="station-current"),
    path("quarter/", views.quarter_current, name="quarter-current"),
    path("<int:person_id>/<statement_month:month>/", views.person_month, name="person"),
    path("<int:person_id>/<statement_month:month>/print/", views.person_print, name="person-print"),
    path(
        "<int:person_id>/<statement_month:month>/statement.xlsx",
        views.person_xlsx,
        name="person-xlsx",
    ),
    path("<int:person_id>/year/<int:year>/", views.person_year, name="year"),
    path("station/<int:unit_id>/<statement_month:month>/", views.station_month, name="station"),
    path(
        "station/<int:unit_id>/<statement_month:month>/summary.xlsx",
        views.station_xlsx,
        name="station-xlsx",
    ),
    path(
        "station/<int:unit_id>/<statement_month:month>/close/",
        views.station_close,
        name="station-close",
    ),
    path(
        "station/<int:unit_id>/<statement_month:month>/reopen/",
        views.station_reopen,
        name="station-reopen",
    ),
    path("quarter/<int:unit_id>/<str:quarter>/", views.quarter, name="quarter"),
]
