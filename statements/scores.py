"""KPI-10 inputs per engineer and quarter, gathered from the other apps: inspections done vs
planned (inspections), faults fixed and SLA breaches (workorders), callback satisfaction
(callbacks). A source that is not there yet counts as absent, never as zero."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from core.policy import policy_for
from people.models import OrgUnit, Person
from people.roles import Role
from statements.rules import QuarterInputs, QuarterScore, ScorePolicy, quarter_bounds, quarter_score


@dataclass(frozen=True)
class QuarterRow:
    person: Person
    inputs: QuarterInputs
    score: QuarterScore


def _optional(path: str) -> Callable | None:
    """Another helper's query, if his app provides it already."""
    try:
        return import_string(path)
    except ImportError:
        return None


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def engineers_of(unit: OrgUnit) -> list[Person]:
    return list(
        Person.objects.filter(
            unit__path__startswith=unit.path, role__in=[Role.ENGINEER, Role.GROUP_LEADER]
        )
        .select_related("unit")
        .order_by("staff_no")
    )


def quarter_inputs(person_ids: Sequence[int], year: int, quarter: int) -> dict[int, QuarterInputs]:
    """KPI-10 inputs of each engineer in the quarter."""
    from workorders.models import Breach, Kind, Order

    start, end = quarter_bounds(year, quarter)
    low, high = _aware(start), _aware(end)
    ids = list(person_ids)
    last = end - timedelta(days=1)  # the other apps take the last day inclusive
    inspections = {}
    completion = _optional("inspections.queries.completion_by_person")
    if completion is not None:
        inspections = completion(ids, start, last)
    satisfaction = {}
    callbacks = _optional("callbacks.queries.satisfaction_by_person")
    if callbacks is not None:
        satisfaction = callbacks(ids, start, last)
    fixed = {
        row["engineer_id"]: (row["fixed"], row["late"])
        for row in Order.objects.filter(
            kind=Kind.REPAIR, engineer_id__in=ids, resolved_at__gte=low, resolved_at__lt=high
        )
        .values("engineer_id")
        .annotate(
            fixed=Count("pk", distinct=True),
            late=Count("pk", filter=Q(breaches__rule_id="WO-04"), distinct=True),
        )
    }
    orders = dict(
        Order.objects.filter(engineer_id__in=ids, dispatched_at__gte=low, dispatched_at__lt=high)
        .values("engineer_id")
        .annotate(n=Count("pk"))
        .values_list("engineer_id", "n")
    )
    breaches = dict(
        Breach.objects.filter(person_id__in=ids, due_at__gte=low, due_at__lt=high)
        .exclude(kind="chain_fine")
        .values("person_id")
        .annotate(n=Count("order_id", distinct=True))
        .values_list("person_id", "n")
    )
    result = {}
    for pk in ids:
        done, planned = inspections.get(pk, (None, None)) if completion else (None, None)
        mean, answered = satisfaction.get(pk, (None, 0))
        result[pk] = QuarterInputs(
            inspections_done=done,
            inspections_planned=planned,
            faults_fixed=fixed.get(pk, (0, 0))[0],
            faults_fixed_late=fixed.get(pk, (0, 0))[1],
            orders=orders.get(pk, 0),
            breaches=breaches.get(pk, 0),
            satisfaction=Decimal(mean) if mean is not None else None,
            callbacks=answered,
        )
    return result


def quarter_rows(unit: OrgUnit, year: int, quarter: int) -> list[QuarterRow]:
    """KPI-10: one row per engineer of the unit: the inputs and the score under the policy in
    force at the quarter's end for the company he serves."""
    people = engineers_of(unit)
    inputs = quarter_inputs([p.pk for p in people], year, quarter)
    end = quarter_bounds(year, quarter)[1] - timedelta(days=1)
    policies: dict[int | None, ScorePolicy] = {}
    rows = []
    for person in people:
        company = person.client_id or person.employer_id
        if company not in policies:
            policies[company] = ScorePolicy.from_policy(policy_for(company, on=end))
        rows.append(
            QuarterRow(
                person, inputs[person.pk], quarter_score(inputs[person.pk], policies[company])
            )
        )
    return rows
