"""Requests and approvals over the API, scoped like the pages (outsiders get 404).

Attachments (REQ-05 certificates) are uploaded on the request page; the API files requests
that need none.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from core.errors import DomainError
from core.pagination import Id, Pagination
from leave.models import ApprovalStep, LeaveType, Request
from leave.queries import (
    access_request,
    active_leave_types,
    cc_candidates_for,
    inbox_for,
    requests_for,
)
from leave.schemas import (
    CoverIn,
    DecisionIn,
    InboxItemOut,
    LeaveTypeOut,
    RequestFilters,
    RequestIn,
    RequestOut,
    TripReportIn,
)
from leave.services import (
    approve_step,
    assign_cover,
    reject_step,
    submit_request,
    submit_trip_report,
    withdraw_request,
)
from people.models import Person
from people.queries import people_for, person_of

router = Router(tags=["requests"])


def _me(request) -> Person:
    person = person_of(request.auth)
    if person is None:
        raise Http404
    return person


def _fresh(request, pk: int) -> Request:
    return access_request(request.auth, pk)


@router.get("/leave-types", response=list[LeaveTypeOut])
def list_leave_types(request):
    return active_leave_types()


@router.get("/requests", response=list[RequestOut])
@paginate(Pagination)
def list_requests(request, filters: Query[RequestFilters]):
    """Requests the caller may see; `mine=true` only his own."""
    reqs = requests_for(request.auth).prefetch_related("cc").order_by("-created_at", "-pk")
    if filters.mine:
        me = person_of(request.auth)
        reqs = reqs.filter(person=me) if me else reqs.none()
    if filters.status:
        reqs = reqs.filter(status=filters.status)
    if filters.kind:
        reqs = reqs.filter(kind=filters.kind)
    return reqs


@router.post("/requests", response={201: RequestOut, 200: RequestOut})
def create_request(request, payload: RequestIn):
    """File a request for yourself. Retrying with the same `idempotency_key` answers 200 with
    the request filed the first time instead of filing a second one."""
    me = _me(request)
    if payload.idempotency_key:
        existing = Request.objects.filter(
            person=me, idempotency_key=payload.idempotency_key
        ).first()
        if existing is not None:
            return Status(200, _fresh(request, existing.pk))
    leave_type = None
    if payload.leave_type:
        leave_type = LeaveType.objects.filter(code=payload.leave_type, active=True).first()
        if leave_type is None:
            raise DomainError(_("Unknown leave type."), field="leave_type")
    cc = list(cc_candidates_for(me).filter(pk__in=payload.cc_ids))
    if len(cc) != len(set(payload.cc_ids)):
        raise DomainError(_("You cannot copy this person."), field="cc_ids")
    data = payload.model_dump(exclude={"leave_type", "cc_ids"})
    req = submit_request(me, by=request.auth, leave_type=leave_type, cc=cc, **data)
    return Status(201, _fresh(request, req.pk))


@router.get("/requests/{int:request_id}", response=RequestOut)
def get_request(request, request_id: Id):
    return access_request(request.auth, request_id)


@router.post("/requests/{int:request_id}/approve", response=RequestOut)
def approve(request, request_id: Id, payload: DecisionIn):
    approve_step(access_request(request.auth, request_id), by=request.auth, comment=payload.comment)
    return _fresh(request, request_id)


@router.post("/requests/{int:request_id}/reject", response=RequestOut)
def reject(request, request_id: Id, payload: DecisionIn):
    reject_step(access_request(request.auth, request_id), by=request.auth, comment=payload.comment)
    return _fresh(request, request_id)


@router.post("/requests/{int:request_id}/withdraw", response=RequestOut)
def withdraw(request, request_id: Id):
    withdraw_request(access_request(request.auth, request_id), by=request.auth)
    return _fresh(request, request_id)


@router.post("/requests/{int:request_id}/cover", response=RequestOut)
def cover(request, request_id: Id, payload: CoverIn):
    """REQ-10: assign a reserve engineer to an approved leave."""
    req = access_request(request.auth, request_id)
    person = people_for(request.auth).filter(pk=payload.cover_id).first()
    if person is None:
        raise DomainError(_("Unknown person."), field="cover_id")
    assign_cover(req, by=request.auth, cover=person)
    return _fresh(request, request_id)


@router.post("/requests/{int:request_id}/trip-report", response=RequestOut)
def trip_report(request, request_id: Id, payload: TripReportIn):
    """REQ-07: hand in the report of an approved trip after return."""
    submit_trip_report(access_request(request.auth, request_id), by=request.auth, text=payload.text)
    return _fresh(request, request_id)


@router.get("/approvals", response=list[InboxItemOut])
@paginate(Pagination)
def list_approvals(request):
    """Steps waiting for the caller's decision (the approver's inbox)."""
    return inbox_for(person_of(request.auth)).prefetch_related(
        Prefetch("request__steps", queryset=ApprovalStep.objects.select_related("approver")),
        "request__cc",
    )
