"""In and out schemas of the work-order API. Inputs refuse unknown fields; ids are core Ids."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from core.pagination import Id
from core.schemas import Strict
from people.queries import customer_phone_for


def _sane_datetime(value: datetime) -> datetime:
    """Years 2000..2100 only; a time without zone is local time (Asia/Shanghai)."""
    if not 2000 <= value.year <= 2100:
        raise ValueError("year must be between 2000 and 2100")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


ApiTime = Annotated[datetime, AfterValidator(_sane_datetime)]
OrderKind = Literal["install", "repair", "renewal", "inspection", "support"]
StepName = Literal[
    "contact",
    "appoint",
    "on_the_way",
    "arrive",
    "resolve",
    "escalate",
    "not_complete",
    "feedback",
    "close",
    "follow_up",
    "notify_ops",
    "notify_station",
    "weekly_report",
]
IdempotencyKey = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=80,
        description="Send the same key when retrying: the write is applied once and the first "
        "answer comes back.",
    ),
]


class RegistrationIn(Strict):
    """WO-10: the on-site service registration form of a new-user install."""

    name: str = Field("", max_length=60)
    id_number: str = Field("", max_length=18, pattern=r"^(\d{17}[\dXx]|\d{15})?$")
    package: str = Field("", max_length=60)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    preferred_time: str = Field("", max_length=60)


class OrderIn(Strict):
    kind: OrderKind
    customer_id: Id | None = Field(None, description="Install, repair and renewal need one")
    unit_id: Id | None = Field(None, description="The site when there is no customer")
    description: str = Field(..., min_length=1, max_length=2000)
    address: str = Field("", max_length=200)
    fault_class: Literal["general", "major"] | None = Field(None, description="Repairs (WO-04)")
    support_kind: Literal["fault", "upgrade", "equipment"] | None = None
    critical: bool = Field(False, description="WO-09: reported at once to support and the head")
    registration: RegistrationIn | None = None
    idempotency_key: IdempotencyKey = None


class DispatchIn(Strict):
    engineer_id: Id
    idempotency_key: IdempotencyKey = None


class StepIn(Strict):
    """One lifecycle step. `contact` needs `outcome`; `appoint` needs `start` and `end`;
    `escalate` and `not_complete` need `note`; `close` needs `cause_class` (WO-13)."""

    step: StepName
    outcome: Literal["reached", "no_answer", "busy", "wrong_number"] | None = None
    start: ApiTime | None = None
    end: ApiTime | None = None
    note: str = Field("", max_length=1000)
    cause_class: Literal["our_side", "third_party", "customer_side"] | None = None
    case_report: str = Field("", max_length=5000)
    idempotency_key: IdempotencyKey = None


class OrderFilters(Strict):
    state: str | None = Field(
        None, max_length=14, description='"open" (default), "all" or one state'
    )
    kind: OrderKind | None = None
    station_id: Id | None = None
    engineer_id: Id | None = None
    sla: Literal["red", "amber", "green"] | None = None
    mine: bool = False
    q: str = Field("", max_length=40)


class EventOut(Schema):
    at: datetime
    kind: str
    by_id: int | None
    by_name: str
    note: str
    data: dict[str, Any]

    @staticmethod
    def resolve_by_name(obj) -> str:
        return obj.by.name if obj.by_id else ""


class BreachOut(Schema):
    rule_id: str
    kind: str
    person_id: int | None
    person_name: str
    due_at: datetime
    recorded_at: datetime
    amount: Decimal

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name if obj.person_id else ""


class OrderOut(Schema):
    id: int
    number: str
    kind: str
    support_kind: str
    fault_class: str
    critical: bool
    state: str
    sla: str = Field(description="red: a clock ran out; amber: due soon; green; empty if closed")
    customer_id: int | None
    customer_name: str
    customer_phone: str = Field(description="Masked (135****1203) except for desk roles, SEC-05")
    unit_id: int
    unit_name: str
    address: str
    description: str
    engineer_id: int | None
    engineer_name: str
    cs_agent_id: int | None
    created_at: datetime
    dispatched_at: datetime | None
    contacted_at: datetime | None
    appointment_start: datetime | None
    appointment_end: datetime | None
    on_the_way_at: datetime | None
    arrived_at: datetime | None
    escalated_at: datetime | None
    resolved_at: datetime | None
    feedback_at: datetime | None
    closed_at: datetime | None
    cause_class: str
    case_report: str
    follow_up_due: datetime | None
    followed_up_at: datetime | None
    contact_due_at: datetime | None
    on_site_due_at: datetime | None
    complete_due_at: datetime | None
    chain_stage: int
    chain_due_at: datetime | None
    next_due_at: datetime | None

    @staticmethod
    def resolve_sla(obj) -> str:
        return getattr(obj, "sla", "") or ""

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.name if obj.customer_id else ""

    @staticmethod
    def resolve_customer_phone(obj, context) -> str:
        if not obj.customer_id:
            return ""
        request = (context or {}).get("request")
        user = getattr(request, "auth", None) or getattr(request, "user", None)
        return customer_phone_for(user, obj.customer)

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_engineer_name(obj) -> str:
        return obj.engineer.name if obj.engineer_id else ""


class OrderDetailOut(OrderOut):
    registration: dict[str, Any]
    timeline: list[EventOut]
    breaches: list[BreachOut]

    @staticmethod
    def resolve_registration(obj, context) -> dict:
        from workorders.queries import registration_for

        request = (context or {}).get("request")
        user = getattr(request, "auth", None) or getattr(request, "user", None)
        return registration_for(user, obj)

    @staticmethod
    def resolve_timeline(obj) -> list:
        return list(obj.events.select_related("by"))

    @staticmethod
    def resolve_breaches(obj) -> list:
        return list(obj.breaches.select_related("person").order_by("recorded_at", "pk"))


class SuggestionOut(Schema):
    person_id: int
    name: str
    unit_name: str
    zone: bool
    skill: str
    away: bool
    load: int
    free_at: datetime
    reasons: list[str]

    @staticmethod
    def resolve_person_id(obj) -> int:
        return obj.person.pk

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.person.unit.name if obj.person.unit_id else ""


class HandInOut(Schema):
    """WO-12: one engineer's daily event record of one day."""

    day: date
    person_id: int
    person_name: str
    events: int
    state: str = Field(description="handed_in, late, open (before the deadline), missing, none")
    handed_in_at: datetime | None
    flagged_at: datetime | None
