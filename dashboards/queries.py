"""Reads of the dashboards: who may see which dashboard (else 404), the aggregate query behind
each chart (one or two queries whatever the amount of data, never a loop over rows) and the
records behind each chart for its rows page and Excel export."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from assessment.models import Entry
from attendance.models import DayJudgement
from callbacks.models import Callback
from dashboards.rules import Period, add_months, parse_month
from people.models import OrgUnit
from people.queries import person_of, sees_everything, units_for
from people.roles import UNIT_WIDE
from workorders.models import Breach, Order, OrderEvent

# --- who sees what ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A dashboard's part of the organisation: a unit with everything below it, or the whole
    company (unit None)."""

    unit: OrgUnit | None

    def where(self, unit_field: str) -> Q:
        """Rows whose `unit_field` (a path to an OrgUnit) lies in the scope."""
        if self.unit is None:
            return Q()
        return Q(**{f"{unit_field}__path__startswith": self.unit.path})


def can_see_company(user) -> bool:
    """The company dashboard: the company-wide roles (operations, HR, dispatch, customer service,
    technical support)."""
    return sees_everything(user)


def company_scope(user) -> Scope:
    if not can_see_company(user):
        raise Http404
    return Scope(None)


def dashboard_units_for(user) -> QuerySet[OrgUnit]:
    """Units whose dashboard the user may open: any for company-wide roles, his own unit and
    what lies below it for station heads, station managers and area supervisors; none for
    engineers, group leaders, client and vendor roles."""
    if sees_everything(user):
        return OrgUnit.objects.all()
    me = person_of(user)
    if me is None or me.role not in UNIT_WIDE or me.unit_id is None:
        return OrgUnit.objects.none()
    return units_for(user)


def station_scope(user, unit_pk: int) -> Scope:
    unit = dashboard_units_for(user).filter(pk=unit_pk).first()
    if unit is None:
        raise Http404
    return Scope(unit)


def home_unit_for(user) -> OrgUnit | None:
    """Where a unit-wide role lands when he opens the dashboards: his own unit."""
    me = person_of(user)
    if me is None or me.role not in UNIT_WIDE or me.unit_id is None:
        return None
    return me.unit


def scope_for(user, unit_pk: int | None) -> Scope:
    return company_scope(user) if unit_pk is None else station_scope(user, unit_pk)


def stations_for(user) -> QuerySet[OrgUnit]:
    """The stations listed for switching dashboards."""
    return dashboard_units_for(user).filter(kind=OrgUnit.Kind.STATION).order_by("path")


# --- helpers ------------------------------------------------------------------------------------


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _between(field: str, period: Period) -> Q:
    """Datetimes in the period's months, in the configured time zone."""
    return Q(**{f"{field}__gte": _start(period.first), f"{field}__lt": _start(period.end)})


def month_index(field: str, period: Period, *, dates: bool = False) -> Case:
    """The index of the period's month a row's `field` falls in (0 = the first month), as a
    CASE over the month boundaries worked out here in the configured time zone. Grouping by it
    costs a few comparisons per row on any database (no per-row time-zone function, which on
    SQLite is Python); rows outside the period are filtered out by the caller."""
    bounds = [add_months(m, 1) for m in period.months]
    return Case(
        *(
            When(**{f"{field}__lt": bound if dates else _start(bound)}, then=Value(i))
            for i, bound in enumerate(bounds)
        ),
        default=Value(-1),
        output_field=IntegerField(),
    )


def _with_months(rows, period: Period, key: str = "m") -> list[dict]:
    """Replace the month index of each row by the month's first day, as "month"."""
    months = period.months
    result = []
    for row in rows:
        row = dict(row)
        index = row.pop(key)
        if 0 <= index < len(months):
            result.append({**row, "month": months[index]})
    return result


def _one_month(month: str | None, period: Period) -> Period | None:
    """The rows page narrowed to one month of the chart (a clicked bar), within the period."""
    parsed = parse_month(month) if month else None
    if parsed is None or not period.covers(parsed):
        return None
    return Period(parsed, parsed)


# --- orders by state and type -------------------------------------------------------------------


def _orders(scope: Scope, period: Period) -> QuerySet[Order]:
    return Order.objects.filter(scope.where("unit"), _between("created_at", period))


def orders_figures(scope: Scope, period: Period) -> list[dict]:
    """One query: orders created in the period, counted per type and state."""
    return list(_orders(scope, period).values("kind", "state").annotate(n=Count("pk")).order_by())


def orders_rows(scope: Scope, period: Period, category: str = "", series: str = ""):
    qs = _orders(scope, period).select_related("unit", "engineer")
    if category:
        qs = qs.filter(kind=category)
    if series:
        qs = qs.filter(state=series)
    return qs.order_by("-created_at", "-pk")


# --- SLA compliance and breaches ----------------------------------------------------------------


def _dispatched(scope: Scope, period: Period) -> QuerySet[Order]:
    return Order.objects.filter(scope.where("unit"), _between("dispatched_at", period))


def _breaches(scope: Scope, period: Period) -> QuerySet[Breach]:
    return Breach.objects.filter(
        scope.where("order__unit"), _between("order__dispatched_at", period)
    )


def sla_figures(scope: Scope, period: Period) -> tuple[list[dict], list[dict]]:
    """Two queries, per month of dispatch: the orders dispatched and those with any breach; and
    the orders breaching each rule
    (WO-01..05, WO-08), from the breaches joined to their orders."""
    totals = (
        _dispatched(scope, period)
        .annotate(m=month_index("dispatched_at", period))
        .values("m")
        .annotate(
            total=Count("pk"),
            # IN over the breaches' order ids: PostgreSQL hashes them once (a hashed SubPlan)
            # instead of probing per order.
            breached=Count("pk", filter=Q(pk__in=Breach.objects.values("order_id"))),
        )
        .order_by()
    )
    by_rule = (
        _breaches(scope, period)
        .annotate(m=month_index("order__dispatched_at", period))
        .values("m", "rule_id")
        .annotate(n=Count("order", distinct=True))
        .order_by()
    )
    return _with_months(totals, period), _with_months(by_rule, period)


def sla_rows(scope: Scope, period: Period, category: str = "", series: str = ""):
    """The breaches behind the chart; `series` "compliance" lists nothing but the breaches too."""
    period = _one_month(category, period) or period
    qs = _breaches(scope, period).select_related("order", "order__unit", "person")
    if series and series != "compliance":
        qs = qs.filter(rule_id=series)
    return qs.order_by("-due_at", "-pk")


# --- escalations (WO-05) ------------------------------------------------------------------------


def _escalated(scope: Scope, period: Period) -> QuerySet[Order]:
    """Orders whose WO-05 chain started (the contact deadline passed: "contact_late"), with
    flags for the later stages reached, from the order's events and breaches."""
    return (
        _dispatched(scope, period)
        .filter(Exists(Breach.objects.filter(order=OuterRef("pk"), kind="contact_late")))
        .annotate(
            ops=Exists(OrderEvent.objects.filter(order=OuterRef("pk"), kind="chain_notice_ops")),
            station=Exists(
                OrderEvent.objects.filter(order=OuterRef("pk"), kind="chain_ops_notified_station")
            ),
            fined=Exists(Breach.objects.filter(order=OuterRef("pk"), kind="chain_fine")),
        )
    )


def escalations_figures(scope: Scope, period: Period) -> list[dict]:
    """One query: per month of dispatch, the orders whose chain reached each stage."""
    rows = (
        _escalated(scope, period)
        .annotate(m=month_index("dispatched_at", period))
        .values("m")
        .annotate(
            alerted=Count("pk"),
            ops_n=Count("pk", filter=Q(ops=True)),
            station_n=Count("pk", filter=Q(station=True)),
            fined_n=Count("pk", filter=Q(fined=True)),
        )
        .order_by()
    )
    return [
        {
            "month": r["month"],
            "alerted": r["alerted"],
            "ops": r["ops_n"],
            "station": r["station_n"],
            "fined": r["fined_n"],
        }
        for r in _with_months(rows, period)
    ]


def escalations_rows(scope: Scope, period: Period, category: str = "", series: str = ""):
    period = _one_month(category, period) or period
    qs = _escalated(scope, period).select_related("unit", "engineer")
    if series in ("ops", "station", "fined"):
        qs = qs.filter(**{series: True})
    return qs.order_by("-dispatched_at", "-pk")


# --- attendance ---------------------------------------------------------------------------------

ATTENDANCE_FACT = Q(late_count__gt=0) | Q(early_count__gt=0) | Q(absent_days__gt=0)


def _judgements(scope: Scope, period: Period) -> QuerySet[DayJudgement]:
    return DayJudgement.objects.filter(
        scope.where("person__unit"), date__gte=period.first, date__lt=period.end
    )


def attendance_figures(scope: Scope, period: Period) -> list[dict]:
    """One query: late arrivals, early leaves and absent days per month (ATT-04..06), from the
    stored day judgements (only days with such a fact are read)."""
    rows = (
        _judgements(scope, period)
        .filter(ATTENDANCE_FACT)
        .annotate(m=month_index("date", period, dates=True))
        .values("m")
        .annotate(late=Sum("late_count"), early=Sum("early_count"), absent=Sum("absent_days"))
        .order_by()
    )
    return _with_months(rows, period)


ATTENDANCE_SERIES = {
    "late": Q(late_count__gt=0),
    "early": Q(early_count__gt=0),
    "absent": Q(absent_days__gt=0),
}


def attendance_rows(scope: Scope, period: Period, category: str = "", series: str = ""):
    month = _one_month(category, period) or period
    qs = _judgements(scope, month).filter(ATTENDANCE_SERIES.get(series, ATTENDANCE_FACT))
    return qs.select_related("person", "person__unit").order_by("-date", "person__name", "pk")


# --- points and fines (assessment ledger) -------------------------------------------------------


def _entries(scope: Scope, period: Period) -> QuerySet[Entry]:
    """Entries that count: a withdrawn entry costs nothing."""
    return Entry.objects.filter(
        scope.where("person__unit"), month__gte=period.first, month__lte=period.last
    ).exclude(state=Entry.State.WITHDRAWN)


def ledger_figures(scope: Scope, period: Period) -> list[dict]:
    """One query: points and fines per assessment month and rule."""
    rows = (
        _entries(scope, period)
        .values("month", "rule_id")
        .annotate(points=Sum("points"), fine=Sum("fine"))
        .order_by()
    )
    return list(rows)  # "month" is stored as the month's first day


def ledger_rows(
    scope: Scope, period: Period, category: str = "", series: str = "", measure: str = "points"
):
    month = _one_month(category, period) or period
    qs = _entries(scope, month).filter(**{f"{measure}__gt": 0})
    if series:
        qs = qs.filter(rule_id=series)
    return qs.select_related("person", "person__unit").order_by("-month", "person__name", "pk")


# --- callback satisfaction ----------------------------------------------------------------------


def _answered(scope: Scope, period: Period) -> QuerySet[Callback]:
    return Callback.objects.filter(
        scope.where("engineer__unit"),
        _between("done_at", period),
        state=Callback.State.DONE,
        satisfaction__isnull=False,
    )


def callbacks_figures(scope: Scope, period: Period) -> list[dict]:
    """One query: answered callbacks per month and satisfaction score (CB-01, CB-02)."""
    rows = (
        _answered(scope, period)
        .annotate(m=month_index("done_at", period))
        .values("m", "satisfaction")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _with_months(rows, period)


def callbacks_rows(scope: Scope, period: Period, category: str = "", series: str = ""):
    qs = _answered(scope, _one_month(category, period) or period)
    if series.isdigit():
        qs = qs.filter(satisfaction=int(series))
    return qs.select_related("engineer", "order", "customer").order_by("-done_at", "-pk")


# --- inspection completion ----------------------------------------------------------------------


def _tickets(scope: Scope, period: Period):
    """Inspection tickets due in the period, without approved skips (INS-01: a skip with the
    area supervisor's approval is no missed inspection)."""
    from inspections.models import Ticket

    return Ticket.objects.filter(
        scope.where("engineer__unit"), due_on__gte=period.first, due_on__lt=period.end
    ).exclude(status=Ticket.Status.SKIPPED)


def inspections_figures(scope: Scope, period: Period) -> list[dict]:
    """One query: tickets due per month and those done (INS, KPI-10 inspection completion)."""
    from inspections.models import Ticket

    rows = (
        _tickets(scope, period)
        .annotate(m=month_index("due_on", period, dates=True))
        .values("m")
        .annotate(due=Count("pk"), done=Count("pk", filter=Q(status=Ticket.Status.DONE)))
        .order_by()
    )
    return _with_months(rows, period)


def inspections_rows(scope: Scope, period: Period, category: str = "", series: str = ""):
    from inspections.models import Ticket

    qs = _tickets(scope, _one_month(category, period) or period)
    if series == "done":
        qs = qs.filter(status=Ticket.Status.DONE)
    return qs.select_related("engineer", "asset").order_by("-due_on", "-pk")
