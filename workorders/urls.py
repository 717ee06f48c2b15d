from django.urls import path, re_path

from workorders import views, views_daily, views_wording

app_name = "workorders"
urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.order_new, name="new"),
    path("customers/", views.customer_search, name="customer-search"),
    path("mine/", views.my_orders, name="mine"),
    path("daily/", views_daily.daily_today, name="daily-today"),
    re_path(r"^daily/(?P<day>\d{4}-\d{2}-\d{2})/$", views_daily.daily_record, name="daily"),
    re_path(
        r"^daily/(?P<day>\d{4}-\d{2}-\d{2})/hand-in/$",
        views_daily.daily_hand_in,
        name="daily-hand-in",
    ),
    re_path(
        r"^daily/(?P<day>\d{4}-\d{2}-\d{2})/hand-ins/$",
        views_daily.daily_hand_ins,
        name="daily-hand-ins",
    ),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/dispatch/", views.order_dispatch, name="dispatch"),
    path("<int:pk>/step/", views.order_step, name="step"),
    path("<int:pk>/notice/", views_wording.order_notice, name="notice"),
    path("wording/", views_wording.wording_page, name="wording"),
]
