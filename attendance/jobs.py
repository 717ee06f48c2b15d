"""Attendance work run by the worker (core/jobs.py): checking and importing punch files,
judging a month again. Each function takes the Job and returns its result."""

from datetime import date

from django.contrib.auth import get_user_model

from attendance.services import recompute_days
from attendance.services_import import (
    check_punches,
    import_punches,
    remove_upload,
    upload_path,
)
from core.jobs import job_progress
from core.models import Job


def _starter(job: Job):
    return get_user_model().objects.filter(pk=job.created_by_id).first()


def check_import_job(job: Job) -> dict:
    """params: file (name under MEDIA_ROOT), filename (as uploaded)."""
    report = check_punches(upload_path(job.params["file"]), by=_starter(job), job=job)
    return report.as_dict()


def import_job(job: Job) -> dict:
    """params: file, filename, import_valid_rows. The upload is removed once its punches are
    stored (it holds personal data); it stays while the user may still choose to import."""
    report = import_punches(
        upload_path(job.params["file"]),
        by=_starter(job),
        import_valid_rows=bool(job.params.get("import_valid_rows")),
        job=job,
    )
    if report.stored or (report.duplicates and not report.error_count):
        remove_upload(job.params["file"])
    return report.as_dict()


def recompute_job(job: Job) -> dict:
    """params: person_ids, start, end (ISO dates). Judges the days again, reporting progress."""
    person_ids = [int(pk) for pk in job.params["person_ids"]]
    start, end = date.fromisoformat(job.params["start"]), date.fromisoformat(job.params["end"])
    days = recompute_days(
        person_ids=person_ids,
        start=start,
        end=end,
        on_progress=lambda done, total: job_progress(job, done, total),
    )
    return {"people": len(person_ids), "days_judged": days}
