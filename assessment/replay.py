"""What-if replay (issue 5 item 7): a past month (or range) recomputed under another policy — a
changed number, a disabled rule — without touching the ledger. Nothing is written.

The replay uses what the ledger uses: the fact sources of `assessment.services.entries`
(`FACT_SOURCES`, each called with a `PolicyBook` that carries the overrides), the findings by
hand recomputed with the same rules (KPI-05, KPI-06, BEH-01, BEH-03), and the threshold rules of
`assessment.rules.threshold_decisions` (KPI-08, KPI-09, BEH-02, KPI-12). Three variants are put
side by side per person and rule:

- ``ledger``: the entries as they stand (every state but withdrawn), thresholds as
  `evaluate_thresholds` would find them under the current policy;
- ``current``: the facts recomputed under the policy in force (equal to the ledger after
  `generate_entries`, unless someone confirmed an entry whose fact has gone since);
- ``replay``: the facts recomputed under the current policy with the overrides applied and the
  disabled rules left out.

People are taken in chunks (a fixed number of queries per chunk, no query per person), so memory
stays bounded for any company size. A fact source is run a second time under the overrides only
if it read one of the overridden parameters: a source reads the policy through the book, which
records the keys, and a source that read the same values returns the same facts.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from assessment.models import Entry, Objection
from assessment.replay_policy import (  # noqa: F401  (the replay's public names)
    DISABLEABLE_RULES,
    REPLAY_PARAMS,
    THRESHOLD_RULES,
    ReplayBook,
    ReplayPolicy,
    load_policy_file,
    parse_policy,
)
from assessment.rules import (
    AssessmentPolicy,
    points_consequence,
    previous_months,
    threshold_decisions,
)
from assessment.services import entries as entry_sources
from assessment.services.common import ATTENDANCE_RULES, MANUAL_FACT
from core.clock import month_bounds
from core.errors import ValidationErrors
from core.money import cny
from people.models import Person
from people.roles import EmploymentType

VARIANTS = ("ledger", "current", "replay")


# --- the result ----------------------------------------------------------------------------------


@dataclass
class Figures:
    points: Decimal = Decimal("0")
    fine: Decimal = Decimal("0")
    count: int = 0

    def add(self, points: Decimal, fine: Decimal, count: int = 1) -> None:
        self.points += points
        self.fine += fine
        self.count += count

    def as_dict(self) -> dict[str, Any]:
        return {
            "points": str(self.points.normalize() + 0),
            "fine": str(cny(self.fine)),
            "count": self.count,
        }


@dataclass(frozen=True)
class Crossed:
    month: date
    rule_id: str
    kind: str
    basis: str

    def as_dict(self) -> dict[str, str]:
        return {
            "month": f"{self.month:%Y-%m}",
            "rule": self.rule_id,
            "kind": self.kind,
            "basis": self.basis,
        }


@dataclass
class PersonResult:
    person_id: int
    staff_no: str
    name: str
    unit: str
    rules: dict[str, dict[str, Figures]] = field(default_factory=dict)
    thresholds: dict[str, list[Crossed]] = field(default_factory=lambda: {v: [] for v in VARIANTS})

    def total(self, variant: str) -> Figures:
        total = Figures()
        for by_variant in self.rules.values():
            figures = by_variant[variant]
            total.add(figures.points, figures.fine, figures.count)
        return total

    def crossed(self, variant: str) -> set[tuple[date, str]]:
        return {(c.month, c.rule_id) for c in self.thresholds[variant]}

    @property
    def differs(self) -> bool:
        """Anything differs between the variants: a figure or a threshold."""
        for by_variant in self.rules.values():
            if len({(f.points, cny(f.fine), f.count) for f in by_variant.values()}) > 1:
                return True
        return len({frozenset(self.crossed(v)) for v in VARIANTS}) > 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.person_id,
            "staff_no": self.staff_no,
            "name": self.name,
            "unit": self.unit,
            "rules": {
                rule: {v: f.as_dict() for v, f in by_variant.items()}
                for rule, by_variant in sorted(self.rules.items())
            },
            "totals": {v: self.total(v).as_dict() for v in VARIANTS},
            "thresholds": {v: [c.as_dict() for c in self.thresholds[v]] for v in VARIANTS},
            "differs": self.differs,
        }


@dataclass
class Report:
    first: date
    last: date
    policy: ReplayPolicy
    people: list[PersonResult]  # everyone with a figure or a threshold in any variant
    people_assessed: int

    @property
    def months(self) -> list[date]:
        return months_between(self.first, self.last)

    def rule_totals(self) -> dict[str, dict[str, Figures]]:
        totals: dict[str, dict[str, Figures]] = {}
        for person in self.people:
            for rule, by_variant in person.rules.items():
                row = totals.setdefault(rule, {v: Figures() for v in VARIANTS})
                for v, f in by_variant.items():
                    row[v].add(f.points, f.fine, f.count)
        return dict(sorted(totals.items()))

    def totals(self) -> dict[str, Figures]:
        totals = {v: Figures() for v in VARIANTS}
        for person in self.people:
            for v in VARIANTS:
                f = person.total(v)
                totals[v].add(f.points, f.fine, f.count)
        return totals

    def threshold_counts(self) -> dict[str, dict[str, int]]:
        """Per threshold rule, how many (person, month) cross it in each variant."""
        counts = {rule: dict.fromkeys(VARIANTS, 0) for rule in THRESHOLD_RULES}
        for person in self.people:
            for v in VARIANTS:
                for crossed in person.thresholds[v]:
                    counts[crossed.rule_id][v] += 1
        return counts

    def threshold_changes(self, against: str = "current") -> dict[str, list[dict[str, Any]]]:
        """Who would cross a threshold under the replayed policy and does not `against`, and
        who would no longer."""
        changes: dict[str, list[dict[str, Any]]] = {"crossing": [], "no_longer": []}
        for person in self.people:
            replay, other = person.crossed("replay"), person.crossed(against)
            for name, variant, found in (
                ("crossing", "replay", replay - other),
                ("no_longer", against, other - replay),
            ):
                for c in person.thresholds[variant]:
                    if (c.month, c.rule_id) in found:
                        changes[name].append(
                            {
                                "id": person.person_id,
                                "staff_no": person.staff_no,
                                "name": person.name,
                                **c.as_dict(),
                            }
                        )
        return changes

    def as_dict(self) -> dict[str, Any]:
        return {
            "first": f"{self.first:%Y-%m}",
            "last": f"{self.last:%Y-%m}",
            "months": [f"{m:%Y-%m}" for m in self.months],
            "policy": self.policy.as_dict(),
            "people_assessed": self.people_assessed,
            "totals": {v: f.as_dict() for v, f in self.totals().items()},
            "rules": {
                r: {v: f.as_dict() for v, f in row.items()} for r, row in self.rule_totals().items()
            },
            "threshold_counts": self.threshold_counts(),
            "threshold_changes": self.threshold_changes("current"),
            "threshold_changes_ledger": self.threshold_changes("ledger"),
            "people": [p.as_dict() for p in self.people],
        }


# --- the replay ------------------------------------------------------------------------------


def months_between(first: date, last: date) -> list[date]:
    first, last = first.replace(day=1), last.replace(day=1)
    if last < first:
        return []
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return previous_months(last, count)


def replay(
    first: date,
    last: date | None = None,
    *,
    policy: ReplayPolicy | None = None,
    person_ids: Iterable[int] | None = None,
    chunk_size: int = 1000,
    on_progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Recompute the months `first`..`last` for the given people (everyone by default) under
    the current policy and under `policy`, next to the ledger. Reads only."""
    last = (last or first).replace(day=1)
    first = first.replace(day=1)
    months = months_between(first, last)
    if not months:
        raise ValidationErrors({"to": _("The last month is before the first.")})
    policy = policy or ReplayPolicy()
    people_qs = Person.objects.order_by("staff_no", "pk")
    if person_ids is not None:
        people_qs = people_qs.filter(pk__in=list(person_ids))
    people = list(
        people_qs.values_list(
            "pk",
            "staff_no",
            "name",
            "unit__name",
            "client_id",
            "employer_id",
            "employment_type",
            named=True,
        )
    )
    current = ReplayBook()
    overrides = policy.book_overrides
    replayed = ReplayBook(overrides) if overrides else current
    lead = _lead_months(months, people, (current, replayed))
    results: list[PersonResult] = []
    for start in range(0, len(people), chunk_size):
        chunk = people[start : start + chunk_size]
        results += _replay_chunk(chunk, lead, months, policy, current, replayed)
        if on_progress:
            on_progress(min(start + chunk_size, len(people)), len(people))
    return Report(first, last, policy, results, len(people))


def _company(row) -> int | None:
    """The company whose rules the person follows (as `assessment_policy`)."""
    return row.client_id or row.employer_id


def _lead_months(months: list[date], people, books) -> list[date]:
    """KPI-09 looks back `window_months`: the months before the range the first month needs."""
    companies = {_company(p) for p in people} or {None}
    window = max(
        book.policy_for(company, on=month_bounds(month)[1])["kpi.window_months"]
        for book in books
        for company in companies
        for month in months
    )
    return previous_months(months[0], window)[:-1]


# One chunk's figures: person → (month, rule) → figures.
ByPerson = dict[int, dict[tuple[date, str], Figures]]


def _replay_chunk(chunk, lead, months, policy, current, replayed) -> list[PersonResult]:
    ids = [p.pk for p in chunk]
    all_months = [*lead, *months]
    low, high = all_months[0], all_months[-1]
    # Facts whose entry the assessment group withdrew on an objection (KPI-11) no longer count.
    objected_out = set(
        Entry.objects.filter(
            person_id__in=ids,
            month__gte=low,
            month__lte=high,
            state=Entry.State.WITHDRAWN,
            objections__decision=Objection.Outcome.WITHDRAWN,
        ).values_list("fact_key", "rule_id")
    )
    standing = ~Q(state=Entry.State.WITHDRAWN)
    ledger: ByPerson = defaultdict(dict)
    present: dict[int, set[date]] = defaultdict(set)  # evaluate_thresholds: anyone with an entry
    for person_id, month, rule_id, points, fine, count in (
        Entry.objects.filter(person_id__in=ids, month__gte=low, month__lte=high)
        .values("person_id", "month", "rule_id")
        .annotate(
            p=Sum("points", filter=standing),
            f=Sum("fine", filter=standing),
            n=Count("pk", filter=standing),
        )
        .values_list("person_id", "month", "rule_id", "p", "f", "n")
        .order_by()
    ):
        present[person_id].add(month)
        if count:
            ledger[person_id][(month, rule_id)] = Figures(
                Decimal(points or 0), Decimal(fine or 0), count
            )
    manual = list(
        Entry.objects.filter(
            person_id__in=ids, month__gte=low, month__lte=high, fact_key__startswith=MANUAL_FACT
        )
        .filter(standing)
        .values_list("person_id", "month", "rule_id", "points", "fine")
    )
    by_pk = {p.pk: p for p in chunk}
    cur: ByPerson = defaultdict(dict)
    rep: ByPerson = defaultdict(dict)
    for month in all_months:
        in_range = month >= months[0]
        for source in entry_sources.FACT_SOURCES:
            if not in_range and source in (
                entry_sources.attendance_facts,  # ATT-04..06: fines only
                entry_sources.callback_facts,  # BEH-01: fines only
            ):
                continue  # months before the range only lend their points to KPI-09
            current.reads.clear()
            facts = source(month, ids, current)
            again = replayed is not current and bool(current.reads & set(replayed.overrides))
            _add_facts(cur, facts, month, objected_out, frozenset())
            _add_facts(
                rep,
                source(month, ids, replayed) if again else facts,
                month,
                objected_out,
                policy.disabled_rules,
            )
    for person_id, month, rule_id, points, fine in manual:
        person = by_pk[person_id]
        for book, into, disabled in (
            (current, cur, frozenset()),
            (replayed, rep, policy.disabled_rules),
        ):
            if rule_id in disabled:
                continue
            figures = manual_consequence(rule_id, _policy(book, person, month))
            into[person_id].setdefault((month, rule_id), Figures()).add(
                *(figures if figures else (Decimal(points), Decimal(fine)))
            )
    results = []
    in_range = set(months)
    for person in chunk:
        result = PersonResult(person.pk, person.staff_no, person.name, person.unit__name or "")
        for variant, figures_by_person, book, disabled in (
            ("ledger", ledger, current, frozenset()),
            ("current", cur, current, frozenset()),
            ("replay", rep, replayed, policy.disabled_rules),
        ):
            figures = figures_by_person.get(person.pk, {})
            active = {m for m, _rule in figures} | present.get(person.pk, set())
            for month in months:
                if month not in active:
                    continue
                result.thresholds[variant] += [
                    Crossed(d.month, d.rule_id, d.kind, d.basis)
                    for d in _thresholds(person, month, figures, book)
                    if d.rule_id not in disabled
                ]
            for (month, rule_id), f in figures.items():
                if month in in_range:
                    row = result.rules.setdefault(rule_id, {v: Figures() for v in VARIANTS})
                    row[variant].add(f.points, f.fine, f.count)
        if result.rules or any(result.thresholds.values()):
            results.append(result)
    return results


def _add_facts(into: ByPerson, facts, month: date, objected_out, disabled) -> None:
    for fact in facts:
        if fact.rule_id in disabled or (fact.fact_key, fact.rule_id) in objected_out:
            continue
        into[fact.person_id].setdefault((month, fact.rule_id), Figures()).add(
            fact.points, fact.fine
        )


def _policy(book: ReplayBook, person, month: date) -> AssessmentPolicy:
    """The assessment policy of the person's company at the month's end, made once per book."""
    key = (_company(person), month)
    cache = book.assessment_policies
    policy = cache.get(key)
    if policy is None:
        policy = cache[key] = AssessmentPolicy.from_policy(
            book.policy_for(key[0], on=month_bounds(month)[1])
        )
    return policy


def manual_consequence(rule_id: str, policy: AssessmentPolicy) -> tuple[Decimal, Decimal] | None:
    """A finding by hand costs what `add_manual_entry` charges: BEH-03 the phone-off fine,
    BEH-01 one violation fine, KPI-05/KPI-06 their points with the KPI-07 fine. None for a rule
    the replay does not know (its ledger figures are kept)."""
    if rule_id == "BEH-03":
        return Decimal("0"), cny(policy.phone_off_fine)
    if rule_id == "BEH-01":
        return Decimal("0"), cny(policy.violation_fine)
    if rule_id in policy.points:
        consequence = points_consequence(rule_id, policy)
        return consequence.points, consequence.fine
    return None


def _thresholds(person, month: date, figures: Mapping[tuple[date, str], Figures], book):
    """KPI-08, KPI-09, BEH-02, KPI-12 as `evaluate_thresholds` decides them."""
    points_by_month: dict[date, Decimal] = defaultdict(Decimal)
    violations = breaches = 0
    for (m, rule_id), f in figures.items():
        if m > month:
            continue
        points_by_month[m] += f.points
        if m == month:
            if rule_id == "BEH-01":
                violations += f.count
            if rule_id not in ATTENDANCE_RULES:
                breaches += f.count
    return threshold_decisions(
        month,
        points_by_month=points_by_month,
        violations=violations,
        rule_breaches=breaches,
        vendor_engineer=person.employment_type == EmploymentType.OUTSOURCED,
        policy=_policy(book, person, month),
    )
