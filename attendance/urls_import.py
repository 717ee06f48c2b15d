from django.urls import path

from attendance import views_import

app_name = "attendance_import"
urlpatterns = [
    path("", views_import.import_page, name="page"),
    path("<int:job_id>/import/", views_import.import_confirm, name="confirm"),
]
