"""Reading the policy in force: `policy_for(company, on)` is the only way code gets a number.

policy = policy_for(company, on=day)
policy["wo.contact_within_minutes"]         # -> 10 (int)
policy.duration("wo.contact_within_minutes")  # -> timedelta(minutes=10)
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from core.errors import ValidationErrors
from core.policy_params import BY_KEY, PARAMETERS
from core.policy_types import Kind, ParamSpec

DEFAULTS: dict[str, Any] = {spec.key: spec.parse(spec.default) for spec in PARAMETERS}


@dataclass(frozen=True)
class Policy:
    """Typed, read-only view of the values in force. `sources` tells which version set each."""

    values: dict[str, Any]
    sources: dict[str, int | None] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return BY_KEY[key].typed(self.values[key])

    def duration(self, key: str) -> timedelta:
        spec = BY_KEY[key]
        value = self[key]
        unit = {Kind.MINUTES: "minutes", Kind.HOURS: "hours", Kind.DAYS: "days"}[spec.kind]
        return timedelta(**{unit: float(value) if isinstance(value, Decimal) else value})

    def raw(self, key: str) -> Any:
        return self.values[key]


def validate_values(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Parse every submitted value; unknown keys and bad values are reported per field together.

    With partial=False every parameter must be present.
    """
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for key, raw in values.items():
        spec = BY_KEY.get(key)
        if spec is None:
            errors[key] = "unknown"
            continue
        try:
            parsed[key] = spec.parse(raw)
        except Exception as exc:  # DomainError carries a translated message
            errors[key] = getattr(exc, "message", str(exc))
    if not partial:
        for spec in PARAMETERS:
            if spec.key not in values and spec.kind is not Kind.BOOL:
                errors.setdefault(spec.key, "missing")
    if errors:
        from django.utils.translation import gettext as _

        messages = {"unknown": _("Unknown policy parameter."), "missing": _("A value is required.")}
        raise ValidationErrors({k: messages.get(v, v) for k, v in errors.items()})
    return parsed


def policy_for(company: Any = None, *, on: date) -> Policy:
    """The policy in force on `on` for `company` (a Company or its id; None = the default).

    Defaults from code, then the newest default version effective on that day, then the newest
    variant of the company effective on that day.
    """
    from core.models import PolicyVersion

    values = dict(DEFAULTS)
    sources: dict[str, int | None] = dict.fromkeys(values)
    company_id = getattr(company, "pk", company)
    scopes = [None] if company_id is None else [None, company_id]
    for scope in scopes:
        version = (
            PolicyVersion.objects.filter(company_id=scope, effective_from__lte=on)
            .order_by("-effective_from", "-pk")
            .first()
        )
        if version is None:
            continue
        for key, value in version.values.items():
            if key in BY_KEY:
                values[key] = value
                sources[key] = version.pk
    return Policy(values=values, sources=sources)


def spec(key: str) -> ParamSpec:
    return BY_KEY[key]
