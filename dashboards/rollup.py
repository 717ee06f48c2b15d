"""Monthly figures of the heavy charts rolled up per organisation unit (MonthFigure), so a chart
over a year of 150,000 orders a month reads a few thousand rows instead of every order.

The figures are cache data: `refresh_months` recomputes whole months from the facts with the same
aggregate queries the live charts use, grouped by unit as well. A chart reads the rollup only
when every month of its period is rolled up, and then says as of when (`as_of`); otherwise it
counts live. The worker refreshes this and last month every few minutes and the year nightly
(tasks.py)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum

from core import clock
from dashboards import queries as q
from dashboards.models import MonthFigure, RolledMonth
from dashboards.queries import Scope
from dashboards.rules import Period

ROLLED = ("orders", "sla", "escalations", "attendance", "callbacks")
BATCH = 5000


def _figures(chart: str, period: Period):
    """(unit id, month index, key, value) of every figure of `chart` in the period, all units."""
    everything = Scope(None)
    if chart == "orders":
        rows = (
            q._orders(everything, period)
            .annotate(m=q.month_index("created_at", period))
            .values("unit_id", "m", "kind", "state")
            .annotate(v=Count("pk"))
            .order_by()
        )
        for r in rows:
            yield r["unit_id"], r["m"], f"{r['kind']}|{r['state']}", r["v"]
    elif chart == "sla":
        totals = (
            q._dispatched(everything, period)
            .annotate(m=q.month_index("dispatched_at", period))
            .values("unit_id", "m")
            .annotate(
                total=Count("pk"),
                breached=Count("pk", filter=Q(pk__in=q.Breach.objects.values("order_id"))),
            )
            .order_by()
        )
        for r in totals:
            yield r["unit_id"], r["m"], "total", r["total"]
            yield r["unit_id"], r["m"], "breached", r["breached"]
        by_rule = (
            q._breaches(everything, period)
            .annotate(m=q.month_index("order__dispatched_at", period))
            .values("order__unit_id", "m", "rule_id")
            .annotate(v=Count("order", distinct=True))
            .order_by()
        )
        for r in by_rule:
            yield r["order__unit_id"], r["m"], f"rule|{r['rule_id']}", r["v"]
    elif chart == "escalations":
        rows = (
            q._escalated(everything, period)
            .annotate(m=q.month_index("dispatched_at", period))
            .values("unit_id", "m")
            .annotate(
                alerted=Count("pk"),
                ops_n=Count("pk", filter=Q(ops=True)),
                station_n=Count("pk", filter=Q(station=True)),
                fined_n=Count("pk", filter=Q(fined=True)),
            )
            .order_by()
        )
        for r in rows:
            for key in ("alerted", "ops_n", "station_n", "fined_n"):
                yield r["unit_id"], r["m"], key.removesuffix("_n"), r[key]
    elif chart == "attendance":
        rows = (
            q._judgements(everything, period)
            .filter(q.ATTENDANCE_FACT)
            .annotate(m=q.month_index("date", period, dates=True))
            .values("person__unit_id", "m")
            .annotate(late=Sum("late_count"), early=Sum("early_count"), absent=Sum("absent_days"))
            .order_by()
        )
        for r in rows:
            for key in ("late", "early", "absent"):
                yield r["person__unit_id"], r["m"], key, r[key] or 0
    elif chart == "callbacks":
        rows = (
            q._answered(everything, period)
            .annotate(m=q.month_index("done_at", period))
            .values("engineer__unit_id", "m", "satisfaction")
            .annotate(v=Count("pk"))
            .order_by()
        )
        for r in rows:
            yield r["engineer__unit_id"], r["m"], f"score|{r['satisfaction']}", r["v"]


@transaction.atomic
def refresh_months(first: date, last: date, charts=ROLLED) -> int:
    """Recompute the rolled-up figures of the months first..last; returns the rows stored."""
    period = Period(first.replace(day=1), last.replace(day=1))
    months, now, stored = period.months, clock.now(), 0
    for chart in charts:
        rows = [
            MonthFigure(chart=chart, month=months[m], unit_id=unit, key=key, value=value)
            for unit, m, key, value in _figures(chart, period)
            if 0 <= m < len(months) and value
        ]
        MonthFigure.objects.filter(
            chart=chart, month__gte=period.first, month__lte=period.last
        ).delete()
        MonthFigure.objects.bulk_create(rows, batch_size=BATCH)
        stored += len(rows)
        RolledMonth.objects.filter(chart=chart, month__in=months).delete()
        RolledMonth.objects.bulk_create(
            [RolledMonth(chart=chart, month=m, refreshed_at=now) for m in months]
        )
    return stored


@dataclass
class Rolled:
    rows: list[dict]
    as_of: datetime


def rolled(chart: str, scope: Scope, period: Period) -> Rolled | None:
    """The rolled-up figures of `chart` in the scope and period, in the shape of the live
    queries' rows, or None when a month of the period is not rolled up. Two queries."""
    if chart not in ROLLED:
        return None
    marks = list(
        RolledMonth.objects.filter(
            chart=chart, month__gte=period.first, month__lte=period.last
        ).values_list("refreshed_at", flat=True)
    )
    if len(marks) < len(period.months):
        return None
    figures = (
        MonthFigure.objects.filter(
            scope.where("unit"), chart=chart, month__gte=period.first, month__lte=period.last
        )
        .values("month", "key")
        .annotate(v=Sum("value"))
        .order_by()
    )
    return Rolled(SHAPES[chart](list(figures)), min(marks))


def _count(value: Decimal) -> int:
    return int(value)


def _orders_rows(figures: list[dict]) -> list[dict]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for f in figures:
        kind, state = f["key"].split("|", 1)
        counts[kind, state] += _count(f["v"])
    return [{"kind": k, "state": s, "n": n} for (k, s), n in counts.items()]


def _sla_rows(figures: list[dict]) -> tuple[list[dict], list[dict]]:
    totals: dict[date, dict] = defaultdict(lambda: {"total": 0, "breached": 0})
    by_rule = []
    for f in figures:
        if f["key"].startswith("rule|"):
            by_rule.append({"month": f["month"], "rule_id": f["key"][5:], "n": _count(f["v"])})
        else:
            totals[f["month"]][f["key"]] = _count(f["v"])
    return [{"month": m, **t} for m, t in totals.items()], by_rule


def _per_month(keys: tuple[str, ...], whole: bool):
    def shape(figures: list[dict]) -> list[dict]:
        months: dict[date, dict] = defaultdict(lambda: dict.fromkeys(keys, 0))
        for f in figures:
            months[f["month"]][f["key"]] = _count(f["v"]) if whole else f["v"]
        return [{"month": m, **values} for m, values in months.items()]

    return shape


def _attendance_rows(figures: list[dict]) -> list[dict]:
    rows = _per_month(("late", "early", "absent"), whole=False)(figures)
    for r in rows:
        r["late"], r["early"] = _count(r["late"]), _count(r["early"])
    return rows


def _callbacks_rows(figures: list[dict]) -> list[dict]:
    return [
        {"month": f["month"], "satisfaction": int(f["key"][6:]), "n": _count(f["v"])}
        for f in figures
    ]


SHAPES = {
    "orders": _orders_rows,
    "sla": _sla_rows,
    "escalations": _per_month(("alerted", "ops", "station", "fined"), whole=True),
    "attendance": _attendance_rows,
    "callbacks": _callbacks_rows,
}
