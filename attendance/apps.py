from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Attendance")

    def ready(self) -> None:
        from core.jobs import register_job_kind

        register_job_kind(
            "attendance.import.check",
            "attendance.jobs.check_import_job",
            label=_("Punch file check"),
            result_template="attendance/_import_result.html",
        )
        register_job_kind(
            "attendance.import",
            "attendance.jobs.import_job",
            label=_("Punch import"),
            result_template="attendance/_import_result.html",
        )
        register_job_kind(
            "attendance.recompute",
            "attendance.jobs.recompute_job",
            label=_("Judging days again"),
        )
