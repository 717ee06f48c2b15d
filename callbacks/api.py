"""Callbacks and complaints over the API, scoped like the pages (outsiders get 404).

Writes take an `idempotency_key` (core/idempotency.py). Bad input is a 400 naming the field:
an unknown behaviour item on "violations", a score outside 1–5 on "satisfaction", a complaint
without engineer on "engineer_id"; nothing is half-written.
"""

from django.http import JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from callbacks import services
from callbacks.models import BehaviourItem, Callback, Complaint
from callbacks.queries import access_callback, access_complaint, callbacks_for, complaints_for
from callbacks.schemas import (
    BehaviourItemOut,
    CallbackFilters,
    CallbackOut,
    ComplaintIn,
    ComplaintOut,
    DecideIn,
    RecordIn,
)
from core.errors import DomainError, ValidationErrors
from core.idempotency import Answer, once
from core.pagination import Id, Pagination
from people.queries import people_for
from workorders.models import Order

router = Router(tags=["callbacks"])


def _reply(answer: Answer) -> JsonResponse:
    response = JsonResponse(answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _callback_json(request, callback: Callback) -> dict:
    return CallbackOut.model_validate(callback, context={"request": request}).model_dump(
        mode="json"
    )


def _complaint_json(complaint: Complaint) -> dict:
    return ComplaintOut.model_validate(complaint).model_dump(mode="json")


@router.get("/callbacks/items", response=list[BehaviourItemOut])
def behaviour_items(request):
    """The behaviour checklist (RULES §6): the codes a callback's `violations` may name."""
    return [
        {"code": item.code, "label": gettext(item.label), "active": item.active}
        for item in BehaviourItem.objects.all()
    ]


@router.get("/callbacks", response=list[CallbackOut])
@paginate(Pagination)
def list_callbacks(request, filters: Query[CallbackFilters]):
    """Callbacks the caller may see; open ones by default, oldest due first."""
    state = filters.state or "open"
    if state not in {"all", *Callback.State.values}:
        raise DomainError(_("Unknown state."), field="state")
    if filters.kind and filters.kind not in Callback.Kind.values:
        raise DomainError(_("Unknown kind."), field="kind")
    qs = callbacks_for(request.auth).prefetch_related("violations").order_by("due_on", "pk")
    if state != "all":
        qs = qs.filter(state=state)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.engineer_id:
        qs = qs.filter(engineer_id=filters.engineer_id)
    return qs


@router.get("/callbacks/{int:callback_id}", response=CallbackOut)
def get_callback(request, callback_id: Id):
    return access_callback(request.auth, callback_id)


@router.post("/callbacks/{int:callback_id}/record", response={200: CallbackOut})
def record(request, callback_id: Id, payload: RecordIn):
    """Record (or correct) a callback's answers; BEH-01 entries follow at once."""
    callback = access_callback(request.auth, callback_id)

    def run():
        done = services.record_callback(
            callback,
            by=request.auth,
            violations=payload.violations,
            satisfaction=payload.satisfaction,
            note=payload.note,
        )
        return 200, _callback_json(request, access_callback(request.auth, done.pk))

    return _reply(once(request, payload.idempotency_key, run))


@router.get("/complaints", response=list[ComplaintOut])
@paginate(Pagination)
def list_complaints(request, state: str | None = None):
    qs = complaints_for(request.auth)
    if state:
        if state not in Complaint.State.values:
            raise DomainError(_("Unknown state."), field="state")
        qs = qs.filter(state=state)
    return qs


@router.get("/complaints/{int:complaint_id}", response=ComplaintOut)
def get_complaint(request, complaint_id: Id):
    return access_complaint(request.auth, complaint_id)


@router.post("/complaints", response={201: ComplaintOut})
def register(request, payload: ComplaintIn):
    """Register a complaint about an engineer (or the engineer of an order); counts once verified
    (CB-04)."""

    def run():
        engineer = order = None
        if payload.engineer_id is not None:
            engineer = people_for(request.auth).filter(pk=payload.engineer_id).first()
            if engineer is None:
                raise DomainError(_("Unknown engineer."), field="engineer_id")
        if payload.order_id is not None:
            order = Order.objects.filter(pk=payload.order_id).first()
            if order is None or (
                order.engineer_id
                and not people_for(request.auth).filter(pk=order.engineer_id).exists()
            ):
                raise DomainError(_("No such work order."), field="order_id")
        try:
            complaint = services.register_complaint(
                by=request.auth, engineer=engineer, order=order, text=payload.text
            )
        except DomainError as exc:  # the body's names: engineer_id, order_id
            errors = getattr(exc, "errors", None) or {exc.field or "": exc.message}
            names = {"engineer": "engineer_id", "order": "order_id"}
            raise ValidationErrors({names.get(k, k): v for k, v in errors.items()}) from None
        return 201, _complaint_json(complaint)

    return _reply(once(request, payload.idempotency_key, run))


def _decide(request, complaint_id: int, payload: DecideIn, decide) -> JsonResponse:
    complaint = access_complaint(request.auth, complaint_id)

    def run():
        done = decide(complaint, by=request.auth, reason=payload.reason)
        return 200, _complaint_json(access_complaint(request.auth, done.pk))

    return _reply(once(request, payload.idempotency_key, run))


@router.post("/complaints/{int:complaint_id}/verify", response={200: ComplaintOut})
def verify(request, complaint_id: Id, payload: DecideIn):
    """CB-04: the assessment group verifies the complaint as the employee's fault (KPI-06)."""
    return _decide(request, complaint_id, payload, services.verify_complaint)


@router.post("/complaints/{int:complaint_id}/reject", response={200: ComplaintOut})
def reject(request, complaint_id: Id, payload: DecideIn):
    """CB-04: the complaint is not the employee's fault; it never counts."""
    return _decide(request, complaint_id, payload, services.reject_complaint)
