"""The assessment ledger over the API, scoped like the pages (outsiders get 404): entries, the
caller's month (KPI-11), findings by hand, objections (idempotent filing) and threshold
decisions (KPI-08/09, BEH-02, KPI-12)."""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from assessment import queries
from assessment.forms import parse_month
from assessment.schemas import (
    DecisionNoteIn,
    DecisionOut,
    EntryDetailOut,
    EntryFilters,
    EntryOut,
    ManualEntryIn,
    MonthOut,
    ObjectionDecisionIn,
    ObjectionIn,
    ObjectionOut,
)
from assessment.services import (
    add_manual_entry,
    confirm_decision,
    decide_objection,
    file_objection,
    reject_decision,
)
from assessment.services.common import check_finding
from core import clock
from core.errors import DomainError
from core.idempotency import Answer, once
from core.pagination import Id, Pagination
from people.queries import access_person, person_of, units_for

router = Router(tags=["assessment"])


def _reply(answer: Answer) -> JsonResponse:
    response = JsonResponse(answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _entry_json(request, pk: int) -> dict:
    entry = queries.access_entry(request.auth, pk)
    return EntryDetailOut.model_validate(entry).model_dump(mode="json")


def _month_or_error(value: str | None, field: str = "month"):
    month = parse_month(value)
    if value and month is None:
        raise DomainError(_("Give the month as YYYY-MM."), field=field)
    return month


@router.get("/assessment/entries", response=list[EntryOut])
@paginate(Pagination)
def list_entries(request, filters: Query[EntryFilters]):
    """Entries the caller may see (an engineer: his own), by month, station, rule, state, person."""
    unit = None
    if filters.station:
        unit = units_for(request.auth).filter(pk=filters.station).first()
        if unit is None:
            raise Http404
    return queries.filter_entries(
        queries.entries_for(request.auth),
        month=_month_or_error(filters.month),
        unit=unit,
        rule_id=(filters.rule or "").upper(),
        state=filters.state or "",
        person_id=filters.person,
    )


@router.get("/assessment/entries/{int:entry_id}", response=EntryDetailOut)
def get_entry(request, entry_id: Id):
    return queries.access_entry(request.auth, entry_id)


@router.post("/assessment/entries", response={201: EntryDetailOut, 200: EntryDetailOut})
def create_manual_entry(request, payload: ManualEntryIn):
    """A finding of the assessment group (KPI-05, BEH-03): it cites a rule and its evidence."""

    def run():
        person = access_person(request.auth, payload.person_id)
        check_finding(person, payload.rule_id)
        entry = add_manual_entry(
            person,
            month=_month_or_error(payload.month),
            rule_id=payload.rule_id,
            by=request.auth,
            evidence_text=payload.evidence_text,
        )
        return 201, _entry_json(request, entry.pk)

    return _reply(once(request, payload.idempotency_key, run))


@router.get("/assessment/me", response=MonthOut)
def my_month(request, month: str | None = None):
    """KPI-11: the caller's month: entries and why, points left, fines, ATT-03 notice level."""
    me = person_of(request.auth)
    if me is None:
        raise Http404
    view = queries.person_month(
        me, _month_or_error(month) or clock.today().replace(day=1), viewer=request.auth
    )
    entries = []
    for row in view.rows:
        row.entry.objection_deadline, row.entry.can_object = row.deadline, row.can_object
        entries.append(row.entry)
    return {
        "person_id": me.pk,
        "month": view.month,
        "points": view.points,
        "points_left": view.points_left,
        "budget": view.budget,
        "fine": view.fine,
        "notice_level": view.notice_level,
        "entries": entries,
    }


@router.post(
    "/assessment/entries/{int:entry_id}/objections",
    response={201: ObjectionOut, 200: ObjectionOut},
)
def object_to_entry(request, entry_id: Id, payload: ObjectionIn):
    """KPI-11: the assessed person objects within the window. Retrying with the same
    `idempotency_key` answers with the first objection instead of filing a second one.
    Attachments are added on the objection page."""

    def run():
        entry = queries.access_entry(request.auth, entry_id)
        objection = file_objection(entry, by=request.auth, text=payload.text)
        return 201, ObjectionOut.model_validate(objection).model_dump(mode="json")

    return _reply(once(request, payload.idempotency_key, run))


@router.get("/assessment/objections", response=list[ObjectionOut])
@paginate(Pagination)
def list_objections(request, open: bool = True):
    """Objections to entries the caller may see; `open=true` (default) only undecided ones."""
    found = queries.objections_for(request.auth)
    return found.filter(decision="") if open else found


@router.post("/assessment/objections/{int:objection_id}/decide", response=ObjectionOut)
def decide(request, objection_id: Id, payload: ObjectionDecisionIn):
    """KPI-11: the assessment group upholds or withdraws the entry, giving a reason."""
    objection = queries.access_objection(request.auth, objection_id)
    decide_objection(
        objection, by=request.auth, upheld=payload.outcome == "uphold", reason=payload.reason
    )
    return queries.access_objection(request.auth, objection_id)


@router.get("/assessment/decisions", response=list[DecisionOut])
@paginate(Pagination)
def list_decisions(request, state: str | None = None):
    """Threshold decisions (KPI-08, KPI-09, BEH-02, KPI-12) of people the caller may see."""
    found = queries.decisions_for(request.auth).prefetch_related("entries")
    return found.filter(state=state) if state else found


@router.post("/assessment/decisions/{int:decision_id}/confirm", response=DecisionOut)
def confirm(request, decision_id: Id, payload: DecisionNoteIn):
    confirm_decision(
        queries.access_decision(request.auth, decision_id), by=request.auth, note=payload.note
    )
    return queries.access_decision(request.auth, decision_id)


@router.post("/assessment/decisions/{int:decision_id}/reject", response=DecisionOut)
def reject(request, decision_id: Id, payload: DecisionNoteIn):
    reject_decision(
        queries.access_decision(request.auth, decision_id), by=request.auth, note=payload.note
    )
    return queries.access_decision(request.auth, decision_id)
