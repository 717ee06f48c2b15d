"""In and out schemas of the registers API (INS-07, SEC-04)."""

from datetime import date, datetime

from ninja import Field, Schema

from core import clock
from core.pagination import Id
from core.schemas import Strict
from workorders.schemas import ApiTime


class StockLineOut(Schema):
    id: int
    item_id: int
    item: str
    expected: int
    counted: int | None
    note: str

    @staticmethod
    def resolve_item(obj) -> str:
        return str(obj.item)


class LossOut(Schema):
    id: int
    line_id: int
    stocktake_id: int
    quantity: int
    status: str
    police_case_no: str
    has_receipt: bool
    reported_at: datetime | None
    closed_at: datetime | None
    follow_up: list[dict]

    @staticmethod
    def resolve_has_receipt(obj) -> bool:
        return bool(obj.police_receipt)


class StockTakeOut(Schema):
    id: int
    community_id: int
    community: str = Field(..., alias="community.name")
    due_on: date
    status: str
    counted_by_id: int | None
    counted_at: datetime | None
    overdue: bool = False
    lines: list[StockLineOut] = []
    losses: list[LossOut] = []

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(clock.today())

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("item"))

    @staticmethod
    def resolve_losses(obj):
        return list(obj.losses.all())


class CountLineIn(Strict):
    line_id: Id
    counted: int = Field(..., ge=0, le=1_000_000)
    note: str = Field("", max_length=300)


class CountIn(Strict):
    lines: list[CountLineIn] = Field(..., max_length=1000)


class FollowUpIn(Strict):
    note: str = Field(..., max_length=1000)
    close: bool = False


class EntryIn(Strict):
    unit_id: Id
    room: str = Field(..., max_length=120)
    visitor_name: str = Field(..., max_length=60)
    visitor_company: str = Field(..., max_length=120)
    purpose: str = Field(..., max_length=300)
    escort_id: Id | None = None


class RoomEntryOut(Schema):
    id: int
    unit_id: int
    room: str
    visitor_name: str
    visitor_company: str
    purpose: str
    escort_id: int
    escort: str = Field(..., alias="escort.name")
    time_in: datetime
    time_out: datetime | None


class LoanIn(Strict):
    unit_id: Id
    kind: str = Field(..., pattern="^(equipment|media)$")
    item: str = Field(..., max_length=120)
    serial: str = Field("", max_length=60)
    borrower: str = Field(..., max_length=60)
    borrower_company: str = Field("", max_length=120)
    due_back: ApiTime


class LoanOut(Schema):
    id: int
    unit_id: int
    kind: str
    item: str
    serial: str
    borrower: str
    borrower_company: str
    lent_by_id: int
    lent_at: datetime
    due_back: datetime
    returned_at: datetime | None
    overdue: bool = False

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(clock.now())


class LoanFilters(Schema):
    out: bool | None = None
    overdue: bool | None = None


class StockTakeFilters(Schema):
    status: str | None = Field(None, pattern="^(open|done)$")
    overdue: bool | None = None


class SecurityRequestIn(Strict):
    kind: str = Field(..., pattern="^(private_device|data_copy)$")
    subject: str = Field(..., max_length=200)
    reason: str = Field(..., max_length=1000)


class SecurityDecisionIn(Strict):
    approve: bool
    comment: str = Field("", max_length=1000)


class SecurityRequestOut(Schema):
    id: int
    person_id: int
    kind: str
    rule: str = Field(..., alias="rule_id")
    subject: str
    reason: str
    approver_id: int
    status: str
    comment: str
    created_at: datetime
    decided_at: datetime | None


class PersonRefOut(Schema):
    id: int
    name: str
    unit_id: int | None
    client_id: int | None
