"""The charts of the dashboards as plain data: which charts exist, and how aggregated rows become
categories and series (what the page draws with ECharts and the Excel export lists as figures).
Pure shaping: no ORM, no request."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.rules import average, percent
from workorders.models import Kind, State

Number = int | Decimal | None


@dataclass(frozen=True)
class ChartInfo:
    name: str
    title: Any  # lazy, translated when shown
    rules: str  # the rule IDs the chart is about
    category_label: Any  # what the categories are (months or order types)


CHARTS: dict[str, ChartInfo] = {
    info.name: info
    for info in [
        ChartInfo(
            "orders",
            gettext_lazy("Orders by state and type"),
            "WO",
            gettext_lazy("Order type"),
        ),
        ChartInfo(
            "sla",
            gettext_lazy("SLA compliance and breaches by rule"),
            "WO-01..05, WO-08",
            gettext_lazy("Month dispatched"),
        ),
        ChartInfo(
            "escalations",
            gettext_lazy("Escalations: WO-05 chain stages reached"),
            "WO-05",
            gettext_lazy("Month dispatched"),
        ),
        ChartInfo(
            "attendance",
            gettext_lazy("Attendance: late arrivals, early leaves, absences"),
            "ATT-04..06",
            gettext_lazy("Month"),
        ),
        ChartInfo(
            "points",
            gettext_lazy("Points deducted by rule and month"),
            "KPI, BEH",
            gettext_lazy("Assessment month"),
        ),
        ChartInfo(
            "fines",
            gettext_lazy("Fines by rule and month (CNY)"),
            "KPI-07, ATT, BEH, WO-05",
            gettext_lazy("Assessment month"),
        ),
        ChartInfo(
            "inspections",
            gettext_lazy("Inspection completion"),
            "INS, KPI-10",
            gettext_lazy("Month due"),
        ),
        ChartInfo(
            "callbacks",
            gettext_lazy("Callback satisfaction"),
            "CB-01, CB-02",
            gettext_lazy("Month of the callback"),
        ),
    ]
}


@dataclass
class Series:
    key: str
    name: str
    data: list[Number]
    kind: str = "bar"  # bar | line
    axis: int = 0  # 0: the left value axis, 1: the right one
    stack: str = ""


@dataclass(frozen=True)
class Axis:
    """A value axis: its name, a fixed range if any (0–100 %, scores 1–5) and whether it counts
    whole things (no 0.5 ticks)."""

    name: str
    min: int | None = None
    max: int | None = None
    integer: bool = False


def count_axis(name) -> Axis:
    return Axis(str(name), integer=True)


def percent_axis(name) -> Axis:
    return Axis(str(name), 0, 100)


@dataclass
class Chart:
    name: str
    title: str
    category_label: str
    categories: list[str]  # as shown
    category_keys: list[str]  # as the rows page filters by them
    series: list[Series] = field(default_factory=list)
    axes: list[Axis] = field(default_factory=list)  # the left one, and a right one if any
    as_of: datetime | None = None  # figures from the monthly rollup: computed then; else live

    def as_json(self) -> dict:
        """Numbers as JSON numbers (ECharts draws them; the Excel export keeps the Decimals)."""
        return {
            "name": self.name,
            "title": self.title,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "categories": self.categories,
            "category_keys": self.category_keys,
            "axes": [
                {"name": a.name, "min": a.min, "max": a.max, "integer": a.integer}
                for a in self.axes
            ],
            "series": [
                {
                    "key": s.key,
                    "name": s.name,
                    "kind": s.kind,
                    "axis": s.axis,
                    "stack": s.stack,
                    "data": [float(v) if isinstance(v, Decimal) else v for v in s.data],
                }
                for s in self.series
            ],
        }

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """The figures as a table: one row per category, one column per series."""
        header = [self.category_label, *(s.name for s in self.series)]
        rows = [
            [label, *(s.data[i] for s in self.series)] for i, label in enumerate(self.categories)
        ]
        return header, rows

    def value(self, category_key: str, series_key: str) -> Number:
        """One figure, by keys; None for a series the chart does not have."""
        index = self.category_keys.index(category_key)
        series = next((s for s in self.series if s.key == series_key), None)
        return series.data[index] if series else None


def month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def _chart(name: str, categories: list[str], keys: list[str]) -> Chart:
    info = CHARTS[name]
    return Chart(name, str(info.title), str(info.category_label), categories, keys)


def _month_chart(name: str, months: list[date]) -> Chart:
    keys = [month_key(m) for m in months]
    return _chart(name, keys, keys)


def orders_chart(rows: list[dict]) -> Chart:
    """Orders created in the period, per type (categories) and state (stacked series).
    rows: {"kind", "state", "n"}."""
    counts = {(r["kind"], r["state"]): r["n"] for r in rows}
    chart = _chart("orders", [str(label) for label in Kind.labels], list(Kind.values))
    chart.axes = [count_axis(_("Orders"))]
    present = {state for _kind, state in counts}
    for state in State:
        if state.value in present:
            chart.series.append(
                Series(
                    state.value,
                    str(state.label),
                    [counts.get((kind, state.value), 0) for kind in Kind.values],
                    stack="orders",
                )
            )
    return chart


def sla_chart(totals: list[dict], breaches: list[dict], months: list[date]) -> Chart:
    """Of the orders dispatched each month, those breaching each rule (stacked bars), and the
    share with no breach at all (the compliance line on a 0–100 % axis).
    totals: {"month", "total", "breached"}; breaches: {"month", "rule_id", "n"}."""
    chart = _month_chart("sla", months)
    chart.axes = [count_axis(_("Orders with a breach")), percent_axis(_("Compliance %"))]
    by_rule: dict[str, dict[date, int]] = defaultdict(dict)
    for r in breaches:
        by_rule[r["rule_id"]][r["month"]] = r["n"]
    for rule_id in sorted(by_rule):
        chart.series.append(
            Series(rule_id, rule_id, [by_rule[rule_id].get(m, 0) for m in months], stack="rules")
        )
    total = {r["month"]: (r["total"], r["breached"]) for r in totals}
    compliance = []
    for m in months:
        dispatched, breached = total.get(m, (0, 0))
        compliance.append(percent(dispatched - breached, dispatched))
    chart.series.append(Series("compliance", _("Compliance %"), compliance, "line", axis=1))
    return chart


ESCALATION_STAGES = [
    ("alerted", gettext_lazy("1. Customer service alerted")),
    ("ops", gettext_lazy("2. Operations manager notified")),
    ("station", gettext_lazy("3. Station notified")),
    ("fined", gettext_lazy("4. Chain fined")),
]


def escalations_chart(rows: list[dict], months: list[date]) -> Chart:
    """WO-05: per month of dispatch, the orders whose chain reached each stage.
    rows: {"month", "alerted", "ops", "station", "fined"}."""
    chart = _month_chart("escalations", months)
    chart.axes = [count_axis(_("Orders"))]
    by_month = {r["month"]: r for r in rows}
    for key, label in ESCALATION_STAGES:
        chart.series.append(
            Series(key, str(label), [by_month.get(m, {}).get(key) or 0 for m in months])
        )
    return chart


ATTENDANCE_MEASURES = [
    ("late", gettext_lazy("Late arrivals")),
    ("early", gettext_lazy("Early leaves")),
    ("absent", gettext_lazy("Absent days")),
]


def attendance_chart(rows: list[dict], months: list[date]) -> Chart:
    """ATT-04..06 facts per month from the day judgements. rows: {"month", "late", "early",
    "absent"}."""
    chart = _month_chart("attendance", months)
    chart.axes = [Axis(_("Count / days"))]
    by_month = {r["month"]: r for r in rows}
    for key, label in ATTENDANCE_MEASURES:
        data = [by_month.get(m, {}).get(key) or 0 for m in months]
        chart.series.append(Series(key, str(label), data, "line"))
    return chart


def ledger_chart(name: str, rows: list[dict], months: list[date]) -> Chart:
    """Points ("points") or fines in CNY ("fines") of the assessment entries that count (not
    withdrawn), per rule (stacked) and assessment month. rows: {"month", "rule_id", "points",
    "fine"}."""
    measure = "points" if name == "points" else "fine"
    chart = _month_chart(name, months)
    chart.axes = [Axis(_("Points") if name == "points" else _("CNY"))]
    by_rule: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for r in rows:
        if r[measure]:
            by_rule[r["rule_id"]][r["month"]] = r[measure]
    for rule_id in sorted(by_rule):
        data = [by_rule[rule_id].get(m, Decimal("0")) for m in months]
        chart.series.append(Series(rule_id, rule_id, data, stack="rules"))
    return chart


def inspections_chart(rows: list[dict], months: list[date]) -> Chart:
    """Inspection tickets due per month, those done, and the completion rate (INS, KPI-10).
    rows: {"month", "due", "done"}."""
    chart = _month_chart("inspections", months)
    chart.axes = [count_axis(_("Tickets")), percent_axis(_("Completion %"))]
    by_month = {r["month"]: r for r in rows}
    due = [by_month.get(m, {}).get("due") or 0 for m in months]
    done = [by_month.get(m, {}).get("done") or 0 for m in months]
    chart.series += [
        Series("due", _("Tickets due"), due),
        Series("done", _("Done"), done),
        Series(
            "rate",
            _("Completion %"),
            [percent(d, n) for d, n in zip(done, due, strict=True)],
            "line",
            axis=1,
        ),
    ]
    return chart


SCORES = [1, 2, 3, 4, 5]


def callbacks_chart(rows: list[dict], months: list[date]) -> Chart:
    """Answered callbacks per month by satisfaction score 1–5 (stacked) and the average score.
    rows: {"month", "satisfaction", "n"}."""
    chart = _month_chart("callbacks", months)
    chart.axes = [count_axis(_("Callbacks")), Axis(_("Average score"), 0, SCORES[-1])]
    counts: dict[date, dict[int, int]] = defaultdict(dict)
    for r in rows:
        counts[r["month"]][r["satisfaction"]] = r["n"]
    for score in SCORES:
        data = [counts[m].get(score, 0) for m in months]
        chart.series.append(Series(str(score), str(score), data, stack="scores"))
    chart.series.append(
        Series("average", _("Average score"), [average(counts[m]) for m in months], "line", 1)
    )
    return chart
