"""Why an entry exists (KPI-11: every figure traceable to its rule and evidence): the fact behind
it as a label and, where the fact has a page, a link to it."""

from dataclasses import dataclass
from datetime import date

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from assessment.models import Entry


@dataclass(frozen=True)
class Evidence:
    label: str
    url: str = ""


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the page of that fact does not exist (yet)
        return ""


def _month(value: str) -> date | None:
    try:
        year, month = (int(x) for x in str(value).split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return None


def evidence_for(entry: Entry) -> list[Evidence]:
    """The evidence of an entry, by its source: the order and its SLA breach, the attendance
    month, the callback, the complaint or the assessment group's written finding."""
    data = entry.evidence or {}
    found: list[Evidence] = []
    if entry.source == Entry.Source.BREACH and data.get("order"):
        found.append(
            Evidence(
                _("Order {order}: {rule} breached ({kind}), due {due}").format(
                    order=data.get("order_no") or data["order"],
                    rule=data.get("sla_rule", ""),
                    kind=data.get("kind", ""),
                    due=str(data.get("due_at", ""))[:16].replace("T", " "),
                ),
                _url("workorders:detail", data["order"]),
            )
        )
    elif entry.source == Entry.Source.ATTENDANCE:
        month = _month(data.get("month", "")) or entry.month
        found.append(
            Evidence(
                _("Attendance {month}: {count} × {code} ({detail})").format(
                    month=f"{month:%Y-%m}",
                    count=data.get("count", ""),
                    code=data.get("code", ""),
                    detail=data.get("detail", ""),
                ),
                _url("attendance:person", entry.person_id, month),
            )
        )
        if data.get("day"):
            found.append(
                Evidence(
                    _("Attendance day {day}").format(day=data["day"]),
                    _url("attendance:day", entry.person_id, date.fromisoformat(data["day"])),
                )
            )
    if data.get("callback"):
        # The label is stored as its English msgid (callbacks/checklist.py): translate on display.
        what = _(data["label"]) if data.get("label") else data.get("item") or ""
        found.append(
            Evidence(
                _("Callback #{pk} on {day}: {violation}").format(
                    pk=data["callback"], day=str(data.get("done_at", ""))[:10], violation=what
                )
                if what
                else _("Callback #{pk}").format(pk=data["callback"]),
                _url("callbacks:detail", data["callback"]),
            )
        )
    if data.get("complaint"):
        found.append(
            Evidence(
                _("Verified complaint #{pk}: {reason}").format(
                    pk=data["complaint"], reason=data.get("reason", "")
                ),
                _url("callbacks:complaint", data["complaint"]),
            )
        )
    if data.get("order") and entry.source != Entry.Source.BREACH:
        found.append(
            Evidence(
                _("Order {order}").format(order=data.get("order_no") or f"#{data['order']}"),
                _url("workorders:detail", data["order"]),
            )
        )
    if data.get("text"):
        found.append(Evidence(_("Finding: {text}").format(text=data["text"])))
    if not found:
        found.append(Evidence(entry.get_source_display()))
    return found
