"""Month close and statements over the API, scoped like the pages (404 outside the scope)."""

import re
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from core.errors import DomainError
from core.pagination import Id
from people.queries import access_unit
from statements.queries import (
    PersonStatement,
    access_score_unit,
    access_statement_person,
    access_summary_unit,
    active_close,
    statement_of,
    station_statements,
)
from statements.rules import parse_quarter
from statements.schemas import (
    MONTH_PATTERN,
    CloseIn,
    CloseOut,
    QuarterOut,
    StatementOut,
    StationOut,
)
from statements.scores import quarter_rows
from statements.services import start_close

router = Router(tags=["statements"])


def _month(text: str) -> date:
    if not re.match(MONTH_PATTERN, text or ""):
        raise DomainError(_("Give the month as YYYY-MM."), field="month")
    year, month = (int(x) for x in text.split("-"))
    return date(year, month, 1)


def _statement_out(s: PersonStatement) -> dict:
    settlement = None
    if s.settlement:
        settlement = {**s.settlement.__dict__, "flagged": s.settlement.flagged}
    return {
        **{k: v for k, v in s.__dict__.items() if k not in {"month", "settlement"}},
        "month": f"{s.month:%Y-%m}",
        "points_left": s.points_left,
        "fines_by_family": s.fines_by_family,
        "settlement": settlement,
    }


@router.get("/statements/people/{person_id}/{month}", response=StatementOut)
def person_statement(request, person_id: Id, month: str):
    """KPI-11: a person's statement of a month (the engineer his own; others 404)."""
    person = access_statement_person(request.auth, person_id)
    return _statement_out(statement_of(person, _month(month)))


@router.get("/statements/stations/{unit_id}/{month}", response=StationOut)
def station_summary(request, unit_id: Id, month: str):
    """KPI-11: the station's summary for the admin department, one statement per person."""
    unit = access_summary_unit(request.auth, unit_id)
    first = _month(month)
    close = active_close(unit, first)
    return {
        "unit_id": unit.pk,
        "month": f"{first:%Y-%m}",
        "closed": close is not None,
        "closed_at": close.closed_at if close else None,
        "statements": [_statement_out(s) for s in station_statements(request.auth, unit, first)],
    }


@router.get("/statements/quarters/{unit_id}/{quarter}", response=QuarterOut)
def quarter_scores(request, unit_id: Id, quarter: str):
    """KPI-10: the quarterly client score per engineer with its inputs."""
    unit = access_score_unit(request.auth, unit_id)
    year, number = parse_quarter(quarter)
    rows = quarter_rows(unit, year, number)
    return {
        "unit_id": unit.pk,
        "quarter": f"{year}-Q{number}",
        "rows": [
            {
                "person_id": r.person.pk,
                "name": r.person.name,
                "staff_no": r.person.staff_no,
                **r.inputs.__dict__,
                "parts": dict(r.score.parts),
                "score": r.score.score,
            }
            for r in rows
        ],
    }


@router.post("/statements/closes", response={202: CloseOut})
def close_month(request, payload: CloseIn):
    """KPI-11: the operations manager closes a month (one station or every station); the worker
    does it. Returns the job to follow."""
    unit = access_unit(request.auth, payload.unit_id) if payload.unit_id else None
    job = start_close(_month(payload.month), unit=unit, by=request.auth)
    return Status(
        202, {"job_id": job.pk, "status": job.status, "url": reverse("job", args=[job.pk])}
    )
