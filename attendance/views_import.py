"""The punch import page (ATT-02, ATT-10): upload → check (preview) → import as a job."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance.services_import import can_import_punches, store_upload
from core.errors import DomainError
from core.jobs import access_job, job_kind, jobs_for, run_job_now, start_job

# Files up to this size are checked while the user waits (a few thousand rows, well under a
# second); bigger ones are checked by the worker and the user is sent to the job's page.
CHECK_INLINE_BYTES = 256 * 1024
IMPORT_KINDS = ("attendance.import.check", "attendance.import")


def _require_importer(user) -> None:
    if not can_import_punches(user):
        raise Http404


@login_required
def import_page(request):
    _require_importer(request.user)
    context: dict = {"error": None}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(_("Choose a file."), field="file")
            params = {"file": store_upload(upload), "filename": upload.name[:200]}
        except DomainError as exc:
            context["error"] = exc.message
        else:
            if upload.size > CHECK_INLINE_BYTES:
                job = start_job("attendance.import.check", params, by=request.user)
                return redirect("job", job.pk)
            job = run_job_now("attendance.import.check", params, by=request.user)
            spec = job_kind(job.kind)
            context.update(job=job, result=job.result, result_template=spec.result_template)
    context["recent"] = [
        (job, job_kind(job.kind).label)
        for job in jobs_for(request.user).filter(kind__in=IMPORT_KINDS)[:10]
    ]
    return render(request, "attendance/import.html", context)


@login_required
@require_POST
def import_confirm(request, job_id: int):
    """Import the file a check (or a refused import) was made of, as a job."""
    _require_importer(request.user)
    checked = access_job(request.user, job_id)
    if checked.kind not in IMPORT_KINDS or "file" not in checked.params:
        raise Http404
    job = start_job(
        "attendance.import",
        {
            "file": checked.params["file"],
            "filename": checked.params.get("filename", ""),
            "import_valid_rows": request.POST.get("import_valid_rows") == "1",
            "checked_by_job": checked.pk,
        },
        by=request.user,
    )
    return redirect("job", job.pk)
