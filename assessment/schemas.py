"""In/out schemas of the assessment API."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from core.pagination import Id
from core.schemas import Strict

Month = Field(None, pattern=r"^\d{4}-\d{2}$", description="Assessment month, YYYY-MM")


class EntryFilters(Schema):
    month: str | None = Month
    station: Id | None = Field(None, description="Organisation unit (with the units below it)")
    rule: str | None = Field(None, max_length=10)
    state: str | None = Field(None, max_length=12)
    person: Id | None = None


class ObjectionOut(Schema):
    id: int
    entry_id: int
    text: str
    filed_at: datetime
    decision: str
    reason: str
    decided_at: datetime | None
    attachments: list[str]

    @staticmethod
    def resolve_attachments(obj) -> list[str]:
        return [a.name for a in obj.attachments.all()]


class EntryOut(Schema):
    id: int
    person_id: int
    person_name: str
    month: date
    rule_id: str
    rule_text: str
    points: Decimal
    fine: Decimal
    state: str
    source: str
    evidence: dict[str, Any]
    why: list[str]
    note: str
    created_at: datetime

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_rule_text(obj) -> str:
        from assessment.labels import rule_text

        return rule_text(obj.rule_id)

    @staticmethod
    def resolve_why(obj) -> list[str]:
        from assessment.evidence import evidence_for

        return [e.label for e in evidence_for(obj)]


class EntryDetailOut(EntryOut):
    objections: list[ObjectionOut]

    @staticmethod
    def resolve_objections(obj) -> list:
        return list(obj.objections.prefetch_related("attachments"))


class ManualEntryIn(Strict):
    person_id: Id
    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
    rule_id: str = Field("", max_length=10, description="KPI-05 or BEH-03 (and others by hand)")
    evidence_text: str = Field("", max_length=2000)
    idempotency_key: str | None = Field(None, min_length=1, max_length=80)


class ObjectionIn(Strict):
    text: str = Field("", max_length=5000)
    idempotency_key: str | None = Field(
        None,
        min_length=1,
        max_length=80,
        description="Send the same key when retrying: the objection is filed once.",
    )


class ObjectionDecisionIn(Strict):
    outcome: Literal["uphold", "withdraw"]
    reason: str = Field("", max_length=2000)


class DecisionOut(Schema):
    id: int
    person_id: int
    person_name: str
    month: date
    rule_id: str
    kind: str
    state: str
    basis: str
    entry_ids: list[int]
    created_at: datetime
    confirmed_at: datetime | None
    note: str

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_entry_ids(obj) -> list[int]:
        return sorted(e.pk for e in obj.entries.all())


class DecisionNoteIn(Strict):
    note: str = Field("", max_length=2000)


class MonthEntryOut(EntryOut):
    objection_deadline: datetime
    can_object: bool


class MonthOut(Schema):
    person_id: int
    month: date
    points: Decimal
    points_left: Decimal
    budget: Decimal
    fine: Decimal
    notice_level: str
    entries: list[MonthEntryOut]
