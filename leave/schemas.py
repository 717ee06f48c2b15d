from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from core.pagination import Id
from core.schemas import Strict


def _sane_datetime(value: datetime) -> datetime:
    """Years 2000..2100 only (so no arithmetic overflows); a time without zone is local time."""
    if not 2000 <= value.year <= 2100:
        raise ValueError("year must be between 2000 and 2100")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


RequestDate = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]
RequestTime = Annotated[datetime, AfterValidator(_sane_datetime)]
HalfDay = Literal["am", "pm"]
Kind = Literal["leave", "trip", "secondment", "overtime", "makeup"]


class RequestIn(Strict):
    kind: Kind
    reason: str = Field(..., min_length=1, max_length=1000)
    leave_type: str | None = Field(None, max_length=20, description="Leave type code, e.g. sick")
    start_date: RequestDate | None = None
    start_half: HalfDay = "am"
    end_date: RequestDate | None = None
    end_half: HalfDay = "pm"
    start_at: RequestTime | None = Field(
        None, description="Overtime start, or the time of the missing punch"
    )
    end_at: RequestTime | None = Field(None, description="Overtime end")
    emergency: bool = False
    destination: str = Field("", max_length=120)
    requesting_unit: str = Field("", max_length=120)
    cc_ids: list[Id] = Field(default_factory=list, max_length=20)
    idempotency_key: str | None = Field(
        None,
        min_length=1,
        max_length=80,
        description="Send the same key when retrying: the request is filed once.",
    )


class DecisionIn(Strict):
    comment: str = Field("", max_length=500)


class CoverIn(Strict):
    cover_id: Id


class TripReportIn(Strict):
    text: str = Field(..., min_length=1, max_length=10000)


class StepOut(Schema):
    order: int
    approver_id: int
    approver_name: str
    basis: str
    status: str
    decided_at: datetime | None
    comment: str

    @staticmethod
    def resolve_approver_name(obj) -> str:
        return obj.approver.name


class RequestOut(Schema):
    id: int
    person_id: int
    person_name: str
    kind: str
    status: str
    leave_type: str | None
    start_date: date | None
    start_half: str
    end_date: date | None
    end_half: str
    start_at: datetime | None
    end_at: datetime | None
    days: Decimal
    hours: Decimal
    reason: str
    emergency: bool
    destination: str
    requesting_unit: str
    has_attachment: bool
    cc_ids: list[int]
    cover_id: int | None
    trip_report: str
    trip_report_at: datetime | None
    created_at: datetime
    decided_at: datetime | None
    steps: list[StepOut]

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_leave_type(obj) -> str | None:
        return obj.leave_type.code if obj.leave_type_id else None

    @staticmethod
    def resolve_has_attachment(obj) -> bool:
        return bool(obj.attachment)

    @staticmethod
    def resolve_cc_ids(obj) -> list[int]:
        return [p.pk for p in obj.cc.all()]

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())


class InboxItemOut(Schema):
    step_order: int
    basis: str
    request: RequestOut

    @staticmethod
    def resolve_step_order(obj) -> int:
        return obj.order


class LeaveTypeOut(Schema):
    code: str
    name: str
    name_en: str
    paid: bool
    needs_certificate: bool
    needs_notice: bool


class RequestFilters(Strict):
    mine: bool = False
    status: Literal["pending", "approved", "rejected", "withdrawn"] | None = None
    kind: Kind | None = None
