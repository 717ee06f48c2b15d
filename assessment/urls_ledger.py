from django.urls import path

from assessment import views_ledger as views

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("me/", views.my_month, name="me"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("entries/<int:pk>/object/", views.object_entry, name="object"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("objections/", views.objections, name="objections"),
    path("objections/<int:pk>/decide/", views.decide, name="decide-objection"),
    path("manual/", views.manual, name="manual"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/decide/", views.decide_decision, name="decide-decision"),
]
