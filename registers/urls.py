"""Equipment stock-takes (INS-07) and the machine-room register (SEC-04)."""

from django.urls import path

from registers import views, views_confidentiality, views_security

app_name = "registers"
urlpatterns = [
    path("", views.stocktakes, name="stocktakes"),
    path("stocktakes/<int:pk>/", views.stocktake_detail, name="stocktake"),
    path("equipment/", views.equipment, name="equipment"),
    path("equipment/<int:pk>/retire/", views.equipment_retire, name="equipment-retire"),
    path("losses/<int:pk>/", views.loss_detail, name="loss"),
    path("losses/<int:pk>/receipt/", views.loss_receipt, name="loss-receipt"),
    path("losses/<int:pk>/receipt/upload/", views.loss_receipt_upload, name="loss-receipt-upload"),
    path("losses/<int:pk>/follow-up/", views.loss_follow_up, name="loss-follow-up"),
    path("machine-room/", views_security.entries, name="entries"),
    path("machine-room/<int:pk>/out/", views_security.entry_sign_out, name="entry-out"),
    path("lent-out/", views_security.loans, name="loans"),
    path("lent-out/<int:pk>/return/", views_security.loan_return, name="loan-return"),
    path("agreements/", views_confidentiality.agreements, name="agreements"),
    path("agreements/<int:pk>/file/", views_confidentiality.agreement_file, name="agreement-file"),
    path("security/", views_confidentiality.security_requests, name="security-requests"),
    path(
        "security/<int:pk>/decide/",
        views_confidentiality.security_request_decide,
        name="security-request-decide",
    ),
]
