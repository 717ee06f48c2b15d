from django.urls import path, re_path

from workorders import views

app_name = "workorders"
urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.order_new, name="new"),
    path("customers/", views.customer_search, name="customer-search"),
    path("mine/", views.my_orders, name="mine"),
    path("daily/", views.daily_today, name="daily-today"),
    re_path(r"^daily/(?P<day>\d{4}-\d{2}-\d{2})/$", views.daily_record, name="daily"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/dispatch/", views.order_dispatch, name="dispatch"),
    path("<int:pk>/step/", views.order_step, name="step"),
]
