"""In and out schemas of the inspection API. Inputs refuse unknown fields."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from core.pagination import Id
from core.schemas import Strict

IdempotencyKey = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=80,
        description="Send the same key when retrying: the write is applied once and the first "
        "answer comes back.",
    ),
]


class AssetOut(Schema):
    id: int
    name: str
    kind: str
    address: str
    unit_id: int
    station_id: int | None
    engineer_id: int | None
    client_id: int | None


class ChecklistItemOut(Schema):
    id: int
    position: int
    label: str
    kind: str
    required: bool
    min_value: Decimal | None
    max_value: Decimal | None
    unit_label: str
    rule_id: str


class AnswerOut(Schema):
    id: int
    item_id: int
    value_bool: bool | None
    value_number: Decimal | None
    value_text: str
    has_photo: bool
    anomaly: bool
    note: str
    order_id: int | None
    order_number: str | None

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return bool(obj.photo)

    @staticmethod
    def resolve_order_number(obj) -> str | None:
        return obj.order.number if obj.order_id else None


class TicketOut(Schema):
    id: int
    asset: AssetOut
    plan_id: int | None
    kind: str
    rule_id: str
    engineer_id: int
    window_start: date
    planned_on: date
    due_on: date
    status: str
    reason: str
    done_at: datetime | None
    template_id: int
    template_version: int

    @staticmethod
    def resolve_template_version(obj) -> int:
        return obj.template.version


class TicketDetailOut(TicketOut):
    items: list[ChecklistItemOut]
    answers: list[AnswerOut]
    sampled_user_ids: list[int]

    @staticmethod
    def resolve_items(obj):
        return list(obj.template.items.order_by("position", "pk"))

    @staticmethod
    def resolve_answers(obj):
        return list(obj.answers.select_related("order").order_by("item__position", "pk"))

    @staticmethod
    def resolve_sampled_user_ids(obj) -> list[int]:
        return list(obj.sampled_users.values_list("pk", flat=True))


class AnswerIn(Strict):
    item_id: Id
    value: str = Field("", max_length=1000, description='"yes"/"no", a number or text')
    anomaly: bool = False
    note: str = Field("", max_length=500)
    photo_name: str = Field("", max_length=100, description="File name of the photo, e.g. a.jpg")
    photo_base64: str = Field("", max_length=15_000_000, description="The photo, base64")


class SubmitIn(Strict):
    answers: list[AnswerIn] = Field(..., max_length=200)
    note: str = Field("", max_length=2000)
    idempotency_key: IdempotencyKey = None


class OrderRefOut(Schema):
    answer_id: int
    order_id: int
    order_number: str


class KeyIn(Strict):
    idempotency_key: IdempotencyKey = None


class PlanOut(Schema):
    id: int
    name: str
    rule_id: str
    asset_kind: str
    frequency: str
    per_period: int | None
    per_period_in_force: int
    sampled: bool
    active: bool
    done: int
    planned: int


class SkipIn(Strict):
    reason: str = Field(..., min_length=1, max_length=500)
    idempotency_key: IdempotencyKey = None


class SkipDecisionIn(Strict):
    decision: Literal["approve", "refuse"]
    comment: str = Field("", max_length=500)
    idempotency_key: IdempotencyKey = None


class SkipOut(Schema):
    id: int
    ticket_id: int
    requested_by_id: int
    requested_at: datetime
    reason: str
    approver_id: int | None
    status: str
    decided_by_id: int | None
    decided_at: datetime | None
    comment: str


class SpotCheckOut(Schema):
    id: int
    ticket_id: int
    sampled_at: datetime
    result: str
    checked_by_id: int | None
    checked_at: datetime | None
    note: str
    supervisor_id: int | None


class SpotCheckIn(Strict):
    result: Literal["match", "mismatch"]
    note: str = Field("", max_length=500)
    idempotency_key: IdempotencyKey = None
