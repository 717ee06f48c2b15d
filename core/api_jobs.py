"""Background jobs over the API: the starter polls a job until it is done."""

from datetime import datetime
from typing import Any

from ninja import Router, Schema

from core.jobs import access_job, job_kind
from core.pagination import Id

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    label: str
    status: str
    progress: int
    total: int
    percent: int
    result: dict[str, Any]
    error: str
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_label(obj) -> str:
        spec = job_kind(obj.kind)
        return str(spec.label) if spec else obj.kind


@router.get("/jobs/{int:job_id}", response=JobOut)
def get_job(request, job_id: Id):
    """A job you started: status (queued, running, done, failed), progress and result."""
    return access_job(request.auth, job_id)
