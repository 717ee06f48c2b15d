"""Callbacks (CB-01..02) and complaints (CB-04, KPI-06)."""

from django.urls import path

from callbacks import views

app_name = "callbacks"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/unreachable/", views.unreachable, name="unreachable"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:pk>/", views.complaint, name="complaint"),
    path("quarter/", views.quarter, name="quarter"),
]
