from django.urls import include, path

app_name = "assessment"
urlpatterns = [
    path("", include("assessment.urls_ledger")),
    path("replay/", include("assessment.urls_replay")),
]
