from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    """Input schemas refuse unknown fields, so a typo is an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class PolicyParamOut(Schema):
    key: str
    rule_id: str
    kind: str
    unit: str
    value: Any
    default: Any
    minimum: Any = None
    maximum: Any = None
    description_zh: str
    description_en: str
    version_id: int | None


class PolicyOut(Schema):
    company_id: int | None
    on: date
    parameters: list[PolicyParamOut]


class PolicyVersionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    effective_from: date
    company_id: Annotated[int, Field(ge=1, le=2**62)] | None = None
    comment: str = Field("", max_length=300)
    values: dict[str, Any] = Field(..., min_length=1)


class PolicyVersionOut(Schema):
    id: int
    company_id: int | None
    effective_from: date
    values: dict[str, Any]
    comment: str
    created_at: datetime
    created_by: str | None

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.get_username() if obj.created_by_id else None


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


class AuditOut(Schema):
    id: int
    at: datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]
    data: dict[str, Any]
