"""Pure decisions for statements: rule families, quarters, the settlement guard's policy and the
quarterly client score (KPI-10). Facts and policy in, values out; no ORM, no clock."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.errors import DomainError

HUNDRED = Decimal("100")
# Fines of the attendance rules (ATT-04..06) are listed apart from the assessment fines.
ATTENDANCE_FAMILY = "ATT"
FAMILIES = ("KPI", "BEH", "WO", "ATT")


def rule_family(rule_id: str) -> str:
    """ "KPI-05" → "KPI": the station summary adds fines up per family of rules."""
    return rule_id.split("-", 1)[0]


def is_attendance_rule(rule_id: str) -> bool:
    return rule_family(rule_id) == ATTENDANCE_FAMILY


def settlement_cap_share(policy) -> Decimal:
    """Settlement guard: the share of the month's wage fines may take (20 % by default)."""
    return Decimal(policy["kpi.settlement_cap_percent"]) / HUNDRED


# --- quarters -----------------------------------------------------------------------------------


def parse_quarter(text: str) -> tuple[int, int]:
    """ "2026-Q3" → (2026, 3); a DomainError for anything else."""
    text = (text or "").strip().upper()
    year, _sep, quarter = text.partition("-Q")
    if not (year.isdigit() and len(year) == 4 and quarter in {"1", "2", "3", "4"}):
        raise DomainError(_("Give the quarter as YYYY-Qn, e.g. 2026-Q3."), field="quarter")
    return int(year), int(quarter)


def quarter_months(year: int, quarter: int) -> list[date]:
    return [date(year, 3 * (quarter - 1) + n, 1) for n in (1, 2, 3)]


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First day of the quarter and first day of the next (half-open)."""
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


# --- KPI-10: quarterly client score -------------------------------------------------------------


@dataclass(frozen=True)
class ScorePolicy:
    """KPI-10 weights (percent, summing to 100) and the callback satisfaction scale."""

    inspections: int = 30
    faults: int = 30
    stability: int = 20
    callbacks: int = 20
    satisfaction_max: int = 5

    @classmethod
    def from_policy(cls, policy) -> "ScorePolicy":
        return cls(
            inspections=policy["kpi.score_weight_inspections"],
            faults=policy["kpi.score_weight_faults"],
            stability=policy["kpi.score_weight_stability"],
            callbacks=policy["kpi.score_weight_callbacks"],
            satisfaction_max=policy["kpi.score_satisfaction_max"],
        ).validated()

    def validated(self) -> "ScorePolicy":
        """KPI-10: the weights are shares of the score and must add up to 100."""
        weights = (self.inspections, self.faults, self.stability, self.callbacks)
        if any(w < 0 for w in weights) or sum(weights) != 100:
            raise DomainError(
                _("The KPI-10 score weights must add up to 100 (now {total}).").format(
                    total=sum(weights)
                ),
                field="kpi.score_weight_inspections",
            )
        if self.satisfaction_max < 1:
            raise DomainError(
                _("The best satisfaction score must be at least 1."),
                field="kpi.score_satisfaction_max",
            )
        return self

    @property
    def weights(self) -> dict[str, int]:
        return {
            "inspections": self.inspections,
            "faults": self.faults,
            "stability": self.stability,
            "callbacks": self.callbacks,
        }


@dataclass(frozen=True)
class QuarterInputs:
    """What KPI-10 scores, per engineer and quarter. None: the source does not exist (yet)."""

    inspections_done: int | None = None
    inspections_planned: int | None = None
    faults_fixed: int = 0  # repair orders resolved in the quarter
    faults_fixed_late: int = 0  # of those, with a WO-04 breach (not fixed in time)
    orders: int = 0  # orders dispatched to him in the quarter
    breaches: int = 0  # SLA breaches recorded against him in the quarter
    satisfaction: Decimal | None = None  # mean callback satisfaction score
    callbacks: int = 0  # callbacks answered


@dataclass(frozen=True)
class QuarterScore:
    score: Decimal | None  # 0–100, one decimal; None when no part could be measured
    parts: Mapping[str, Decimal | None]  # each part 0–100, None = not measured


def _ratio(good: Decimal | int, whole: Decimal | int) -> Decimal:
    return min(max(Decimal(good) / Decimal(whole), Decimal("0")), Decimal("1")) * HUNDRED


def score_parts(inputs: QuarterInputs, policy: ScorePolicy) -> dict[str, Decimal | None]:
    """KPI-10: each part as 0–100. Inspections: done ÷ planned. Fault-fixing ability: repairs
    fixed in time ÷ repairs fixed. Stability: orders without an SLA breach ÷ orders. Callbacks:
    mean satisfaction ÷ the best score. A part without data is None (left out, not zero)."""
    inspections = None
    if inspections_planned := inputs.inspections_planned:
        inspections = _ratio(inputs.inspections_done or 0, inspections_planned)
    faults = None
    if inputs.faults_fixed:
        faults = _ratio(inputs.faults_fixed - inputs.faults_fixed_late, inputs.faults_fixed)
    stability = None
    if inputs.orders:
        stability = _ratio(inputs.orders - inputs.breaches, inputs.orders)
    elif inputs.breaches:
        stability = Decimal("0")
    callbacks = None
    if inputs.satisfaction is not None and inputs.callbacks:
        callbacks = _ratio(inputs.satisfaction, policy.satisfaction_max)
    return {
        "inspections": inspections,
        "faults": faults,
        "stability": stability,
        "callbacks": callbacks,
    }


def quarter_score(inputs: QuarterInputs, policy: ScorePolicy) -> QuarterScore:
    """KPI-10: the quarterly client score, the weighted mean of the measured parts (weights from
    the policy; a part without data leaves its weight out instead of counting as zero)."""
    parts = score_parts(inputs, policy)
    measured = {k: v for k, v in parts.items() if v is not None and policy.weights[k]}
    weight = sum(policy.weights[k] for k in measured)
    if not weight:
        return QuarterScore(None, parts)
    total = sum((v * policy.weights[k] for k, v in measured.items()), Decimal("0"))
    score = (total / weight).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return QuarterScore(score, {k: _round(v) for k, v in parts.items()})


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
