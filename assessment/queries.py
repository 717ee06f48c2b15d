"""Reads of the assessment ledger: entries and decisions scoped like people (KPI-11: the assessed
person sees his own result), month totals per person, and the access checks."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from assessment.models import Decision, Entry
from assessment.rules import points_left
from people.queries import people_for


def entries_for(user) -> QuerySet[Entry]:
    """Entries of the people the user may see, newest month first."""
    return (
        Entry.objects.filter(person__in=people_for(user))
        .select_related("person")
        .order_by("-month", "person__name", "pk")
    )


def access_entry(user, pk: int) -> Entry:
    entry = entries_for(user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def decisions_for(user) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(person__in=people_for(user))
        .select_related("person")
        .order_by("-month", "person__name", "rule_id")
    )


def access_decision(user, pk: int) -> Decision:
    decision = decisions_for(user).filter(pk=pk).first()
    if decision is None:
        raise Http404
    return decision


@dataclass(frozen=True)
class MonthTotal:
    person_id: int
    points: Decimal
    fine: Decimal

    @property
    def points_left(self) -> Decimal:
        """The 3-point system: what is left of the month's points."""
        return points_left(self.points)


def month_totals(entries: QuerySet[Entry], month: date) -> dict[int, MonthTotal]:
    """Per person the points deducted and fines of the month; withdrawn entries cost nothing."""
    zero = Decimal("0")
    rows = (
        entries.filter(month=month.replace(day=1))
        .exclude(state=Entry.State.WITHDRAWN)
        .order_by()
        .values("person_id")
        .annotate(points=Sum("points"), fine=Sum("fine"))
    )
    return {
        row["person_id"]: MonthTotal(row["person_id"], row["points"] or zero, row["fine"] or zero)
        for row in rows
    }


def open_objections_for(user) -> QuerySet[Entry]:
    """Entries under objection the user's assessment group is to decide."""
    return (
        entries_for(user).filter(Q(state=Entry.State.OBJECTED), objections__decision="").distinct()
    )
