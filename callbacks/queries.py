"""Reads of callbacks and complaints, scoped by the engineer they are about (people_for): the desk
sees everyone, a station its subtree, the client's people the staff serving them, an engineer
himself. Outside one's scope is 404."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from callbacks.models import Callback, Complaint
from callbacks.rules import quarter_end, quarter_start
from people.queries import people_for


def callbacks_for(user) -> QuerySet[Callback]:
    return Callback.objects.filter(engineer__in=people_for(user).values("pk")).select_related(
        "engineer", "customer", "order", "unit", "assigned_to"
    )


def open_callbacks_for(user, *, unit_id: int | None = None) -> QuerySet[Callback]:
    """The queue: open callbacks, oldest due first, optionally of one station's subtree."""
    qs = callbacks_for(user).filter(state=Callback.State.OPEN).order_by("due_on", "pk")
    if unit_id:
        from people.models import OrgUnit

        unit = OrgUnit.objects.filter(pk=unit_id).first()
        if unit is not None:
            qs = qs.filter(Q(unit__path__startswith=unit.path) | Q(engineer__unit=unit))
    return qs


def access_callback(user, pk: int) -> Callback:
    callback = callbacks_for(user).filter(pk=pk).first()
    if callback is None:
        raise Http404
    return callback


def complaints_for(user) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(engineer__in=people_for(user).values("pk"))
        .select_related("engineer", "customer", "order", "unit")
        .order_by("-registered_at", "-pk")
    )


def access_complaint(user, pk: int) -> Complaint:
    complaint = complaints_for(user).filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def satisfaction_by_person(
    person_ids: Iterable[int],
    start: date,
    end: date,
    *,
    kinds: Iterable[str] | None = None,
) -> dict[int, tuple[Decimal | None, int]]:
    """Per person: (average satisfaction to two places, number of answered callbacks) of the
    callbacks done from `start` to `end` inclusive (CB-01/CB-02; KPI-10 input). (None, 0) for a
    person nobody answered about."""
    person_ids = list(person_ids)
    low, high = _bounds(start, end)
    qs = Callback.objects.filter(
        engineer_id__in=person_ids,
        state=Callback.State.DONE,
        satisfaction__isnull=False,
        done_at__gte=low,
        done_at__lt=high,
    )
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    result: dict[int, tuple[Decimal | None, int]] = {pk: (None, 0) for pk in person_ids}
    for row in qs.order_by().values("engineer_id").annotate(avg=Avg("satisfaction"), n=Count("pk")):
        average = Decimal(str(row["avg"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        result[row["engineer_id"]] = (average, row["n"])
    return result


@dataclass(frozen=True)
class QuarterRow:
    engineer: object
    answered: int
    unreachable: int
    open: int
    average: Decimal | None
    violations: int


def quarter_statistics(user, quarter: date, *, kind: str = Callback.Kind.CLIENT_MONTHLY):
    """CB-02: per engineer in the user's scope, the quarter's client callbacks: answered,
    unreachable, still open, average satisfaction and behaviour violations."""
    start = quarter_start(quarter)
    end = quarter_end(start)
    in_quarter = Q(month__gte=start, month__lte=end) | Q(
        month__isnull=True, due_on__gte=start, due_on__lte=end
    )
    rows = (
        callbacks_for(user)
        .filter(in_quarter, kind=kind)
        .order_by()
        .values("engineer_id")
        .annotate(
            answered=Count("pk", filter=Q(state=Callback.State.DONE), distinct=True),
            unreachable=Count("pk", filter=Q(state=Callback.State.UNREACHABLE), distinct=True),
            open=Count("pk", filter=Q(state=Callback.State.OPEN), distinct=True),
            violations=Count("violations", filter=Q(state=Callback.State.DONE)),
        )
    )
    by_person = {row["engineer_id"]: row for row in rows}
    scores = satisfaction_by_person(list(by_person), start, end, kinds=[kind])
    people = people_for(user).filter(pk__in=list(by_person)).order_by("unit__name", "name")
    return [
        QuarterRow(
            engineer=person,
            answered=by_person[person.pk]["answered"],
            unreachable=by_person[person.pk]["unreachable"],
            open=by_person[person.pk]["open"],
            average=scores[person.pk][0],
            violations=by_person[person.pk]["violations"],
        )
        for person in people
    ]
