from django.urls import path

from leave import views

app_name = "leave"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("approvals/", views.inbox, name="inbox"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/attachment/", views.request_attachment, name="attachment"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/trip-report/", views.trip_report, name="trip-report"),
    path("<int:pk>/cover/", views.cover, name="cover"),
]
