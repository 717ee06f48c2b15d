from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from assessment.replay_jobs import register_replay_job

        register_replay_job()  # web and worker processes alike
