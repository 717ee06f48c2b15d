"""Long operations run by the worker (a large import, recomputing a month) with visible progress.

    job = start_job("attendance.import", {"path": "imports/…"}, by=request.user)
    return redirect("job", job.pk)         # the page polls the job until it is done

An app registers its kinds once, in its AppConfig.ready():

    register_job_kind("attendance.import", "attendance.services_import.import_job",
                      label=_("Punch import"), result_template="attendance/_import_result.html")

The function takes the Job, may call `job_progress(job, done, total)` as it goes, and returns the
result (a JSON-friendly dict shown on the job page). A DomainError fails the job with its message.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core import clock
from core.errors import DomainError
from core.models import Job

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobKind:
    kind: str
    run: str  # dotted path of `def run(job: Job) -> dict`, imported when the job runs
    label: Any  # lazy translatable name shown on the job pages
    result_template: str = ""  # partial that renders the result on the job page, if any


_KINDS: dict[str, JobKind] = {}
LANGUAGE_PARAM = "_language"  # kept in the job's params


def register_job_kind(kind: str, run: str, *, label: Any, result_template: str = "") -> None:
    _KINDS[kind] = JobKind(kind, run, label, result_template)


def job_kind(kind: str) -> JobKind | None:
    return _KINDS.get(kind)


def _create(kind: str, params: dict[str, Any], by: Any) -> Job:
    if kind not in _KINDS:
        raise DomainError(_("Unknown kind of job."), field="kind")
    user = getattr(by, "user", by)
    return Job.objects.create(
        kind=kind,
        # The result's messages are written in the language the user had when he started it.
        params={**params, LANGUAGE_PARAM: translation.get_language() or settings.LANGUAGE_CODE},
        created_by=user if getattr(user, "pk", None) else None,
        created_at=clock.now(),
    )


def start_job(kind: str, params: dict[str, Any], *, by: Any) -> Job:
    """Create a queued job and hand it to the worker once the current transaction commits."""
    job = _create(kind, params, by)
    from core.tasks import run_job  # core.tasks imports this module

    transaction.on_commit(lambda: run_job(job.pk))
    return job


def run_job_now(kind: str, params: dict[str, Any], *, by: Any) -> Job:
    """Create a job and run it in this process (small inputs the user waits for, e.g. a preview)."""
    job = _create(kind, params, by)
    execute_job(job.pk)
    job.refresh_from_db()
    return job


def execute_job(job_id: int) -> None:
    """Run a queued job once. The conditional UPDATE claims it, so a job delivered twice (a
    retried task, two workers) runs only once."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    spec = _KINDS.get(job.kind)
    try:
        with translation.override(job.params.get(LANGUAGE_PARAM) or settings.LANGUAGE_CODE):
            if spec is None:
                raise DomainError(_("Unknown kind of job."))
            result = import_string(spec.run)(job)
    except DomainError as exc:
        _finish(job, Job.Status.FAILED, error=exc.message)
    except Exception:  # the job page must say it failed, whatever went wrong
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.Status.FAILED, error=_("The job stopped because of an unexpected error."))
    else:
        _finish(job, Job.Status.DONE, result=result or {})


def _finish(job: Job, status: str, *, result: dict | None = None, error: str = "") -> None:
    fields: dict[str, Any] = {"status": status, "error": error, "finished_at": clock.now()}
    if result is not None:
        fields["result"] = result
    if status == Job.Status.DONE:
        job.refresh_from_db(fields=["total"])
        fields["progress"] = job.total
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def job_progress(job: Job | None, done: int, total: int) -> None:
    """Store how far the job has got (shown as a progress bar). Call it per chunk, not per row:
    each call is one UPDATE, committed at once when not inside a transaction."""
    if job is None:
        return
    done, total = max(int(done), 0), max(int(total), 0)
    job.progress, job.total = min(done, total) if total else done, total
    Job.objects.filter(pk=job.pk).update(progress=job.progress, total=job.total)


def jobs_for(user) -> QuerySet[Job]:
    """The user's own jobs (a job's params and result can name people: only its starter sees it)."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(created_by=user).order_by("-created_at", "-pk")


def access_job(user, pk: int) -> Job:
    job = jobs_for(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job
