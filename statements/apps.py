from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = _("Month close and statements")

    def ready(self) -> None:
        from core.jobs import register_job_kind

        register_job_kind(
            "statements.close",
            "statements.services.close_job",
            label=_("Closing the assessment month"),
            result_template="statements/_close_result.html",
        )
