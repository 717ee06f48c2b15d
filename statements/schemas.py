from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from core.pagination import Id
from core.schemas import Strict

MONTH_PATTERN = r"^(20\d{2}|2100)-(0[1-9]|1[0-2])$"
QUARTER_PATTERN = r"^(20\d{2}|2100)-Q[1-4]$"


class StatementLineOut(Schema):
    rule_id: str
    count: int
    points: Decimal
    fine: Decimal


class EntryLineOut(Schema):
    pk: int
    rule_id: str
    state: str
    source: str
    points: Decimal
    fine: Decimal
    why: str


class DecisionLineOut(Schema):
    rule_id: str
    kind: str
    state: str
    basis: str


class SettlementOut(Schema):
    """Settlement guard: what may be deducted from pay; the ledger total is never hidden."""

    monthly_wage: Decimal
    minimum_wage: Decimal | None
    cap_percent: Decimal
    cap: Decimal
    deductible: Decimal
    over_cap: bool
    below_minimum: bool
    flagged: bool


class StatementOut(Schema):
    """KPI-11: a person's month; provisional while the month is open."""

    person_id: int
    name: str
    staff_no: str
    unit: str
    month: str
    provisional: bool
    closed_at: datetime | None
    points: Decimal
    points_left: Decimal
    rule_fines: Decimal
    attendance_fines: Decimal
    total: Decimal
    fines_by_family: dict[str, Decimal]
    lines: list[StatementLineOut]
    attendance_lines: list[StatementLineOut]
    entries: list[EntryLineOut]
    decisions: list[DecisionLineOut]
    settlement: SettlementOut | None


class StationOut(Schema):
    unit_id: int
    month: str
    closed: bool
    closed_at: datetime | None
    statements: list[StatementOut]


class QuarterRowOut(Schema):
    person_id: int
    name: str
    staff_no: str
    inspections_done: int | None
    inspections_planned: int | None
    faults_fixed: int
    faults_fixed_late: int
    orders: int
    breaches: int
    satisfaction: Decimal | None
    callbacks: int
    parts: dict[str, Decimal | None]
    score: Decimal | None


class QuarterOut(Schema):
    unit_id: int
    quarter: str
    rows: list[QuarterRowOut]


class CloseIn(Strict):
    month: str = Field(..., pattern=MONTH_PATTERN, description="YYYY-MM")
    unit_id: Id | None = Field(None, description="a station; none: every station")


class CloseOut(Schema):
    job_id: int
    status: str
    url: str
