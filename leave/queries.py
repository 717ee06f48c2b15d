"""Reads of requests for pages, API and navigation. Anything outside a user's scope is 404.

Who sees a request (REQ-11 trail included):
- the applicant, every approver on its chain, the people on copy and the reserve covering it;
- company-wide roles (operations manager, HR, ...) all requests;
- station heads/managers and area supervisors the requests of people in their unit subtree;
- a group leader the requests of his team.
Client and vendor roles see only what they approve or are copied on: leave reasons and sick
certificates are personal data (PIPL), not shared with a whole client company.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from leave.models import ApprovalStep, LeaveType, Request
from people.models import Person
from people.queries import people_for, person_of, sees_everything
from people.roles import CLIENT_ROLES, UNIT_WIDE, Role

# Who may assign a reserve engineer to cover an approved leave (REQ-10), within what he sees.
COVER_ASSIGNERS = {
    Role.OPS_MANAGER,
    Role.HR_ADMIN,
    Role.STATION_HEAD,
    Role.STATION_MANAGER,
    Role.GROUP_LEADER,
}
# Roles that usually decide requests: they always see the Approvals menu item.
APPROVER_ROLES = {
    Role.GROUP_LEADER,
    Role.STATION_HEAD,
    Role.STATION_MANAGER,
    Role.OPS_MANAGER,
    Role.CLIENT_PIC,
}


def _with_trail(qs: QuerySet[Request]) -> QuerySet[Request]:
    return qs.select_related("person", "leave_type", "cover").prefetch_related(
        Prefetch("steps", queryset=ApprovalStep.objects.select_related("approver"))
    )


def requests_for(user) -> QuerySet[Request]:
    """Requests the user may see (module docstring)."""
    qs = _with_trail(Request.objects.all())
    if sees_everything(user):
        return qs
    me = person_of(user)
    if me is None:
        return qs.none()
    involved = (
        Q(person=me)
        | Q(pk__in=ApprovalStep.objects.filter(approver=me).values("request_id"))
        | Q(pk__in=Request.cc.through.objects.filter(person_id=me.pk).values("request_id"))
        | Q(cover=me)
    )
    if (me.role in UNIT_WIDE and me.unit_id) or me.role == Role.GROUP_LEADER:
        involved |= Q(person__in=people_for(user).values("pk"))
    return qs.filter(involved)


def own_requests_for(user) -> QuerySet[Request]:
    me = person_of(user)
    if me is None:
        return Request.objects.none()
    return _with_trail(Request.objects.filter(person=me))


def access_request(user, pk: int) -> Request:
    request = requests_for(user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def inbox_for(person: Person | None) -> QuerySet[ApprovalStep]:
    """Steps waiting for this person's decision, oldest request first."""
    if person is None:
        return ApprovalStep.objects.none()
    return (
        ApprovalStep.objects.filter(
            approver=person,
            status=ApprovalStep.Status.PENDING,
            request__status=Request.Status.PENDING,
        )
        .select_related("request__person", "request__leave_type", "approver")
        .order_by("request__created_at", "pk")
    )


def pending_approvals_count(user) -> int:
    return inbox_for(person_of(user)).count()


def current_step(request: Request) -> ApprovalStep | None:
    """The step awaiting a decision, if any (uses the prefetched steps)."""
    return next((s for s in request.steps.all() if s.status == ApprovalStep.Status.PENDING), None)


def can_decide(user, request: Request) -> bool:
    step = current_step(request)
    me = person_of(user)
    return (
        request.status == Request.Status.PENDING
        and step is not None
        and me is not None
        and step.approver_id == me.pk
    )


def can_withdraw(user, request: Request) -> bool:
    me = person_of(user)
    return (
        me is not None and request.person_id == me.pk and request.status == Request.Status.PENDING
    )


def can_assign_cover(user, request: Request) -> bool:
    """REQ-10: a manager who sees the applicant, for an approved leave."""
    me = person_of(user)
    if me is None or me.role not in COVER_ASSIGNERS and not sees_everything(user):
        return False
    return (
        request.kind == Request.Kind.LEAVE
        and request.status == Request.Status.APPROVED
        and people_for(user).filter(pk=request.person_id).exists()
    )


def cover_candidates_for(user) -> QuerySet[Person]:
    """Active reserve engineers the user sees (REQ-10)."""
    from people.roles import EmploymentType

    return people_for(user).filter(active=True, employment_type=EmploymentType.RESERVE)


def cc_candidates_for(person: Person) -> QuerySet[Person]:
    """People an applicant may copy: staff of his unit and the units above it, and the contacts
    of the client he serves."""
    condition = Q(pk__in=[])
    if person.unit_id:
        ancestors = [int(p) for p in person.unit.path.strip("/").split("/") if p]
        condition |= Q(unit_id__in=ancestors)
    if person.client_id:
        condition |= Q(client_id=person.client_id, role__in=CLIENT_ROLES)
    return (
        Person.objects.filter(condition, active=True)
        .exclude(pk=person.pk)
        .order_by("unit__path", "name")
    )


def active_leave_types() -> QuerySet[LeaveType]:
    return LeaveType.objects.filter(active=True)
