"""Pages of background jobs: a job's progress and result (polled by htmx), and my jobs."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.jobs import access_job, job_kind, jobs_for
from core.models import Job


def _context(job: Job) -> dict:
    spec = job_kind(job.kind)
    return {
        "job": job,
        "label": spec.label if spec else job.kind,
        "result_template": spec.result_template if spec else "",
        "running": job.status in (Job.Status.QUEUED, Job.Status.RUNNING),
    }


@login_required
@require_GET
def job_page(request, pk: int):
    """The job's page: its URL stays valid, so the user can leave and come back."""
    return render(request, "core/job.html", _context(access_job(request.user, pk)))


@login_required
@require_GET
def job_status(request, pk: int):
    """The status partial; htmx polls it every second while the job runs."""
    return render(request, "core/_job_status.html", _context(access_job(request.user, pk)))


@login_required
@require_GET
def job_list(request):
    page = Paginator(jobs_for(request.user), 30).get_page(request.GET.get("page"))
    rows = [(job, (job_kind(job.kind).label if job_kind(job.kind) else job.kind)) for job in page]
    return render(request, "core/jobs.html", {"page": page, "rows": rows})
