"""Staff reports over the API, scoped like the pages (outside the scope: 404). REP-01..04."""

from django.http import JsonResponse
from ninja import Query, Router
from ninja.pagination import paginate

from core.idempotency import once
from core.pagination import Id, Pagination
from people.queries import person_of
from reports.queries import access_report, reports_for
from reports.schemas import DraftIn, ReportFilters, ReportOut, ReportSubmitIn
from reports.services import save_draft, submit_report

router = Router(tags=["reports"])


@router.get("/reports", response=list[ReportOut])
@paginate(Pagination)
def list_reports(request, filters: Query[ReportFilters]):
    """Reports the caller may see; `mine=true` only his own."""
    qs = reports_for(request.auth).order_by("-due_at", "-pk")
    if filters.mine:
        qs = qs.filter(person=person_of(request.auth))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.late is not None:
        qs = qs.filter(late=filters.late)
    return qs


@router.get("/reports/{int:report_id}", response=ReportOut)
def get_report(request, report_id: Id):
    return access_report(request.auth, report_id)


@router.post("/reports/{int:report_id}/draft", response=ReportOut)
def keep_draft(request, report_id: Id, payload: DraftIn):
    """Keep the edited text of one's own draft without submitting it."""
    save_draft(access_report(request.auth, report_id), by=request.auth, text=payload.text)
    return access_report(request.auth, report_id)


@router.post("/reports/{int:report_id}/submit", response=ReportOut)
def submit(request, report_id: Id, payload: ReportSubmitIn):
    """Submit one's own draft: it goes to the client's contact with the customer specialist in
    copy; after the deadline it is marked late."""

    def run():
        report = submit_report(
            access_report(request.auth, report_id), by=request.auth, text=payload.text
        )
        return 200, ReportOut.from_orm(access_report(request.auth, report.pk)).model_dump(
            mode="json", by_alias=False
        )

    answer = once(request, payload.idempotency_key, run)
    response = JsonResponse(answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response
