"""In and out schemas of the staff report API."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from workorders.schemas import IdempotencyKey


class ReportOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(..., alias="person.name")
    kind: str
    rule: str = Field(..., alias="rule_id")
    project_id: int | None
    client_id: int
    period_start: date
    period_end: date
    due_at: datetime
    remind_at: datetime
    status: str
    late: bool
    submitted_at: datetime | None
    text: str
    facts: dict[str, Any]


class ReportFilters(Schema):
    mine: bool = False
    kind: str | None = Field(None, pattern="^(daily|weekly|quarterly|project)$")
    status: str | None = Field(None, pattern="^(draft|submitted)$")
    late: bool | None = None


class ReportSubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., max_length=20_000)
    idempotency_key: IdempotencyKey = None


class DraftIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., max_length=20_000)
