"""Charts per station and for the company, each linked to its rows and exportable."""

from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.company, name="company"),
    path("station/<int:unit_pk>/", views.station, name="station"),
    path("charts/<slug:name>/data/", views.chart_data, name="chart-data"),
    path("charts/<slug:name>/rows/", views.chart_rows, name="chart-rows"),
    path("charts/<slug:name>/export/", views.chart_export, name="chart-export"),
]
