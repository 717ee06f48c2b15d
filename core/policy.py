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

    company_id = getattr(company, "pk", company)
    scopes = [None] if company_id is None else [None, company_id]
    return _compose(
        PolicyVersion.objects.filter(company_id=scope, effective_from__lte=on)
        .order_by("-effective_from", "-pk")
        .first()
        for scope in scopes
    )


def _compose(versions) -> Policy:
    """Defaults overlaid by each version in turn (the default version, then a company variant)."""
    values = dict(DEFAULTS)
    sources: dict[str, int | None] = dict.fromkeys(values)
    for version in versions:
        if version is None:
            continue
        for key, value in version.values.items():
            if key in BY_KEY:
                values[key] = value
                sources[key] = version.pk
    return Policy(values=values, sources=sources)


def spec(key: str) -> ParamSpec:
    return BY_KEY[key]


class PolicyBook:
    """Every version loaded once: answers `policy_for` for many companies and days without a query
    each (bulk judging of a month)."""

    def __init__(self):
        from core.models import PolicyVersion

        self._versions: dict[int | None, list] = {}
        for version in PolicyVersion.objects.order_by("effective_from", "pk"):
            self._versions.setdefault(version.company_id, []).append(version)
        self._cache: dict[tuple[int | None, date], Policy] = {}

    def _latest(self, company_id: int | None, on: date):
        chosen = None
        for version in self._versions.get(company_id, ()):
            if version.effective_from <= on:
                chosen = version
        return chosen

    def policy_for(self, company_id: int | None, *, on: date) -> Policy:
        key = (company_id, on)
        policy = self._cache.get(key)
        if policy is None:
            scopes = [None] if company_id is None else [None, company_id]
            policy = self._cache[key] = _compose(self._latest(scope, on) for scope in scopes)
        return policy
