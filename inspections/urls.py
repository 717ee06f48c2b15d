from django.urls import path

from inspections import views, views_setup

app_name = "inspections"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.ticket, name="ticket"),
    path("<int:pk>/skip/", views.skip_request, name="skip-request"),
    path("answers/<int:pk>/order/", views.anomaly_order, name="anomaly-order"),
    path("answers/<int:pk>/photo/", views.answer_photo, name="photo"),
    path("tickets/", views.ticket_list, name="tickets"),
    path("assets/", views.assets, name="assets"),
    path("skips/", views.skips, name="skips"),
    path("skips/<int:pk>/decide/", views.skip_decide, name="skip-decide"),
    path("spotchecks/", views.spotchecks, name="spotchecks"),
    path("spotchecks/<int:pk>/", views.spotcheck_record, name="spotcheck-record"),
    path("checklists/", views_setup.checklists, name="checklists"),
    path("checklists/<int:pk>/", views_setup.checklist, name="checklist"),
    path("checklists/<int:pk>/action/", views_setup.checklist_action, name="checklist-action"),
    path("plans/", views_setup.plans, name="plans"),
    path("plans/generate/", views_setup.plans_generate, name="plans-generate"),
]
