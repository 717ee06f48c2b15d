"""Assessment decisions (RULES §5–7): what a fact costs in points and CNY, and which thresholds a
person's months cross. Pure: facts and policy in, decisions out, each naming its rule ID."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from core.money import cny


@dataclass(frozen=True)
class AssessmentPolicy:
    points: Mapping[str, Decimal]  # rule ID → points deducted (KPI-01..06)
    fine_per_point: Decimal = Decimal("100")  # KPI-07
    month_separation_points: Decimal = Decimal("2")  # KPI-08
    window_separation_points: Decimal = Decimal("3")  # KPI-09
    window_months: int = 3  # KPI-09
    violation_fine: Decimal = Decimal("50")  # BEH-01
    dismissal_violations: int = 3  # BEH-02: more than this
    phone_off_fine: Decimal = Decimal("100")  # BEH-03
    vendor_replacement_breaches: int = 3  # KPI-12: more than this
    objection_window_days: int = 7  # KPI-11

    @classmethod
    def from_policy(cls, policy) -> "AssessmentPolicy":
        keys = {
            "KPI-01": "kpi.install_late_points",
            "KPI-02": "kpi.contact_late_points",
            "KPI-03": "kpi.escalation_late_points",
            "KPI-04": "kpi.renewal_late_points",
            "KPI-05": "kpi.equipment_points",
            "KPI-06": "kpi.complaint_points",
        }
        return cls(
            points={rule: policy[key] for rule, key in keys.items()},
            fine_per_point=policy["kpi.fine_per_point"],
            month_separation_points=policy["kpi.month_separation_points"],
            window_separation_points=policy["kpi.window_separation_points"],
            window_months=policy["kpi.window_months"],
            violation_fine=policy["beh.violation_fine"],
            dismissal_violations=policy["beh.dismissal_violations"],
            phone_off_fine=policy["beh.phone_off_fine"],
            vendor_replacement_breaches=policy["kpi.vendor_replacement_breaches"],
            objection_window_days=int(policy["kpi.objection_window_days"]),
        )


DEFAULT_POINTS = {f"KPI-0{n}": Decimal("0.5") for n in range(1, 6)} | {"KPI-06": Decimal("1")}


@dataclass(frozen=True)
class Consequence:
    rule_id: str
    points: Decimal
    fine: Decimal


def breach_consequence(
    rule_id: str, kind: str, *, escalated: bool, amount: Decimal, policy: AssessmentPolicy
) -> Consequence | None:
    """What an SLA breach fact of a work order costs the person it names.

    WO-01/WO-02/WO-08 (contact, response or site late) → KPI-02; WO-03 (install late) → KPI-01;
    WO-04 (repair not fixed in time) without an escalation to technical support → KPI-03;
    WO-05 chain fine → its amount in CNY, no points; a late WO-05 notice by customer service is
    recorded evidence without a consequence of its own.
    """
    if rule_id in {"WO-01", "WO-02", "WO-08"}:
        return points_consequence("KPI-02", policy)
    if rule_id == "WO-03":
        return points_consequence("KPI-01", policy)
    if rule_id == "WO-04" and not escalated:
        return points_consequence("KPI-03", policy)
    if rule_id == "WO-05" and kind == "chain_fine":
        return Consequence("WO-05", Decimal("0"), cny(amount))
    return None


def points_consequence(rule_id: str, policy: AssessmentPolicy) -> Consequence:
    """KPI-01..06 deduct their points; KPI-07: each point costs `fine_per_point`."""
    points = Decimal(policy.points[rule_id])
    return Consequence(rule_id, points, points_fine(points, policy))


def points_fine(points: Decimal, policy: AssessmentPolicy) -> Decimal:
    """KPI-07: each point deducted costs 100 CNY (0.5 point → 50 CNY)."""
    return cny(points * policy.fine_per_point)


def violation_consequence(count: int, policy: AssessmentPolicy) -> Consequence:
    """BEH-01: each behaviour violation learned in a callback is fined 50 CNY."""
    return Consequence("BEH-01", Decimal("0"), cny(policy.violation_fine * count))


@dataclass(frozen=True)
class Decision:
    rule_id: str
    kind: str  # separation | dismissal | vendor_replacement
    month: date
    basis: str  # the figures that crossed the line


def month_key(month: date) -> tuple[int, int]:
    return month.year, month.month


def previous_months(month: date, count: int) -> list[date]:
    """`count` consecutive months ending with `month`, across year ends (Nov, Dec, Jan)."""
    months = []
    year, number = month.year, month.month
    for _ in range(count):
        months.append(date(year, number, 1))
        number -= 1
        if number == 0:
            year, number = year - 1, 12
    return list(reversed(months))


def threshold_decisions(
    month: date,
    *,
    points_by_month: Mapping[date, Decimal],
    violations: int,
    rule_breaches: int,
    vendor_engineer: bool,
    policy: AssessmentPolicy,
) -> list[Decision]:
    """Decisions a person's assessment month triggers (each still needs confirmation by HR or the
    operations manager).

    KPI-08: 2 or more points in the month → automatic separation. KPI-09: 3 or more points in the
    last 3 consecutive months (across year ends) → automatic separation. BEH-02: more than 3
    behaviour violations in the month → dismissal. KPI-12: a vendor engineer with more than 3 rule
    breaches → the vendor is asked to replace him or her.
    """
    month = month.replace(day=1)
    decisions = []
    this_month = Decimal(points_by_month.get(month, 0))
    if this_month >= policy.month_separation_points:
        decisions.append(Decision("KPI-08", "separation", month, f"{this_month}"))
    window = previous_months(month, policy.window_months)
    total = sum((Decimal(points_by_month.get(m, 0)) for m in window), Decimal("0"))
    if total >= policy.window_separation_points and this_month < policy.month_separation_points:
        decisions.append(
            Decision(
                "KPI-09",
                "separation",
                month,
                " + ".join(str(points_by_month.get(m, 0)) for m in window) + f" = {total}",
            )
        )
    if violations > policy.dismissal_violations:
        decisions.append(Decision("BEH-02", "dismissal", month, str(violations)))
    if vendor_engineer and rule_breaches > policy.vendor_replacement_breaches:
        decisions.append(Decision("KPI-12", "vendor_replacement", month, str(rule_breaches)))
    return decisions


@dataclass(frozen=True)
class Settlement:
    total: Decimal
    deductible: Decimal
    over_cap: bool
    below_minimum: bool


def settlement_guard(
    total: Decimal,
    *,
    monthly_wage: Decimal | None,
    minimum_wage: Decimal | None,
    cap_share: Decimal = Decimal("0.20"),
) -> Settlement:
    """《工资支付暂行规定》§16: a deduction from wages is at most 20 % of the month's wage and never
    leaves less than the local minimum wage. Shows what may be deducted; never hides the total."""
    total = cny(total)
    if monthly_wage is None:
        return Settlement(total, total, False, False)
    cap = (monthly_wage * cap_share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    room = monthly_wage - minimum_wage if minimum_wage is not None else monthly_wage
    deductible = max(min(total, cap, room), Decimal("0"))
    return Settlement(
        total, cny(deductible), total > cap, minimum_wage is not None and total > room
    )


def points_left(deducted: Decimal, budget: Decimal = Decimal("3")) -> Decimal:
    """The 3-point system: what is left of the month's points (never below zero)."""
    return max(budget - deducted, Decimal("0"))


def month_points(entries: Sequence[Consequence]) -> Decimal:
    return sum((e.points for e in entries), Decimal("0"))
