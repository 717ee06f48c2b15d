"""Reads of the assessment ledger: entries and decisions scoped like people (KPI-11: the assessed
person sees his own result), month totals per person, and the access checks."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from assessment.models import Decision, Entry, Objection, ObjectionAttachment
from assessment.rules import points_left
from assessment.services.common import ASSESSORS, DECIDERS, assessment_policy
from assessment.services.objections import objection_deadline, objection_open
from core import clock
from core.money import cny
from core.policy import PolicyBook
from people.models import OrgUnit, Person
from people.queries import people_for, person_of, role_of


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


def is_assessor(user) -> bool:
    """KPI-11: the assessment group (ops, HR, station managers and heads) and superusers."""
    return bool(getattr(user, "is_superuser", False)) or role_of(user) in ASSESSORS


def is_decider(user) -> bool:
    """KPI-08/09, BEH-02, KPI-12: HR or the operations manager confirms decisions."""
    return bool(getattr(user, "is_superuser", False)) or role_of(user) in DECIDERS


def filter_entries(
    entries: QuerySet[Entry],
    *,
    month: date | None = None,
    unit: OrgUnit | None = None,
    rule_id: str = "",
    state: str = "",
    person_id: int | None = None,
) -> QuerySet[Entry]:
    """The ledger list's filters: month, station (with the units below it), rule, state, person."""
    if month is not None:
        entries = entries.filter(month=month.replace(day=1))
    if unit is not None:
        entries = entries.filter(person__unit__path__startswith=unit.path)
    if rule_id:
        entries = entries.filter(rule_id=rule_id)
    if state:
        entries = entries.filter(state=state)
    if person_id is not None:
        entries = entries.filter(person_id=person_id)
    return entries


def objections_for(user) -> QuerySet[Objection]:
    """Objections to entries the user may see, open ones first."""
    return (
        Objection.objects.filter(entry__in=entries_for(user).values("pk"))
        .select_related("entry__person", "filed_by", "decided_by")
        .prefetch_related("attachments")
        .order_by("decided_at", "-filed_at", "-pk")
    )


def access_objection(user, pk: int) -> Objection:
    objection = objections_for(user).filter(pk=pk).first()
    if objection is None:
        raise Http404
    return objection


def access_attachment(user, pk: int) -> ObjectionAttachment:
    """An objection's file only for those who see the entry."""
    attachment = (
        ObjectionAttachment.objects.filter(objection__entry__in=entries_for(user).values("pk"))
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


@dataclass(frozen=True)
class EntryRow:
    entry: Entry
    deadline: datetime
    can_object: bool


@dataclass(frozen=True)
class PersonMonth:
    """KPI-11: a person's assessment month as he sees it: each entry and why, points left of the
    3-point budget, fines total and the ATT-03 notice level of his attendance."""

    person: Person
    month: date
    rows: list[EntryRow] = field(default_factory=list)
    points: Decimal = Decimal("0")
    fine: Decimal = Decimal("0")
    budget: Decimal = Decimal("3")
    objection_window_days: int = 7
    notice_level: str = ""

    @property
    def points_left(self) -> Decimal:
        return points_left(self.points, self.budget)


def person_month(person: Person, month: date, *, viewer=None) -> PersonMonth:
    """The month of `person` (who must be in the viewer's scope: use access_person first).

    KPI-11: withdrawn entries are listed but cost nothing. The budget of points is the policy's
    `kpi.window_separation_points` (3, KPI-09); the notice level is attendance's (ATT-03)."""
    from attendance.queries import month_summaries

    month = month.replace(day=1)
    policy = assessment_policy(PolicyBook(), person, month)
    entries = list(
        Entry.objects.filter(person=person, month=month)
        .prefetch_related("objections__attachments")
        .order_by("pk")
    )
    now = clock.now()
    me = person_of(viewer) if viewer is not None else person
    own = me is not None and me.pk == person.pk
    rows = [
        EntryRow(
            entry,
            objection_deadline(entry, policy),
            own and objection_open(entry, policy, now),
        )
        for entry in entries
    ]
    counted = [e for e in entries if e.counts]
    (summary,) = month_summaries(Person.objects.filter(pk=person.pk), month)
    return PersonMonth(
        person=person,
        month=month,
        rows=rows,
        points=sum((e.points for e in counted), Decimal("0")),
        fine=cny(sum((e.fine for e in counted), Decimal("0"))),
        budget=policy.window_separation_points,
        objection_window_days=policy.objection_window_days,
        notice_level=summary.summary.notice_level,
    )
