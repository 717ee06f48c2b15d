from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from core.pagination import Id
from core.schemas import Strict

MONTH_PATTERN = r"^(20\d{2}|2100)-(0[1-9]|1[0-2])$"


class DayFilters(Strict):
    person_id: Id | None = None
    date_from: date | None = None
    date_to: date | None = None


class DayOut(Schema):
    """One judged day with the rule IDs and evidence that led to it (ATT-01..08)."""

    person_id: int
    date: date
    status: str
    workday: bool
    late_minutes: int
    late_count: int
    serious_late: bool
    absent_late: bool
    early_minutes: int
    early_count: int
    missing_in: int
    missing_out: int
    absent_days: Decimal
    leave_type: str
    leave_days: Decimal
    trip_days: Decimal
    rule_ids: list[str]
    evidence: dict[str, Any]
    locked: bool
    correction: dict[str, Any] | None


class SummaryQuery(Strict):
    unit_id: Id
    month: str = Field(..., pattern=MONTH_PATTERN, description="YYYY-MM")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class MonthCloseIn(Strict):
    unit_id: Id
    month: str = Field(..., pattern=MONTH_PATTERN, description="YYYY-MM")


class FineOut(Schema):
    rule_id: str
    code: str
    count: int  # for the ATT-05 band: the band number
    amount: Decimal
    detail: str


class PersonSummaryOut(Schema):
    """ATT-07: one person's month, with the DingTalk report's name of each figure in comments."""

    person_id: int
    name: str
    staff_no: str
    workdays: int  # 应出勤天数
    attended_days: Decimal  # 出勤天数
    rest_days: int  # 休息天数
    late_count: int  # 迟到次数
    late_minutes: int  # 迟到时长
    serious_late_count: int  # 严重迟到次数
    serious_late_minutes: int  # 严重迟到时长
    absent_late_count: int  # 旷工迟到次数
    early_count: int  # 早退次数
    early_minutes: int  # 早退时长
    missing_in: int  # 上班缺卡次数
    missing_out: int  # 下班缺卡次数
    absent_days: Decimal  # 旷工天数 (with the ATT-06 early-leave absence)
    makeup_count: int  # 补卡次数
    trip_days: Decimal  # 出差时长 (days)
    leave_days: dict[str, Decimal]  # per leave type code
    overtime_hours: dict[str, Decimal]  # workday / rest / holiday
    fines: list[FineOut]
    fine_total: Decimal
    notice_level: str  # "" | criticism | vendor_notice (ATT-03)
    rule_ids: list[str]
    judged_days: int
    locked: bool
    corrections: int


class SummaryPage(Schema):
    unit_id: int
    month: str
    closed: bool
    count: int
    items: list[PersonSummaryOut]


class MonthCloseOut(Schema):
    id: int
    unit_id: int
    month: str
    closed_at: datetime
    closed_by: str | None
