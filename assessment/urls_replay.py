from django.urls import path

from assessment import views_replay

urlpatterns = [
    path("", views_replay.replay_page, name="replay"),
    path("<int:job_id>/", views_replay.replay_result, name="replay_result"),
    path("<int:job_id>/excel/", views_replay.replay_excel, name="replay_excel"),
]
