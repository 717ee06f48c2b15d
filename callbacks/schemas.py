"""In and out schemas of the callback and complaint API. Inputs refuse unknown fields."""

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from workorders.schemas import IdempotencyKey


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class CallbackOut(Schema):
    id: int
    kind: str
    state: str
    engineer_id: int
    engineer: str
    customer_id: int | None
    customer: str
    customer_phone: str  # masked unless the caller calls customers from the desk (SEC-05)
    order_id: int | None
    order_number: str
    month: date | None
    due_on: date
    assigned_to_id: int | None
    done_at: datetime | None
    satisfaction: int | None
    violations: list[str]
    note: str


class CallbackFilters(Schema):
    state: str | None = Field(None, description='"open" (default), "done", "unreachable", "all"')
    kind: str | None = None
    engineer_id: int | None = None


class RecordIn(Strict):
    """CB-01/CB-02 answers: behaviour item codes violated (BEH-01) and satisfaction 1–5."""

    violations: list[str] = Field(default_factory=list, max_length=50)
    satisfaction: int
    note: str = Field("", max_length=2000)
    idempotency_key: IdempotencyKey = None


class ItemOut(Schema):
    code: str
    label: str
    active: bool


class ComplaintOut(Schema):
    id: int
    state: str
    engineer_id: int
    engineer: str
    customer_id: int | None
    order_id: int | None
    order_number: str
    text: str
    registered_at: datetime
    decided_at: datetime | None
    reason: str


class ComplaintIn(Strict):
    engineer_id: int | None = None
    order_id: int | None = None
    text: str = Field(..., max_length=4000)
    idempotency_key: IdempotencyKey = None


class DecideIn(Strict):
    reason: str = Field(..., max_length=2000)
    idempotency_key: IdempotencyKey = None
