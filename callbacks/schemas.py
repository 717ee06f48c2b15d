"""In and out schemas of the callback and complaint API. Inputs refuse unknown fields."""

from datetime import date, datetime

from ninja import Field, Schema

from core.pagination import Id
from core.schemas import Strict
from people.queries import customer_phone_for
from workorders.schemas import IdempotencyKey


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

    @staticmethod
    def resolve_engineer(obj) -> str:
        return obj.engineer.name

    @staticmethod
    def resolve_customer(obj) -> str:
        return obj.customer.name if obj.customer_id else ""

    @staticmethod
    def resolve_customer_phone(obj, context) -> str:
        if not obj.customer_id:
            return ""
        request = (context or {}).get("request")
        user = getattr(request, "auth", None) or getattr(request, "user", None)
        return customer_phone_for(user, obj.customer)

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number if obj.order_id else ""

    @staticmethod
    def resolve_violations(obj) -> list[str]:
        return sorted(item.code for item in obj.violations.all())


class CallbackFilters(Schema):
    state: str | None = Field(None, description='"open" (default), "done", "unreachable", "all"')
    kind: str | None = None
    engineer_id: Id | None = None


class RecordIn(Strict):
    """CB-01/CB-02 answers: behaviour item codes violated (BEH-01) and satisfaction 1–5."""

    violations: list[str] = Field(default_factory=list, max_length=50)
    satisfaction: int
    note: str = Field("", max_length=2000)
    idempotency_key: IdempotencyKey = None


class BehaviourItemOut(Schema):
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

    @staticmethod
    def resolve_engineer(obj) -> str:
        return obj.engineer.name

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number if obj.order_id else ""


class ComplaintIn(Strict):
    engineer_id: Id | None = None
    order_id: Id | None = None
    text: str = Field(..., max_length=4000)
    idempotency_key: IdempotencyKey = None


class DecideIn(Strict):
    reason: str = Field(..., max_length=2000)
    idempotency_key: IdempotencyKey = None
