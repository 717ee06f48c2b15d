"""The columns of each chart's rows (the records behind its figures): what the rows page shows,
where each row links (the order, the person, the entry) and what the Excel export writes."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workorders.labels import BREACH_LABELS


@dataclass(frozen=True)
class Column:
    label: Any
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    link: Callable[[Any], str]  # where a row leads
    link_label: Callable[[Any], str]  # the text of that link (the first cell)


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page another app does not have (yet)
        return ""


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _name(person) -> str:
    return person.name if person else ""


def _order_url(order) -> str:
    return _url("workorders:detail", order.pk)


def _unit(obj) -> str:
    return obj.unit.name if getattr(obj, "unit", None) else ""


ORDER_COLUMNS = [
    Column(_("Type"), lambda o: o.get_kind_display()),
    Column(_("State"), lambda o: o.get_state_display()),
    Column(_("Site"), _unit),
    Column(_("Engineer"), lambda o: _name(o.engineer)),
    Column(_("Created at"), lambda o: _local(o.created_at)),
    Column(_("Dispatched at"), lambda o: _local(o.dispatched_at)),
]

TABLES: dict[str, Table] = {
    "orders": Table(ORDER_COLUMNS, _order_url, lambda o: o.number),
    "sla": Table(
        [
            Column(_("Rule"), lambda b: b.rule_id),
            Column(_("Breach"), lambda b: str(BREACH_LABELS.get(b.kind, b.kind))),
            Column(_("Person"), lambda b: _name(b.person)),
            Column(_("Site"), lambda b: b.order.unit.name),
            Column(_("Due at"), lambda b: _local(b.due_at)),
            Column(_("Recorded at"), lambda b: _local(b.recorded_at)),
            Column(_("Fine (CNY)"), lambda b: b.amount),
        ],
        lambda b: _order_url(b.order),
        lambda b: b.order.number,
    ),
    "escalations": Table(
        [
            *ORDER_COLUMNS[:4],
            Column(_("Dispatched at"), lambda o: _local(o.dispatched_at)),
            Column(_("Operations manager notified"), lambda o: o.ops),
            Column(_("Station notified"), lambda o: o.station),
            Column(_("Chain fined"), lambda o: o.fined),
        ],
        _order_url,
        lambda o: o.number,
    ),
    "attendance": Table(
        [
            Column(_("Date"), lambda d: d.date),
            Column(_("Status"), lambda d: d.get_status_display()),
            Column(_("Late arrivals"), lambda d: d.late_count),
            Column(_("Late minutes"), lambda d: d.late_minutes),
            Column(_("Early leaves"), lambda d: d.early_count),
            Column(_("Early-leave minutes"), lambda d: d.early_minutes),
            Column(_("Absent days"), lambda d: d.absent_days),
            Column(_("Rules"), lambda d: ", ".join(d.rule_ids or [])),
        ],
        lambda d: _url("attendance:day", d.person_id, d.date),
        lambda d: d.person.name,
    ),
    "points": Table(
        [
            Column(_("Assessment month"), lambda e: f"{e.month:%Y-%m}"),
            Column(_("Rule"), lambda e: e.rule_id),
            Column(_("Points deducted"), lambda e: e.points),
            Column(_("Fine (CNY)"), lambda e: e.fine),
            Column(_("State"), lambda e: e.get_state_display()),
            Column(_("Source"), lambda e: e.get_source_display()),
        ],
        lambda e: _url("assessment:entry", e.pk) or _url("people:detail", e.person_id),
        lambda e: e.person.name,
    ),
    "inspections": Table(
        [
            Column(_("Asset"), lambda t: t.asset.name),
            Column(_("Rule"), lambda t: t.rule_id),
            Column(_("Due on"), lambda t: t.due_on),
            Column(_("Status"), lambda t: t.get_status_display()),
            Column(_("Done at"), lambda t: _local(t.done_at)),
        ],
        lambda t: _url("inspections:ticket", t.pk) or _url("people:detail", t.engineer_id),
        lambda t: t.engineer.name,
    ),
    "callbacks": Table(
        [
            Column(_("Kind"), lambda c: c.get_kind_display()),
            Column(_("Order"), lambda c: c.order.number if c.order else ""),
            Column(_("Satisfaction"), lambda c: c.satisfaction),
            Column(_("Done at"), lambda c: _local(c.done_at)),
        ],
        lambda c: (
            _url("callbacks:detail", c.pk)
            or (_order_url(c.order) if c.order else _url("people:detail", c.engineer_id))
        ),
        lambda c: c.engineer.name,
    ),
}
TABLES["fines"] = TABLES["points"]

# The head of the first column (the linked one) per chart.
FIRST_COLUMN = {
    "orders": _("Order"),
    "sla": _("Order"),
    "escalations": _("Order"),
    "attendance": _("Person"),
    "points": _("Person"),
    "fines": _("Person"),
    "inspections": _("Engineer"),
    "callbacks": _("Engineer"),
}


def header(name: str) -> list[str]:
    return [str(FIRST_COLUMN[name]), *(str(c.label) for c in TABLES[name].columns)]


def cells(name: str, obj) -> list[Any]:
    table = TABLES[name]
    return [table.link_label(obj), *(c.value(obj) for c in table.columns)]
