"""Reads for statements (KPI-11): a person's month from the snapshot of a closed month or live
from the ledger (provisional), a station's summary, a year, and the access checks (404 outside)."""

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet
from django.http import Http404

from assessment.models import Decision, Entry
from assessment.rules import points_left, settlement_guard
from core.clock import month_bounds
from core.policy import PolicyBook
from people.models import OrgUnit, Person
from people.queries import access_person, access_unit, person_of
from people.roles import CLIENT_ROLES, COMPANY_WIDE, UNIT_WIDE, Role
from statements.locks import is_locked, locked_people, locked_person_ids  # noqa: F401
from statements.models import AssessmentClose, Statement, WageRecord
from statements.rules import FAMILIES, is_attendance_rule, rule_family, settlement_cap_share

ZERO = Decimal("0")
# Who reads a station's summary (the admin department, the station's management).
SUMMARY_READERS = {Role.OPS_MANAGER, Role.HR_ADMIN} | UNIT_WIDE
# KPI-11: who closes a month and who reopens one.
CLOSERS = {Role.OPS_MANAGER}
WAGE_EDITORS = {Role.HR_ADMIN, Role.OPS_MANAGER}
# KPI-10: the quarterly client score is read by management and the client.
SCORE_READERS = COMPANY_WIDE | UNIT_WIDE | CLIENT_ROLES


# --- the statement ------------------------------------------------------------------------------


@dataclass
class Line:
    """Fines and points of one rule in the month."""

    rule_id: str
    count: int = 0
    points: Decimal = ZERO
    fine: Decimal = ZERO


@dataclass
class EntryLine:
    """One ledger entry and why it exists."""

    pk: int
    rule_id: str
    state: str
    source: str
    points: Decimal
    fine: Decimal
    why: str

    @property
    def state_label(self) -> str:
        return str(Entry.State(self.state).label)

    @property
    def counts(self) -> bool:
        return self.state != Entry.State.WITHDRAWN


@dataclass
class DecisionLine:
    rule_id: str
    kind: str
    state: str
    basis: str

    @property
    def kind_label(self) -> str:
        return str(Decision.Kind(self.kind).label)

    @property
    def state_label(self) -> str:
        return str(Decision.State(self.state).label)


@dataclass
class SettlementLine:
    """Settlement guard (《工资支付暂行规定》§16) against the month's recorded wage."""

    monthly_wage: Decimal
    minimum_wage: Decimal | None
    cap_percent: Decimal
    cap: Decimal
    deductible: Decimal
    over_cap: bool
    below_minimum: bool

    @property
    def flagged(self) -> bool:
        return self.over_cap or self.below_minimum


@dataclass
class PersonStatement:
    person_id: int
    name: str
    staff_no: str
    unit: str
    month: date
    points: Decimal = ZERO
    points_budget: Decimal = Decimal("3")
    rule_fines: Decimal = ZERO  # fines of the assessment rules (KPI, BEH, WO)
    attendance_fines: Decimal = ZERO  # ATT-04..06
    total: Decimal = ZERO
    lines: list[Line] = field(default_factory=list)
    attendance_lines: list[Line] = field(default_factory=list)
    entries: list[EntryLine] = field(default_factory=list)
    decisions: list[DecisionLine] = field(default_factory=list)
    settlement: SettlementLine | None = None
    provisional: bool = True
    closed_at: datetime | None = None

    @property
    def points_left(self) -> Decimal:
        """The 3-point system: what is left of the points."""
        return points_left(self.points, self.points_budget)

    @property
    def fines_by_family(self) -> dict[str, Decimal]:
        families = dict.fromkeys(FAMILIES, ZERO)
        for line in self.lines + self.attendance_lines:
            family = rule_family(line.rule_id)
            families[family] = families.get(family, ZERO) + line.fine
        return families

    @property
    def flagged(self) -> bool:
        return self.settlement is not None and self.settlement.flagged

    def as_data(self) -> dict[str, Any]:
        """JSON-friendly (the snapshot of a closed month)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["lines"] = [_fields(x) for x in self.lines]
        data["attendance_lines"] = [_fields(x) for x in self.attendance_lines]
        data["entries"] = [_fields(x) for x in self.entries]
        data["decisions"] = [_fields(x) for x in self.decisions]
        data["settlement"] = _fields(self.settlement) if self.settlement else None
        return _jsonable(data)

    @classmethod
    def from_data(cls, data: dict[str, Any], *, closed_at: datetime | None) -> "PersonStatement":
        d = {k: v for k, v in data.items() if k not in {"provisional", "closed_at"}}
        dec = {
            k: Decimal(d[k])
            for k in ("points", "points_budget", "rule_fines", "attendance_fines", "total")
        }
        settlement = d.get("settlement")
        kwargs = {
            **d,
            **dec,
            "month": date.fromisoformat(d["month"]),
            "lines": [_line(x) for x in d["lines"]],
            "attendance_lines": [_line(x) for x in d["attendance_lines"]],
            "entries": [
                EntryLine(**{**x, "points": Decimal(x["points"]), "fine": Decimal(x["fine"])})
                for x in d["entries"]
            ],
            "decisions": [DecisionLine(**x) for x in d["decisions"]],
            "settlement": _settlement(settlement) if settlement else None,
        }
        return cls(**kwargs, provisional=False, closed_at=closed_at)


def _fields(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}


def _line(x: dict) -> Line:
    return Line(x["rule_id"], int(x["count"]), Decimal(x["points"]), Decimal(x["fine"]))


def _settlement(x: dict) -> SettlementLine:
    money = ("monthly_wage", "cap_percent", "cap", "deductible")
    minimum = x.get("minimum_wage")
    return SettlementLine(
        **{
            **x,
            **{k: Decimal(x[k]) for k in money},
            "minimum_wage": Decimal(minimum) if minimum is not None else None,
        }
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def evidence_text(source: str, evidence: dict | None) -> str:
    """Why the entry exists, in a few words (the full evidence is on the ledger page)."""
    evidence = evidence or {}
    if source == Entry.Source.BREACH:
        return f"{evidence.get('order_no', '')} {evidence.get('sla_rule', '')}".strip()
    if source == Entry.Source.ATTENDANCE:
        return str(evidence.get("detail") or evidence.get("code") or "")
    # findings by hand ("text"), callback answers ("label" of the behaviour item), complaints
    for key in ("text", "label", "reason", "item"):
        if evidence.get(key):
            return str(evidence[key])[:200]
    return ""


class EntryRow(NamedTuple):
    pk: int
    person_id: int
    rule_id: str
    state: str
    source: str
    points: Decimal
    fine: Decimal
    evidence: dict


def wages_for(person_ids: Iterable[int], month: date) -> dict[int, WageRecord]:
    """The wage record in force at the month's end, per person."""
    last = month_bounds(month)[1]
    found: dict[int, WageRecord] = {}
    for record in WageRecord.objects.filter(
        person_id__in=list(person_ids), effective_from__lte=last
    ).order_by("person_id", "-effective_from"):
        found.setdefault(record.person_id, record)
    return found


def settlement_for(total: Decimal, wage: WageRecord | None, policy) -> SettlementLine | None:
    """Settlement guard: what of the month's fines may be deducted from pay; the total is kept."""
    if wage is None:
        return None
    share = settlement_cap_share(policy)
    result = settlement_guard(
        total,
        monthly_wage=wage.monthly_wage,
        minimum_wage=wage.minimum_wage,
        cap_share=share,
    )
    return SettlementLine(
        monthly_wage=wage.monthly_wage,
        minimum_wage=wage.minimum_wage,
        cap_percent=(share * 100).normalize(),
        cap=(wage.monthly_wage * share).quantize(Decimal("0.01")),
        deductible=result.deductible,
        over_cap=result.over_cap,
        below_minimum=result.below_minimum,
    )


def build_statements(
    people: Iterable[Person], month: date, *, book: PolicyBook | None = None
) -> dict[int, PersonStatement]:
    """Live statements from the ledger for many people at once (a few queries in all)."""
    month = month.replace(day=1)
    people = list(people)
    ids = [p.pk for p in people]
    book = book or PolicyBook()
    last = month_bounds(month)[1]
    statements: dict[int, PersonStatement] = {}
    for person in people:
        policy = book.policy_for(person.client_id or person.employer_id, on=last)
        statements[person.pk] = PersonStatement(
            person_id=person.pk,
            name=person.name,
            staff_no=person.staff_no,
            unit=person.unit.name if person.unit_id else "",
            month=month,
            points_budget=policy["kpi.window_separation_points"],
        )
    lines: dict[tuple[int, str], Line] = {}
    columns = ("pk", "person_id", "rule_id", "state", "source", "points", "fine", "evidence")
    for row in (
        Entry.objects.filter(month=month, person_id__in=ids)
        .order_by("person_id", "rule_id", "pk")
        .values_list(*columns)
    ):
        entry = EntryRow(*row)
        statement = statements[entry.person_id]
        statement.entries.append(
            EntryLine(
                entry.pk,
                entry.rule_id,
                entry.state,
                entry.source,
                entry.points,
                entry.fine,
                evidence_text(entry.source, entry.evidence),
            )
        )
        if entry.state == Entry.State.WITHDRAWN:  # a withdrawn entry costs nothing
            continue
        line = lines.get((entry.person_id, entry.rule_id))
        if line is None:
            line = lines[(entry.person_id, entry.rule_id)] = Line(entry.rule_id)
            attendance = is_attendance_rule(entry.rule_id)
            (statement.attendance_lines if attendance else statement.lines).append(line)
        line.count += 1
        line.points += entry.points
        line.fine += entry.fine
        statement.points += entry.points
        if is_attendance_rule(entry.rule_id):
            statement.attendance_fines += entry.fine
        else:
            statement.rule_fines += entry.fine
    for decision in (
        Decision.objects.filter(month=month, person_id__in=ids)
        .exclude(state=Decision.State.REJECTED)
        .order_by("person_id", "rule_id")
    ):
        statements[decision.person_id].decisions.append(
            DecisionLine(decision.rule_id, decision.kind, decision.state, decision.basis)
        )
    wages = wages_for(ids, month)
    for person in people:
        statement = statements[person.pk]
        statement.total = statement.rule_fines + statement.attendance_fines
        policy = book.policy_for(person.client_id or person.employer_id, on=last)
        statement.settlement = settlement_for(statement.total, wages.get(person.pk), policy)
    return statements


def active_close(unit: OrgUnit, month: date) -> AssessmentClose | None:
    """The close in force of this unit's month or of a unit above it."""
    ancestors = [int(p) for p in unit.path.strip("/").split("/") if p]
    return (
        AssessmentClose.objects.filter(
            unit_id__in=ancestors, month=month.replace(day=1), reopened_at__isnull=True
        )
        .select_related("unit", "closed_by")
        .order_by("closed_at")
        .first()
    )


def closes_of(unit: OrgUnit, month: date) -> QuerySet[AssessmentClose]:
    """Every close of the unit's month, reopened ones too (the history)."""
    return AssessmentClose.objects.filter(unit=unit, month=month.replace(day=1)).select_related(
        "closed_by", "reopened_by"
    )


def statements_of(people: Iterable[Person], month: date) -> dict[int, PersonStatement]:
    """KPI-11: closed months from their snapshot, open ones live from the ledger (provisional)."""
    people = list(people)
    month = month.replace(day=1)
    found: dict[int, PersonStatement] = {}
    for snapshot in Statement.objects.filter(
        month=month, active=True, person_id__in=[p.pk for p in people]
    ).select_related("close"):
        found[snapshot.person_id] = PersonStatement.from_data(
            snapshot.data, closed_at=snapshot.close.closed_at
        )
    live = [p for p in people if p.pk not in found]
    if live:
        found.update(build_statements(live, month))
    return found


def statement_of(person: Person, month: date) -> PersonStatement:
    return statements_of([person], month)[person.pk]


def year_of(person: Person, year: int) -> list[PersonStatement]:
    """KPI-11: the annual view is the sum of the months; one statement per month."""
    return [statement_of(person, date(year, n, 1)) for n in range(1, 13)]


@dataclass(frozen=True)
class YearTotal:
    points: Decimal
    rule_fines: Decimal
    attendance_fines: Decimal
    total: Decimal


def year_total(months: list[PersonStatement]) -> YearTotal:
    return YearTotal(
        sum((m.points for m in months), ZERO),
        sum((m.rule_fines for m in months), ZERO),
        sum((m.attendance_fines for m in months), ZERO),
        sum((m.total for m in months), ZERO),
    )


def people_of_month(unit: OrgUnit, month: date) -> QuerySet[Person]:
    """The people a station's month covers: its subtree's active staff and whoever has entries
    that month (someone who left mid-month still has a statement)."""
    with_entries = Entry.objects.filter(month=month.replace(day=1)).values("person_id")
    return (
        Person.objects.filter(unit__path__startswith=unit.path)
        .filter(Q(active=True) | Q(pk__in=with_entries))
        .exclude(role__in=CLIENT_ROLES | {Role.VENDOR_CONTACT})
        .select_related("unit")
        .order_by("staff_no")
    )


def station_statements(user, unit: OrgUnit, month: date) -> list[PersonStatement]:
    """KPI-11: the station's summary: one statement per person the user may see."""
    from people.queries import people_for

    people = list(people_of_month(unit, month).filter(pk__in=people_for(user).values("pk")))
    found = statements_of(people, month)
    return [found[p.pk] for p in people]


@dataclass(frozen=True)
class SummaryTotal:
    """The station summary's bottom line: what the admin department adds up."""

    points: Decimal
    families: dict[str, Decimal]
    attendance_fines: Decimal
    total: Decimal
    deductible: Decimal
    flagged: int


def summary_total(statements: list[PersonStatement]) -> SummaryTotal:
    families = dict.fromkeys(FAMILIES, ZERO)
    for s in statements:
        for family, fine in s.fines_by_family.items():
            families[family] = families.get(family, ZERO) + fine
    return SummaryTotal(
        points=sum((s.points for s in statements), ZERO),
        families=families,
        attendance_fines=sum((s.attendance_fines for s in statements), ZERO),
        total=sum((s.total for s in statements), ZERO),
        deductible=sum((s.settlement.deductible for s in statements if s.settlement), ZERO),
        flagged=sum(1 for s in statements if s.flagged),
    )


# --- who may see what ---------------------------------------------------------------------------


def _role(user) -> str | None:
    me = person_of(user)
    return me.role if me else None


def access_statement_person(user, pk: int) -> Person:
    """KPI-11: the assessed person sees his own statement; his managers and the admin department
    see those of the people they may see. Client roles do not see fines; outsiders get 404."""
    person = access_person(user, pk)
    if _role(user) in CLIENT_ROLES:
        raise Http404
    return person


def access_summary_unit(user, pk: int) -> OrgUnit:
    """The station summary is for the admin department and the station's management."""
    unit = access_unit(user, pk)
    if not getattr(user, "is_superuser", False) and _role(user) not in SUMMARY_READERS:
        raise Http404
    return unit


def access_score_unit(user, pk: int) -> OrgUnit:
    unit = access_unit(user, pk)
    if not getattr(user, "is_superuser", False) and _role(user) not in SCORE_READERS:
        raise Http404
    return unit


def can_close(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _role(user) in CLOSERS


def can_edit_wages(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _role(user) in WAGE_EDITORS


def wage_records_for(user) -> QuerySet[WageRecord]:
    from people.queries import people_for

    return (
        WageRecord.objects.filter(person__in=people_for(user))
        .select_related("person", "recorded_by")
        .order_by("person__staff_no", "-effective_from")
    )
