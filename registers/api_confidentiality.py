"""SEC-01..03 over the API: who has no confidentiality agreement, private-device and data
copy-out requests and the manager's decision. Mounted on the registers router."""

from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from core.pagination import Id, Pagination
from people.queries import people_for, person_of
from registers.queries import (
    access_security_request,
    can_record_agreements,
    security_requests_for,
)
from registers.schemas import (
    PersonRefOut,
    SecurityDecisionIn,
    SecurityRequestIn,
    SecurityRequestOut,
)
from registers.services_confidentiality import (
    decide_security_request,
    file_security_request,
    needs_agreement,
)

router = Router(tags=["registers"])


@router.get("/confidentiality/missing", response=list[PersonRefOut])
@paginate(Pagination)
def missing_agreements(request):
    """SEC-01: staff at a client site (in the caller's scope) without a signed agreement."""
    if not can_record_agreements(request.auth):
        raise HttpError(403, _("Only managers and HR see the agreements."))
    return needs_agreement(people_for(request.auth)).order_by("name")


@router.get("/security-requests", response=list[SecurityRequestOut])
@paginate(Pagination)
def list_security_requests(request, pending_for_me: bool = False):
    qs = security_requests_for(request.auth)
    if pending_for_me:
        qs = qs.filter(approver=person_of(request.auth), status="pending")
    return qs


@router.post("/security-requests", response={201: SecurityRequestOut})
def create_security_request(request, payload: SecurityRequestIn):
    """SEC-02 (private device) or SEC-03 (data copy-out): filed for oneself, decided by one's
    manager."""
    me = person_of(request.auth)
    if me is None:
        raise HttpError(403, _("Only staff with a person record can do this."))
    return Status(201, file_security_request(me, by=request.auth, **payload.model_dump()))


@router.post("/security-requests/{int:request_id}/decide", response=SecurityRequestOut)
def decide(request, request_id: Id, payload: SecurityDecisionIn):
    req = access_security_request(request.auth, request_id)
    return decide_security_request(
        req, by=request.auth, approve=payload.approve, comment=payload.comment
    )
