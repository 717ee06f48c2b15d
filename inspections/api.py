"""Inspections over the API, scoped like the pages (outsiders get 404).

Writes a phone may retry take an `idempotency_key` (core/idempotency.py). A checklist answer
outside its limits, a missing required photo or a file that is not an image is a 400 naming the
item ("item_<id>"); nothing is stored unless every answer is right.
"""

import base64
import binascii

from django.core.files.base import ContentFile
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from core import clock
from core.errors import DomainError
from core.idempotency import Answer, once
from core.pagination import Id, Pagination
from inspections import services
from inspections.queries import (
    access_answer,
    access_skip,
    access_spot_check,
    access_ticket,
    assets_for,
    can_spot_check,
    completion_by_plan,
    my_tickets,
    plans_for,
    skips_for,
    spot_checks_for,
    tickets_for,
)
from inspections.schemas import (
    AssetOut,
    KeyIn,
    OrderRefOut,
    PlanOut,
    SkipDecisionIn,
    SkipIn,
    SkipOut,
    SpotCheckIn,
    SpotCheckOut,
    SubmitIn,
    TicketDetailOut,
    TicketOut,
)
from people.models import Person
from people.queries import person_of

router = Router(tags=["inspections"])


def _me(request) -> Person:
    me = person_of(request.auth)
    if me is None:
        raise HttpError(403, _("Only staff with a person record can do this."))
    return me


def _reply(answer: Answer) -> JsonResponse:
    response = JsonResponse(answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _ticket_json(request, pk: int) -> dict:
    return TicketDetailOut.model_validate(access_ticket(request.auth, pk)).model_dump(mode="json")


@router.get("/inspections/assets", response=list[AssetOut])
@paginate(Pagination)
def list_assets(request, kind: str = ""):
    """Assets and places to inspect in the caller's scope."""
    qs = assets_for(request.auth).filter(active=True)
    return qs.filter(kind=kind) if kind else qs


@router.get("/inspections/tickets/mine", response=list[TicketOut])
def mine(request):
    """The caller's open tickets planned for today or earlier (today's and the overdue)."""
    return list(my_tickets(_me(request), clock.today()).select_related("asset"))


@router.get("/inspections/tickets", response=list[TicketOut])
@paginate(Pagination)
def list_tickets(request, status: str = ""):
    qs = tickets_for(request.auth).order_by("-due_on", "pk")
    return qs.filter(status=status) if status else qs


@router.get("/inspections/tickets/{int:ticket_id}", response=TicketDetailOut)
def get_ticket(request, ticket_id: Id):
    """The ticket with its checklist version's items and, once done, the answers."""
    return access_ticket(request.auth, ticket_id)


def _photo(answer) -> ContentFile | None:
    if not answer.photo_base64:
        return None
    try:
        data = base64.b64decode(answer.photo_base64, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(
            _("The photo is not valid base64."), field=f"item_{answer.item_id}"
        ) from None
    return ContentFile(data, name=answer.photo_name or "photo.jpg")


@router.post("/inspections/tickets/{int:ticket_id}/answers", response={200: TicketDetailOut})
def submit(request, ticket_id: Id, payload: SubmitIn):
    """The whole checklist at once; the ticket is done. Photos as base64 with their file name."""
    ticket = access_ticket(request.auth, ticket_id)
    me = _me(request)

    def run():
        answers = {
            a.item_id: {"value": a.value, "anomaly": a.anomaly, "note": a.note}
            for a in payload.answers
        }
        photos = {a.item_id: p for a in payload.answers if (p := _photo(a)) is not None}
        services.submit_answers(ticket, by=me, answers=answers, photos=photos, note=payload.note)
        return 200, _ticket_json(request, ticket.pk)

    return _reply(once(request, payload.idempotency_key, run))


@router.post("/inspections/answers/{int:answer_id}/order", response={201: OrderRefOut})
def anomaly_order(request, answer_id: Id, payload: KeyIn):
    """An anomaly opens a repair order (the same order on a second call)."""
    answer = access_answer(request.auth, answer_id)
    me = _me(request)
    if answer.ticket.engineer_id != me.pk:
        raise HttpError(403, _("Only the ticket's engineer opens the order."))

    def run():
        order = services.open_repair_order(answer, by=me)
        return 201, {"answer_id": answer.pk, "order_id": order.pk, "order_number": order.number}

    return _reply(once(request, payload.idempotency_key, run))


@router.get("/inspections/plans", response=list[PlanOut])
def list_plans(request):
    """Plans with this month's completion (done / planned) in the caller's scope."""
    today = clock.today()
    first, last = clock.month_bounds(today)
    completion = completion_by_plan(first, last, tickets_for(request.auth))
    result = []
    for plan in plans_for(request.auth):
        done, planned = completion.get(plan.pk, (0, 0))
        result.append(
            {
                "id": plan.pk,
                "name": plan.name,
                "rule_id": plan.rule_id,
                "asset_kind": plan.asset_kind,
                "frequency": plan.frequency,
                "per_period": plan.per_period,
                "per_period_in_force": services.per_period_of(plan, today),
                "sampled": plan.sampled,
                "active": plan.active,
                "done": done,
                "planned": planned,
            }
        )
    return result


@router.post("/inspections/tickets/{int:ticket_id}/skip", response={201: SkipOut})
def request_skip(request, ticket_id: Id, payload: SkipIn):
    """INS-01: ask the area supervisor to skip the inspection."""
    ticket = access_ticket(request.auth, ticket_id)
    me = _me(request)

    def run():
        skip = services.request_skip(ticket, by=me, reason=payload.reason)
        return 201, SkipOut.model_validate(skip).model_dump(mode="json")

    return _reply(once(request, payload.idempotency_key, run))


@router.get("/inspections/skips", response=list[SkipOut])
@paginate(Pagination)
def list_skips(request, status: str = ""):
    qs = skips_for(request.auth)
    return qs.filter(status=status) if status else qs


@router.post("/inspections/skips/{int:skip_id}/decision", response={200: SkipOut})
def decide_skip(request, skip_id: Id, payload: SkipDecisionIn):
    """INS-01: the area supervisor approves or refuses (refusing needs a comment)."""
    skip = access_skip(request.auth, skip_id)
    me = _me(request)
    if not services.may_decide_skip(me, skip):
        raise HttpError(403, _("Only the area supervisor decides this request (INS-01)."))

    def run():
        decided = services.decide_skip(
            skip, by=me, approve=payload.decision == "approve", comment=payload.comment
        )
        return 200, SkipOut.model_validate(decided).model_dump(mode="json")

    return _reply(once(request, payload.idempotency_key, run))


@router.get("/inspections/spotchecks", response=list[SpotCheckOut])
@paginate(Pagination)
def list_spot_checks(request, result: str = ""):
    qs = spot_checks_for(request.auth).order_by("-sampled_at")
    return qs.filter(result=result) if result else qs


@router.post("/inspections/spotchecks/{int:check_id}", response={200: SpotCheckOut})
def record_spot_check(request, check_id: Id, payload: SpotCheckIn):
    """CB-03: record the callback; a mismatch (with a note) goes to the area supervisor."""
    check = access_spot_check(request.auth, check_id)
    me = _me(request)
    if not can_spot_check(request.auth):
        raise HttpError(403, _("Only the dispatch centre records spot checks."))

    def run():
        done = services.record_spot_check(
            check, by=me, matched=payload.result == "match", note=payload.note
        )
        return 200, SpotCheckOut.model_validate(done).model_dump(mode="json")

    return _reply(once(request, payload.idempotency_key, run))
