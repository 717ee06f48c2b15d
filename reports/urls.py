"""Daily, weekly and quarterly staff reports (REP-01..04)."""

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("overview/", views.overview, name="overview"),
    path("projects/", views.projects, name="projects"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/refresh/", views.refresh, name="refresh"),
]
