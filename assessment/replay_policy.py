"""The policy a what-if replay runs under (issue 5 item 7): a policy file in JSON or TOML,

    {"params": {"kpi.fine_per_point": "120"}, "disabled_rules": ["BEH-01"]}

validated with the validators of a policy change, and the policy book that lays the overrides
over every company's policy and records which parameters a fact source read."""

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.errors import ValidationErrors
from core.policy import Policy, PolicyBook, validate_values
from core.policy_params import PARAMETERS

# Parameters a replay may change: the ones that turn stored facts into points, fines and
# thresholds. Days are judged when punched (ATT-01..04 minutes), and the WO-05 chain fine is
# stored on the breach when it is recorded, so those numbers do not change a past month.
ATTENDANCE_FINE_PARAMS = (
    "att.late_free_count",  # ATT-04
    "att.late_fine",  # ATT-04
    "att.late_absence_fine_factor",  # ATT-04
    "att.late_band1_minutes",  # ATT-05
    "att.late_band1_fine",
    "att.late_band2_minutes",
    "att.late_band2_fine",
    "att.late_band3_minutes",
    "att.late_band3_fine",
    "att.early_leave_fine",  # ATT-06
)
ASSESSMENT_PARAMS = (
    "kpi.install_late_points",  # KPI-01
    "kpi.contact_late_points",  # KPI-02
    "kpi.escalation_late_points",  # KPI-03
    "kpi.renewal_late_points",  # KPI-04
    "kpi.equipment_points",  # KPI-05
    "kpi.complaint_points",  # KPI-06
    "kpi.fine_per_point",  # KPI-07
    "kpi.month_separation_points",  # KPI-08
    "kpi.window_separation_points",  # KPI-09
    "kpi.window_months",  # KPI-09
    "kpi.vendor_replacement_breaches",  # KPI-12
    "beh.violation_fine",  # BEH-01
    "beh.dismissal_violations",  # BEH-02
    "beh.phone_off_fine",  # BEH-03
)
REPLAY_PARAMS = ASSESSMENT_PARAMS + ATTENDANCE_FINE_PARAMS

# Rules a replay may switch off: those that yield entries and those that decide on thresholds.
ENTRY_RULES = (
    *(f"KPI-0{n}" for n in range(1, 7)),
    "KPI-07",  # switched off: points cost nothing
    "WO-05",
    "ATT-04",
    "ATT-05",
    "ATT-06",
    "BEH-01",
    "BEH-03",
)
THRESHOLD_RULES = ("KPI-08", "KPI-09", "BEH-02", "KPI-12")
RULE_TITLES = {
    "KPI-01": _lazy("Install not done in time"),
    "KPI-02": _lazy("Customer not contacted or site not reached in time"),
    "KPI-03": _lazy("Unsolved repair not escalated in time"),
    "KPI-04": _lazy("Late renewal visit leading to a complaint"),
    "KPI-05": _lazy("Install visit without full tools, work badge or tidy dress"),
    "KPI-06": _lazy("Verified customer complaint"),
    "KPI-07": _lazy("Each point deducted costs a fine"),
    "WO-05": _lazy("Escalation chain fine"),
    "ATT-04": _lazy("Lateness fines"),
    "ATT-05": _lazy("Fines for cumulative late minutes"),
    "ATT-06": _lazy("Early-leave fines"),
    "BEH-01": _lazy("Fine for each behaviour violation in a callback"),
    "BEH-03": _lazy("Phone-off fine for group leaders and above"),
    "KPI-08": _lazy("Separation: points in one month"),
    "KPI-09": _lazy("Separation: points within consecutive months"),
    "BEH-02": _lazy("Dismissal after too many violations in a month"),
    "KPI-12": _lazy("Replacement request for a vendor engineer"),
}
DISABLEABLE_RULES = (*ENTRY_RULES, *THRESHOLD_RULES)
KNOWN_RULES = frozenset(spec.rule_id for spec in PARAMETERS) | set(DISABLEABLE_RULES)


# --- the policy a replay runs under -------------------------------------------------------------


@dataclass(frozen=True)
class ReplayPolicy:
    """Overridden parameters (stored values, validated like a policy change) and rules left out."""

    params: Mapping[str, Any] = field(default_factory=dict)
    disabled_rules: frozenset[str] = frozenset()

    @property
    def book_overrides(self) -> dict[str, Any]:
        """KPI-07 switched off means a point costs nothing."""
        if "KPI-07" in self.disabled_rules:
            return {**self.params, "kpi.fine_per_point": "0"}
        return dict(self.params)

    @property
    def changes_anything(self) -> bool:
        return bool(self.params or self.disabled_rules)

    def as_dict(self) -> dict[str, Any]:
        return {"params": dict(self.params), "disabled_rules": sorted(self.disabled_rules)}


def parse_policy(data: Any) -> ReplayPolicy:
    """`{"params": {"kpi.fine_per_point": "120"}, "disabled_rules": ["BEH-01"]}` → ReplayPolicy.

    Values go through the validators of a policy change (`core.policy.validate_values`): an
    unknown parameter, a negative amount or a value out of range is refused, as is a parameter
    a replay cannot apply and an unknown rule ID. Every error names its key.
    """
    if not isinstance(data, Mapping):
        raise ValidationErrors(
            {"policy": _("The policy must be an object with params and disabled_rules.")}
        )
    errors: dict[str, str] = {}
    for key in data:
        if key not in ("params", "disabled_rules"):
            errors[str(key)] = _("Unknown key: only params and disabled_rules are read.")
    params = data.get("params") or {}
    rules = data.get("disabled_rules") or []
    if not isinstance(params, Mapping):
        errors["params"] = _("params must map parameter names to values.")
        params = {}
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        errors["disabled_rules"] = _("disabled_rules must be a list of rule IDs.")
        rules = []
    parsed: dict[str, Any] = {}
    try:
        parsed = validate_values(dict(params), partial=True)
    except ValidationErrors as exc:
        errors.update(exc.errors)
    for key in parsed:
        if key not in REPLAY_PARAMS:
            errors[key] = _(
                "This parameter does not change the assessment of a past month; "
                "a replay cannot apply it."
            )
    disabled = set()
    for raw in rules:
        rule = raw.strip().upper()
        if rule not in KNOWN_RULES:
            errors[f"disabled_rules.{raw}"] = _("Unknown rule ID.")
        elif rule not in DISABLEABLE_RULES:
            errors[f"disabled_rules.{raw}"] = _(
                "This rule yields no points, fines or thresholds to leave out."
            )
        else:
            disabled.add(rule)
    if errors:
        raise ValidationErrors(errors)
    return ReplayPolicy({k: v for k, v in parsed.items()}, frozenset(disabled))


def load_policy_file(content: bytes | str, name: str = "policy.json") -> ReplayPolicy:
    """A policy file in JSON or (by its name ending in .toml) TOML."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationErrors({"file": _("The policy file is not UTF-8 text.")}) from None
    try:
        toml = name.lower().endswith(".toml")
        data = tomllib.loads(content) if toml else json.loads(content)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ValidationErrors(
            {"file": _("The policy file cannot be read: {error}").format(error=exc)}
        ) from None
    return parse_policy(data)


# --- a policy book that applies the overrides and records what was read -------------------------


@dataclass(frozen=True)
class RecordingPolicy(Policy):
    """A Policy that notes every key read, so the replay knows which facts an override changes."""

    reads: set = field(default_factory=set)

    def __getitem__(self, key: str) -> Any:
        self.reads.add(key)
        return super().__getitem__(key)

    def raw(self, key: str) -> Any:
        self.reads.add(key)
        return super().raw(key)


class ReplayBook(PolicyBook):
    """The policy book of the ledger (every stored version) with `overrides` laid over every
    company's policy on every day."""

    def __init__(self, overrides: Mapping[str, Any] | None = None):
        super().__init__()
        self.overrides = dict(overrides or {})
        self.reads: set[str] = set()
        self._replay_cache: dict[tuple[int | None, date], RecordingPolicy] = {}
        self.assessment_policies: dict[tuple[int | None, date], Any] = {}  # for the replay

    def policy_for(self, company_id: int | None, *, on: date) -> Policy:
        key = (company_id, on)
        policy = self._replay_cache.get(key)
        if policy is None:
            base = super().policy_for(company_id, on=on)
            policy = self._replay_cache[key] = RecordingPolicy(
                values={**base.values, **self.overrides},
                sources={**base.sources, **dict.fromkeys(self.overrides)},
                reads=self.reads,
            )
        return policy
